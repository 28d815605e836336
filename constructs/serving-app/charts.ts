// Per-chart helpers of a cdk8s synthesis: object order, chart file names and resource file names.
// They mirror the private `chartToKube`, `SimpleChartNamer`/`IndexedChartNamer` and the resource file
// naming of cdk8s 2.70.106 `lib/app.js`, built only on public cdk8s API.
import { ApiObject, Chart, DependencyVertex, Names } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The ApiObjects a chart renders, in dependency order, without those of nested charts. */
export function chartToKube(chart: Chart): ApiObject[] {
  return dependencyOrder(chart)
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter(x => Chart.of(x) === chart);
}

/**
 * `new DependencyGraph(chart.node).topology()`, built the same way from the same `DependencyVertex`es, but with the
 * vertices in a Map instead of an object keyed by construct path: such an object starts with the chart's own path, so
 * every chart would take one more of the transitions from the empty object that serving-app/shapes.ts is about, and
 * build hidden classes of its own. The order is the same: an object lists array-index keys first, but only a chart's
 * own path can be one (every other path has a `/`), and it is the first key anyway.
 */
function dependencyOrder(chart: Chart): IConstruct[] {
  const vertices = new Map<string, DependencyVertex>();
  for (const construct of chart.node.findAll()) {
    vertices.set(construct.node.path, new DependencyVertex(construct));
  }
  for (const vertex of vertices.values()) {
    for (const dependency of vertex.value!.node.dependencies) {
      // dependencies outside the chart are not part of its graph
      const target = vertices.get(dependency.node.path);
      if (target) {
        vertex.addChild(target);
      }
    }
  }
  const root = new DependencyVertex();
  for (const vertex of vertices.values()) {
    if (vertex.inbound.length === 0) {
      root.addChild(vertex);
    }
  }
  return root.topology();
}

/** Names chart files and folders; with dependent charts, names carry a 4-digit index prefix. */
export class ChartNamer {
  private index = 0;

  constructor(private readonly indexed: boolean) {}

  public name(chart: Chart): string {
    const name = Names.toDnsLabel(chart);
    if (!this.indexed) {
      return name;
    }
    const indexedName = `${this.index.toString().padStart(4, '0')}-${name}`;
    this.index++;
    return indexedName;
  }
}

/** The file name (without extension) cdk8s gives a resource in the FILE_PER_RESOURCE layouts. */
export function resourceFileName(kind: unknown, name: unknown): string {
  return `${kind}.${name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
}
