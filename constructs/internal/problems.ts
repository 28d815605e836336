import { Construct } from 'constructs';

/**
 * The error every construct of this library throws for bad input.
 *
 * Its message names the construct type and path, then each problem as `prop value rule`,
 * so a user can fix everything in one go.
 */
export class InvalidPropsError extends Error {
  constructor(public readonly constructType: string, public readonly constructPath: string, public readonly problems: string[]) {
    super(problems.length === 1
      ? `${constructType} '${constructPath}': ${problems[0]}`
      : `${constructType} '${constructPath}' has ${problems.length} invalid props:\n${problems.map(p => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidPropsError';
  }
}

/** Collects the problems of one construct's props, then throws them together. */
export class PropProblems {
  private readonly problems: string[] = [];

  constructor(private readonly constructType: string, private readonly scope: Construct) {}

  /** Records `<prop> <value> <rule>` unless `ok` holds. */
  public check(ok: boolean, prop: string, value: unknown, rule: string): boolean {
    if (!ok) {
      this.fail(prop, value, rule);
    }
    return ok;
  }

  /** Records `<prop> <value> <rule>`: for checks that only build the prop's path or the rule once the value failed. */
  public fail(prop: string, value: unknown, rule: string): void {
    this.add(`${prop} ${describe(value)} ${rule}`);
  }

  /** Records a problem phrased in full by the caller. */
  public add(problem: string): void {
    this.problems.push(problem);
  }

  public throwIfAny(): void {
    if (this.problems.length > 0) {
      throw new InvalidPropsError(this.constructType, constructPathOf(this.scope), this.problems);
    }
  }
}

/** The construct's path without the synthetic root, e.g. `jokemeter/jokemeter`. */
export function constructPathOf(scope: Construct): string {
  return scope.node.path || scope.node.id;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (value === undefined) {
    return '(unset)';
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
