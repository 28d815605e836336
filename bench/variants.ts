// The benchmark variants: which App synthesizes which construct tree.
import { App, AppProps } from 'cdk8s';
import { Construct } from 'constructs';
import * as fs from 'fs';
import * as os from 'os';

import { EnvValue, ModelServingApp, ModelServingAppProps, ModelSource, Mount, ServingApp, TfServingApp } from '../constructs';
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
const productionEndpoint: EndpointBuilder = (scope: Construct, index: number) => productionEndpointWith(scope, index, {});

function productionEndpointWith(scope: Construct, index: number, extra: Partial<ModelServingAppProps>): void {
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
    ...extra,
  });
}

/** The production endpoint serving a model downloaded before the server starts, with its digest checked. */
const downloadedModelEndpoint: EndpointBuilder = (scope: Construct, index: number) => {
  productionEndpointWith(scope, index, {
    model: {
      source: ModelSource.fromUrl(`https://models.example.com/model-${index}/v3/model.tar.gz`, { sha256: 'a'.repeat(64), sizeLimit: '10Gi' }),
      path: '/opt/model',
      env: 'ML_MODEL_PATH',
    },
  });
};

/** TF Serving with two models (one downloaded from s3://, one read from gs://), Prometheus metrics, batching and pod props. */
const tfServingEndpoint: EndpointBuilder = (scope: Construct, index: number) => {
  new TfServingApp(scope, `model-${index}`, {
    models: [
      { name: 'ranker', source: ModelSource.fromUrl(`s3://models/model-${index}/ranker.tar.gz`, { sha256: 'b'.repeat(64) }) },
      { name: 'retriever', source: ModelSource.fromUri(`gs://models/model-${index}/retriever`) },
    ],
    monitoring: true,
    batching: { maxBatchSize: 32, batchTimeoutMicros: 2000, numBatchThreads: 4, allowedBatchSizes: [8, 16, 32] },
    args: ['--rest_api_num_threads=8'],
    autoscaling: { maxReplicas: 5, cpuUtilization: 70 },
    probes: { liveness: { periodSeconds: 10, failureThreshold: 3 } },
    resources: { cpu: { request: '2' }, memory: { request: '4Gi', limit: '8Gi' }, gpu: { count: 1 } },
    serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': `model-${index}@proj.iam.gserviceaccount.com` } },
    nodeSelector: { pool: 'gpu' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8501' },
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
  'model-url': {
    label: '(f) as (e), with a fromUrl model and its digest',
    App: ServingApp,
    build: (app, n) => chartPerEndpoint(app, n, downloadedModelEndpoint),
  },
  'tf-serving': {
    label: '(g) ServingApp, TfServingApp, 2 models, metrics, batching',
    App: ServingApp,
    build: (app, n) => chartPerEndpoint(app, n, tfServingEndpoint),
  },
  'one-chart': {
    label: '(d) ServingApp, ModelServingApp, all in one chart',
    App: ServingApp,
    build: (app, n) => oneChart(app, n, modelServingEndpoint),
  },
};
