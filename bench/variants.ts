// The benchmark variants: which App synthesizes which construct tree.
import { App, AppProps } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';

import { ModelServingApp, ServingApp } from '../constructs';
import { chartPerEndpoint, EndpointBuilder, handWrittenEndpoint, oneChart } from './endpoints';

/**
 * Where cases write manifests: BENCH_TMPDIR, else the RAM disk /dev/shm when there is one (so disk noise does
 * not drown the synthesis time; both Apps write the same files), else the system temporary folder.
 */
export function outputBase(): string {
  return process.env.BENCH_TMPDIR ?? (fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
}

export interface Variant {
  readonly label: string;
  readonly App: new (props: AppProps) => App;
  readonly build: (app: App, n: number) => void;
}

/** One ModelServingApp with an Ingress and autoscaling. */
const modelServingEndpoint: EndpointBuilder = (scope: Construct, index: number) => {
  new ModelServingApp(scope, `model-${index}`, {
    image: `registry.example.com/model-${index}:1.0`,
    port: 8080,
    ingress: { host: `model-${index}.example.com`, path: '/' },
    autoscaling: { maxReplicas: 5, cpuUtilization: 70 },
  });
};

export const VARIANTS: Record<string, Variant> = {
  'serving-app': {
    label: '(a) ServingApp, ModelServingApp, chart per endpoint',
    App: ServingApp,
    build: (app, n) => chartPerEndpoint(app, n, modelServingEndpoint),
  },
  'app': {
    label: '(b) cdk8s App, ModelServingApp, chart per endpoint',
    App,
    build: (app, n) => chartPerEndpoint(app, n, modelServingEndpoint),
  },
  'hand-written': {
    label: '(c) cdk8s App, cdk8s-plus by hand, chart per endpoint',
    App,
    build: (app, n) => chartPerEndpoint(app, n, handWrittenEndpoint),
  },
  'one-chart': {
    label: '(d) ServingApp, ModelServingApp, all in one chart',
    App: ServingApp,
    build: (app, n) => oneChart(app, n, modelServingEndpoint),
  },
};
