// Per-chart helpers of a cdk8s synthesis: object order, chart file names and resource file names.
// They mirror the private `chartToKube`, `SimpleChartNamer`/`IndexedChartNamer` and the resource file
// naming of cdk8s 2.70.106 `lib/app.js`, built only on public cdk8s API.
import { ApiObject, Chart, DependencyGraph, Names } from 'cdk8s';

/** The ApiObjects a chart renders, in dependency order, without those of nested charts. */
export function chartToKube(chart: Chart): ApiObject[] {
  return new DependencyGraph(chart.node).topology()
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter(x => Chart.of(x) === chart);
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
