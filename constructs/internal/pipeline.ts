// The pipeline of every serving construct: check the props' shape, resolve every default into one spec,
// check that spec, and only then let the construct create objects from it.
import { Construct } from 'constructs';

import { PropProblems } from './problems';
import { ShapeCheck } from './shape';

export interface Pipeline<P, S> {
  readonly constructType: string;
  /** The run-time description of the props: unknown props and wrong types, for JavaScript callers. */
  readonly shape: ShapeCheck;
  /** Applies every default; runs only on props of the right shape. */
  readonly resolve: (props: P, id: string) => S;
  /** Checks the resolved spec; `props` are what the user gave, for conflicts between two props. */
  readonly check: (p: PropProblems, spec: S, props: P) => void;
}

/** Runs the shape check, resolve and check of `pipeline`; throws an InvalidPropsError with every problem found. */
export function resolveChecked<P, S>(construct: Construct, pipeline: Pipeline<P, S>, props: P | undefined): S {
  const p = new PropProblems(pipeline.constructType, construct);
  pipeline.shape(props, '', p);
  p.throwIfAny();
  // JavaScript callers may pass nothing; the checks then name what is missing.
  const given = props ?? ({} as P);
  const spec = pipeline.resolve(given, construct.node.id);
  pipeline.check(p, spec, given);
  p.throwIfAny();
  return spec;
}
