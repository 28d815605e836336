import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';

import { InvalidPropsError } from './internal/problems';
import { ENVIRONMENT_NAME, markEnvironmentFolder } from './kubernetes-rules';
import { ChartNamer, chartToKube, resourceFileName } from './serving-app/charts';
import { resolveDependencies, SynthCache, validateApp } from './serving-app/prepare';
import { keepManifestShapes } from './serving-app/shapes';
import { saveDocs, stringifyDocs } from './serving-app/yaml';

/**
 * Props of `ServingApp`: those of the cdk8s `App`, and the environment it synthesizes.
 */
export interface ServingAppProps extends AppProps {
  /**
   * The environment this app synthesizes, e.g. `staging`: its manifests go to `<outdir>/<environment>/`, a folder
   * marked as that environment's complete set, which the synth and the validation plugin check on their own and
   * `--format helm` turns into one chart. A DNS-1123 label. One `ServingApp` per environment, all with the same
   * `outdir`.
   * @default - no environment: manifests go to `outdir`
   */
  readonly environment?: string;
}

/**
 * A drop-in replacement for the cdk8s `App` that synthesizes in time linear in the size of the app.
 *
 * cdk8s `App.synth()` renders each chart with `chart.toJson()`, which resolves dependencies and runs
 * every validation of the whole app again, so synthesis costs O(charts x constructs). `ServingApp`
 * validates and resolves dependencies once for the whole app, then renders each chart. Its files,
 * file names, object order and `synthYaml()` string are byte-for-byte those of cdk8s `App` for the
 * same construct tree, in every `YamlOutputType`, and it throws the same errors.
 *
 * Manifests are written through a YAML fast path that produces the same bytes as cdk8s `Yaml.stringify`
 * for plain Kubernetes objects and defers to it for everything else (see serving-app/fast-yaml.ts).
 *
 * Limits: the synthesis steps mirror the private ones of cdk8s 2.70.106 `App` (see serving-app/prepare.ts);
 * construct validations run once (twice for layouts that `App` renders through `chart.toJson()`) instead of
 * once per chart, which only shows if a validation has side effects. Calling `chart.toJson()` yourself still
 * goes through cdk8s and costs a whole-app pass per call; so does a chart class that overrides `toJson()`, whose
 * override is called wherever `App` calls it.
 */
export class ServingApp extends App {
  /** The environment this app synthesizes, if any; its manifests then go to `<outdir>/<environment>/` (`this.outdir`). */
  public readonly environment?: string;
  private readonly recordMetadata: boolean;

  constructor(props: ServingAppProps = {}) {
    const { environment, ...appProps } = props;
    if (environment !== undefined && (typeof environment !== 'string' || !ENVIRONMENT_NAME.test(environment) || environment.length > 63)) {
      throw new InvalidPropsError('ServingApp', 'app', [
        `environment ${JSON.stringify(environment)} must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`,
      ]);
    }
    // the root is resolved as `App` does, so `CDK8S_OUTDIR` (the synth's staged folder) still wins over the default
    super(environment === undefined ? appProps : { ...appProps, outdir: path.join(appProps.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist', environment) });
    this.environment = environment;
    // before the app's constructs use up the hidden-class transitions the rendering needs (see serving-app/shapes.ts)
    keepManifestShapes();
    // same default as the private `App.recordConstructMetadata`
    this.recordMetadata = props.recordConstructMetadata ?? process.env.CDK8S_RECORD_CONSTRUCT_METADATA === 'true';
  }

  /** Synthesizes all manifests to the output directory. */
  public synth(): void {
    fs.mkdirSync(this.outdir, { recursive: true });
    const cache = new SynthCache();
    // The same steps in the same order as `App.synth()`: validate, resolve dependencies, sort charts.
    validateApp(this, cache);
    const hasDependantCharts = resolveDependencies(this, cache);
    const charts = this.charts;
    // `App` validates again inside the first `chart.toJson()` (now after dependency resolution) before it
    // writes anything; the folder layout does not call `toJson()`. Once is enough: nothing changed since.
    if (charts.length > 0 && this.yamlOutputType !== YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE) {
      validateApp(this, cache);
    }

    switch (this.yamlOutputType) {
      case YamlOutputType.FILE_PER_APP:
        this.writeApp(charts);
        break;
      case YamlOutputType.FILE_PER_CHART:
        this.writeFilePerChart(charts, new ChartNamer(hasDependantCharts));
        break;
      case YamlOutputType.FILE_PER_RESOURCE:
        this.writeFilePerResource(charts);
        break;
      case YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE:
        this.writeFolderPerChart(charts, new ChartNamer(hasDependantCharts));
        break;
      default:
        break;
    }

    if (this.recordMetadata) {
      this.writeMetadata(this.charts.flatMap(chartToKube));
    }
    if (this.environment !== undefined) {
      markEnvironmentFolder(this.outdir, this.environment);
    }
  }

  /** Synthesizes the app into a YAML string with all objects across all charts. */
  public synthYaml(): string {
    const cache = new SynthCache();
    resolveDependencies(this, cache);
    validateApp(this, cache);
    return stringifyDocs(this.charts.flatMap(renderChart));
  }

  private writeApp(charts: Chart[]): void {
    const docs = charts.flatMap(renderChart);
    if (charts.length > 0) {
      saveDocs(path.join(this.outdir, `app${this.outputFileExtension}`), docs);
    }
  }

  private writeFilePerChart(charts: Chart[], namer: ChartNamer): void {
    for (const chart of charts) {
      const chartName = namer.name(chart);
      saveDocs(path.join(this.outdir, chartName + this.outputFileExtension), renderChart(chart));
    }
  }

  private writeFilePerResource(charts: Chart[]): void {
    for (const chart of charts) {
      for (const manifest of renderChart(chart)) {
        const fileName = resourceFileName(manifest.kind, manifest.metadata.name);
        saveDocs(path.join(this.outdir, fileName + this.outputFileExtension), [manifest]);
      }
    }
  }

  private writeFolderPerChart(charts: Chart[], namer: ChartNamer): void {
    for (const chart of charts) {
      const folder = path.join(this.outdir, namer.name(chart));
      fs.mkdirSync(folder, { recursive: true });
      // like `App`, names files after the ApiObject (not its patched manifest)
      for (const apiObject of chartToKube(chart)) {
        const fileName = resourceFileName(apiObject.kind, apiObject.metadata.name);
        saveDocs(path.join(folder, fileName + this.outputFileExtension), [apiObject.toJson()]);
      }
    }
  }

  private writeMetadata(apiObjects: ApiObject[]): void {
    const resources: { [name: string]: { path: string } } = {};
    for (const apiObject of apiObjects) {
      resources[apiObject.name] = { path: apiObject.node.path };
    }
    fs.writeFileSync(path.join(this.outdir, 'construct-metadata.json'), JSON.stringify({ version: '1.0.0', resources }));
  }
}

/**
 * What `chart.toJson()` returns, without the whole-app pass cdk8s does first. A chart class that overrides
 * `toJson()` gets its override called, as `App` does (at the cost of that whole-app pass, for such charts only).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function renderChart(chart: Chart): any[] {
  if (chart.toJson !== Chart.prototype.toJson) {
    return Object.values(chart.toJson()); // `App` takes `Object.values` of what `toJson()` returns
  }
  return chartToKube(chart).map(obj => obj.toJson());
}
