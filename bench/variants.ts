// The benchmark variants: which App synthesizes which construct tree.
import { App, AppProps } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';

import { EnvValue, ModelServingApp, Mount, ServingApp } from '../constructs';
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

/** The same endpoint with every production pod prop: env references, mounts, probes, GPU, placement, sidecars. */
const productionEndpoint: EndpointBuilder = (scope: Construct, index: number) => {
  const models = Mount.emptyDir({ sizeLimit: '5Gi' });
  new ModelServingApp(scope, `model-${index}`, {
    image: `registry.example.com/model-${index}:1.0`,
    port: 8080,
    ingress: { host: `model-${index}.example.com`, path: '/' },
    autoscaling: { maxReplicas: 5, cpuUtilization: 70 },
    command: ['serve'],
    args: ['--workers', '2'],
    env: { PASSWORD: EnvValue.fromSecret('db', 'password'), POD_IP: EnvValue.fromField('status.podIP'), MODE: 'production' },
    envFromSecrets: ['model-secrets'],
    envFromConfigMaps: ['model-settings'],
    mounts: { '/etc/tls': Mount.secret('tls'), '/config': Mount.configMap('model-settings'), '/dev/shm': Mount.memory('1Gi'), '/models': models },
    probes: { readiness: { path: '/ready', initialDelaySeconds: 1, failureThreshold: 2 }, liveness: { path: '/health', periodSeconds: 10 } },
    resources: { cpu: { request: '1' }, memory: { request: '2Gi', limit: '4Gi' }, gpu: { count: 1 }, ephemeralStorage: { limit: '4Gi' } },
    serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': `model-${index}@proj.iam.gserviceaccount.com` } },
    imagePullSecrets: ['registry'],
    nodeSelector: { pool: 'gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    priorityClassName: 'serving',
    topologySpread: { topologyKey: 'topology.kubernetes.io/zone' },
    podLabels: { team: 'ml' },
    podAnnotations: { 'prometheus.io/scrape': 'true' },
    annotations: { 'owner.example.com/team': 'ml' },
    minReadySeconds: 10,
    progressDeadlineSeconds: 300,
    changeCause: 'bench',
    initContainers: [{ name: 'fetch', image: 'registry.example.com/fetch:1.0', args: ['/models'], mounts: { '/models': models } }],
    sidecars: [{ name: 'exporter', image: 'registry.example.com/exporter:1.0', ports: [{ name: 'metrics', containerPort: 9102 }] }],
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
  'production-props': {
    label: '(e) ServingApp, ModelServingApp with every pod prop, chart each',
    App: ServingApp,
    build: (app, n) => chartPerEndpoint(app, n, productionEndpoint),
  },
  'one-chart': {
    label: '(d) ServingApp, ModelServingApp, all in one chart',
    App: ServingApp,
    build: (app, n) => oneChart(app, n, modelServingEndpoint),
  },
};
