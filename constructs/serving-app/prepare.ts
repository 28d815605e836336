// App-wide preparation steps of a cdk8s synthesis, done once per synth instead of once per chart.
//
// These mirror the private functions `validate`, `buildDependencies` and `resolveDependencies` of
// cdk8s 2.70.106 `lib/app.js` (pinned in package.json). cdk8s `App` runs them once in `synth()` and
// then again, for the whole app, inside every `chart.toJson()` (through the internal `App._synthChart`).
// The second and later runs add no dependency (every edge they would add already exists, and
// `node.addDependency` keeps a Set, so insertion order is unchanged), which is why running them once is
// enough. If cdk8s changes these functions, test/serving-app.test.ts is the tripwire.
import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct, Node } from 'constructs';

/** Memoizes `node.findAll()` and the per-node lists `resolveDependencies` derives from it. */
export class SynthCache {
  private readonly all = new Map<Node, IConstruct[]>();
  private readonly apiObjects = new Map<Node, ApiObject[]>();

  public findAll(node: Node): IConstruct[] {
    let found = this.all.get(node);
    if (!found) {
      found = node.findAll();
      this.all.set(node, found);
    }
    return found;
  }

  /** The ApiObjects at or below `construct` whose closest chart is the chart of `construct`. */
  public ownApiObjects(construct: IConstruct): ApiObject[] {
    let found = this.apiObjects.get(construct.node);
    if (!found) {
      const chart = Chart.of(construct);
      found = this.findAll(construct.node).filter((c): c is ApiObject => c instanceof ApiObject).filter(x => Chart.of(x) === chart);
      this.apiObjects.set(construct.node, found);
    }
    return found;
  }
}

/** Runs every construct validation of the app; throws the same error as cdk8s `App` when any fails. */
export function validateApp(app: App, cache: SynthCache): void {
  const errors: string[] = [];
  for (const child of cache.findAll(app.node)) {
    for (const error of child.node.validate()) {
      errors.push(`[${child.node.path}] ${error}`);
    }
  }
  if (errors.length > 0) {
    throw new Error(`Validation failed with the following errors:\n  ${errors.join('\n  ')}`);
  }
}

interface Dependency {
  readonly source: IConstruct;
  readonly target: IConstruct;
}

function buildDependencies(app: App, cache: SynthCache): Dependency[] {
  const deps: Dependency[] = [];
  for (const child of cache.findAll(app.node)) {
    for (const dep of child.node.dependencies) {
      deps.push({ source: child, target: dep });
    }
  }
  return deps;
}

/**
 * Turns nested charts and construct dependencies into explicit chart and ApiObject dependencies, exactly as
 * cdk8s `App` does. Returns whether any chart depends on another (then chart files get an index prefix).
 */
export function resolveDependencies(app: App, cache: SynthCache): boolean {
  let hasDependantCharts = false;

  // an explicit chart dependency from nested chart relationships
  for (const parentChart of cache.findAll(app.node).filter(x => x instanceof Chart)) {
    for (const childChart of parentChart.node.children.filter(x => x instanceof Chart)) {
      parentChart.node.addDependency(childChart);
      hasDependantCharts = true;
    }
  }

  // an explicit chart dependency from implicit construct dependencies
  for (const dep of buildDependencies(app, cache)) {
    const sourceChart = Chart.of(dep.source);
    const targetChart = Chart.of(dep.target);
    if (sourceChart !== targetChart) {
      sourceChart.node.addDependency(targetChart);
      hasDependantCharts = true;
    }
  }

  // explicit ApiObject dependencies from implicit construct dependencies
  for (const dep of buildDependencies(app, cache)) {
    const targetApiObjects = cache.ownApiObjects(dep.target);
    const sourceApiObjects = cache.ownApiObjects(dep.source);
    for (const target of targetApiObjects) {
      for (const source of sourceApiObjects) {
        if (target !== source) {
          source.node.addDependency(target);
        }
      }
    }
  }

  return hasDependantCharts;
}
