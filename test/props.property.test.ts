// Properties: valid props always synthesize manifests that pass the schema and `check --strict`; any props either
// do that or raise a clear InvalidPropsError. Each prop has a valid and an invalid generator, so one table drives both.
import { Chart, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';

import {
  ClaimCreateOptions, EnvValue, InvalidPropsError, ModelServingApp, ModelSource, Mount, ServiceType, TfServingApp, WhenUnsatisfiable,
} from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { validateManifest } from '../constructs/check/schema';
import { testChart } from './util';

/** A ConfigMap the generated props may reference, as a user's cluster would hold it. */
const SETTINGS = { name: 'settings', key: 'level' };

type Arb<T> = fc.Arbitrary<T>;
/** A prop's valid values and, for the mixed property, values that must be refused. */
interface Gen<T> {
  readonly valid: Arb<T>;
  readonly invalid: Arb<T>;
}

const gen = <T>(valid: Arb<T>, invalid: Arb<unknown>): Gen<T> => ({ valid, invalid: invalid as Arb<T> });
const opt = <T>(a: Arb<T>, freq = 3) => fc.option(a, { nil: undefined, freq });

/** Mostly valid values with an occasional bad one, so that both outcomes are common. */
function mostly<T>(g: Gen<T>): Arb<T> {
  return fc.oneof({ arbitrary: g.valid, weight: 40 }, { arbitrary: g.invalid, weight: 1 });
}

/** The valid side of a generator, or the mixed one. */
function either<T>(valid: boolean, g: Gen<T>): Arb<T> {
  return valid ? g.valid : mostly(g);
}

/** Builds a record arbitrary from a table of generators, picking either their valid or their mixed side. */
function record<T extends Record<string, Gen<unknown>>>(table: T, valid: boolean, freq = 3):
Arb<{ [K in keyof T]: T[K] extends Gen<infer V> ? V | undefined : never }> {
  const fields: Record<string, Arb<unknown>> = {};
  for (const [key, g] of Object.entries(table)) {
    fields[key] = opt(valid ? g.valid : mostly(g), freq);
  }
  return fc.record(fields) as never;
}

/** A request and a limit from `quantities` (in ascending order), the request never above the limit. */
const range = (quantities: string[]) => gen(
  fc.tuple(fc.nat(quantities.length - 1), fc.nat(quantities.length - 1), fc.boolean(), fc.boolean()).map(([a, b, r, l]) => ({
    request: r ? quantities[Math.min(a, b)] : undefined, limit: l ? quantities[Math.max(a, b)] : undefined,
  })),
  fc.constantFrom({ request: '512MB' }, { request: '-1' }, { limit: 'lots' }, { request: '2', limit: '1' }),
);
const CPU = ['5m', '100m', '0.5', '1', '2'];
/** At least 32M: a memory limit must hold the 16Mi memory mounts below. */
const BYTES = ['32M', '512Mi', '1G', '2Gi'];
const resources = (valid: boolean) => record({
  cpu: range(CPU), memory: range(BYTES), ephemeralStorage: range(BYTES),
  gpu: gen(fc.record({ count: fc.integer({ min: 1, max: 8 }), resource: opt(fc.constantFrom('nvidia.com/gpu', 'amd.com/gpu')) }),
    fc.constantFrom({ count: 0 }, { count: 1.5 }, { count: 1, resource: 'gpu' })),
}, valid);

const httpPath = fc.constantFrom('/', '/healthz', '/api/v1/ready', '/v1/models/m');
const timings = {
  initialDelaySeconds: gen(fc.integer({ min: 0, max: 30 }), fc.constant(-1)),
  periodSeconds: gen(fc.integer({ min: 1, max: 30 }), fc.constant(0)),
  timeoutSeconds: gen(fc.integer({ min: 1, max: 10 }), fc.constant(0)),
  failureThreshold: gen(fc.integer({ min: 1, max: 60 }), fc.constant(0)),
};
/** A path string, or options; only readiness may ask for more than one success. */
const probe = (valid: boolean, successThreshold: Arb<number>) => fc.oneof(
  valid ? httpPath : mostly(gen(httpPath, fc.constantFrom('ready', '/a b', ''))),
  fc.tuple(record({ ...timings, path: gen(httpPath, fc.constant('ready')) }, valid), opt(successThreshold))
    .map(([o, successThreshold]) => ({ ...o, successThreshold })),
);
const probes = (valid: boolean) => fc.record({
  startup: opt(probe(valid, valid ? fc.constant(1) : fc.constantFrom(1, 1, 1, 2))),
  readiness: opt(probe(valid, fc.integer({ min: 1, max: 3 }))),
  liveness: opt(probe(valid, valid ? fc.constant(1) : fc.constantFrom(1, 1, 1, 3))),
});

const envValue = gen<string | EnvValue>(
  fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constant(EnvValue.fromSecret('db', 'password')),
    fc.constant(EnvValue.fromConfigMap(SETTINGS.name, SETTINGS.key)),
    fc.constantFrom('status.podIP', 'metadata.namespace', "metadata.labels['team']").map(EnvValue.fromField),
  ),
  fc.constantFrom(EnvValue.fromSecret('Bad_Secret', 'k'), EnvValue.fromField('status.ip'), 80 as never),
);
const env = (valid: boolean, reserved: string[] = []) => fc.dictionary(
  valid ? fc.constantFrom('PORT', 'MLFLOW_SERVER', 'a.b-c', 'LOG_LEVEL') : mostly(gen(fc.constantFrom('PORT', 'a.b-c'), fc.constantFrom('1BAD', ...reserved))),
  valid ? envValue.valid : mostly(envValue),
  { maxKeys: 3 },
);

/** Mount paths and writable paths come from separate sets: one path is one volume. */
const mounts = (valid: boolean) => fc.dictionary(
  fc.constantFrom('/etc/tls', '/config', '/data', '/dev/shm', '/cache'),
  valid
    ? fc.constantFrom(Mount.secret('tls'), Mount.configMap(SETTINGS.name), Mount.claim('data', { readOnly: true }), Mount.memory('16Mi'), Mount.emptyDir())
    : mostly(gen(fc.constant(Mount.emptyDir({ sizeLimit: '1Gi' })), fc.constantFrom(Mount.secret('TLS'), Mount.memory('1GB')))),
  { maxKeys: 3 },
);

const security = (valid: boolean) => record({
  runAsUser: gen(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, -1, 2 ** 32)),
  readOnlyRootFilesystem: gen(fc.boolean(), fc.boolean()),
  writablePaths: gen<string[]>(
    fc.constantFrom(['/tmp'], ['/home/app/.cache'], ['/var/cache/app', '/tmp'], []),
    fc.constantFrom(['/tmp', '/tmp'], ['tmp'], ['/']),
  ),
  runAsRoot: gen(fc.constant({ reason: 'vendor image needs root' }), fc.constant({ reason: '' })),
}, valid, 8).map(s => (valid && s.runAsRoot ? { ...s, runAsUser: undefined } : s));

const additionalContainer = (valid: boolean, name: string, port: number) => fc.record({
  name: valid ? fc.constant(name) : mostly(gen(fc.constant(name), fc.constantFrom('Bad_Name', 'app'))),
  image: valid ? fc.constant('quay.io/prometheus/statsd-exporter:v0.26.1') : mostly(gen(fc.constant('busybox:1.36'), fc.constant('busybox'))),
  args: opt(fc.constant(['--listen', `:${port}`])),
  env: opt(env(valid)),
  resources: opt(resources(valid)),
  ports: opt(fc.constant([{ name: `m-${name}`, containerPort: port }])),
});

const tolerations = gen<k8s.Toleration[]>(
  fc.constantFrom(
    [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    [{ key: 'pool', operator: 'Equal', value: 'gpu' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
  ),
  fc.constantFrom([{ key: 'x', operator: 'Is' }], [{ operator: 'Exists', value: 'v' }], [{ key: 'x', operator: 'Exists', tolerationSeconds: 5 }]),
);

/** The shared props of both constructs, valid or mixed. */
const workload = (valid: boolean, reservedEnv: string[] = []) => fc.record({
  security: opt(security(valid)),
  env: opt(env(valid, reservedEnv)),
  envFromSecrets: opt(either(valid, gen(fc.constant(['db']), fc.constant(['Bad'])))),
  envFromConfigMaps: opt(fc.constant([SETTINGS.name])),
  mounts: opt(mounts(valid)),
  probes: opt(probes(valid)),
  command: opt(fc.constant(['serve'])),
  args: opt(fc.constant(['--workers', '2'])),
  rollingUpdate: opt(fc.record({
    maxSurge: opt(valid ? fc.constantFrom(0, 1, '25%', '200%') : mostly(gen(fc.constantFrom(1, '25%'), fc.constantFrom('1', -1)))),
    maxUnavailable: opt(valid ? fc.constantFrom(1, '33%', '100%') : mostly(gen(fc.constantFrom(0, '33%'), fc.constantFrom('150%', 1.5)))),
  })),
  revisionHistoryLimit: opt(fc.integer({ min: 0, max: 20 })),
  minReadySeconds: opt(valid ? fc.integer({ min: 0, max: 30 }) : mostly(gen(fc.integer({ min: 0, max: 30 }), fc.constant(-1)))),
  progressDeadlineSeconds: opt(fc.integer({ min: 60, max: 900 })),
  changeCause: opt(valid ? fc.constant('retrained on November data') : mostly(gen(fc.constant('v2'), fc.constant(' ')))),
  serviceAccount: opt(fc.record({ annotations: opt(fc.constant({ 'iam.gke.io/gcp-service-account': 'sa@p.iam.gserviceaccount.com' })) })),
  automountServiceAccountToken: opt(either(valid, gen(fc.constant({ reason: 'reads ConfigMaps' }), fc.constant({ reason: '' })))),
  imagePullSecrets: opt(fc.constant(['registry'])),
  nodeSelector: opt(valid ? fc.constant({ pool: 'gpu' }) : mostly(gen(fc.constant({ pool: 'gpu' }), fc.constant({ pool: 'gpu nodes' })))),
  tolerations: opt(valid ? tolerations.valid : mostly(tolerations)),
  priorityClassName: opt(fc.constant('serving')),
  topologySpread: opt(fc.oneof(fc.boolean(), fc.record({
    topologyKey: opt(fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone')),
    maxSkew: opt(valid ? fc.integer({ min: 1, max: 3 }) : mostly(gen(fc.integer({ min: 1, max: 3 }), fc.constant(0)))),
    whenUnsatisfiable: opt(fc.constantFrom(WhenUnsatisfiable.SCHEDULE_ANYWAY, WhenUnsatisfiable.DO_NOT_SCHEDULE)),
  }))),
  podLabels: opt(valid ? fc.constant({ team: 'ml' }) : mostly(gen(fc.constant({ team: 'ml' }), fc.constant({ 'app.kubernetes.io/name': 'x' })))),
  podAnnotations: opt(fc.constant({ 'prometheus.io/scrape': 'true' })),
  annotations: opt(fc.constant({ 'owner.example.com/team': 'ml' })),
  initContainers: opt(fc.tuple(additionalContainer(valid, 'fetch', 9101)).map(([c]) => [{ ...c, ports: undefined }])),
  sidecars: opt(fc.uniqueArray(fc.constantFrom(['exporter', 9102] as const, ['proxy', 9103] as const), { minLength: 1, maxLength: 2, selector: s => s[0] })
    .chain(list => fc.tuple(...list.map(([n, p]) => additionalContainer(valid, n, p))))),
}).map(w => (valid && w.minReadySeconds !== undefined && w.progressDeadlineSeconds !== undefined
  ? { ...w, progressDeadlineSeconds: w.minReadySeconds + w.progressDeadlineSeconds } : w))
  // two writable folders and a mount at one path would be two volumes at one path
  .map(w => (w.mounts && w.security?.writablePaths?.some(p => w.mounts?.[p]) ? { ...w, mounts: undefined } : w));

const name = gen(
  fc.oneof(fc.constantFrom('jokemeter', 'a', 'model-1', 'x'.repeat(63)), fc.stringMatching(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/)),
  fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{62,70}$/), fc.string({ maxLength: 12 })),
);
const image = gen(
  fc.constantFrom('peterwolf/jokemeter:lr', 'gcr.io/p/api:1.0.0', `r/m@sha256:${'b'.repeat(64)}`, 'localhost:5000/m:v2'),
  fc.oneof(fc.constantFrom('jokemeter', 'm:latest', 'UPPER/case:1', 'r/m:', ':1', 'r/m:bad tag'), fc.string({ maxLength: 20 })),
);
const port = gen(fc.integer({ min: 1, max: 9000 }), fc.constantFrom(0, -1, 65536, 80.5, 1e21));
const nodePort = gen(fc.integer({ min: 30000, max: 32767 }), fc.integer({ min: 1, max: 70000 }));
const host = gen(fc.constantFrom('jokemeter.ai', '*.models.example.com', 'a.b'), fc.string({ maxLength: 15 }));
const serviceType = fc.constantFrom(ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER);

const scaling = (valid: boolean) => fc.record({
  replicas: opt(valid ? fc.integer({ min: 0, max: 5 }) : mostly(gen(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5))), 2),
  autoscaling: opt(fc.record({
    minReplicas: opt(valid ? fc.integer({ min: 1, max: 3 }) : mostly(gen(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, 9)))),
    maxReplicas: valid ? fc.integer({ min: 3, max: 10 }) : mostly(gen(fc.integer({ min: 3, max: 10 }), fc.constantFrom(0, 2))),
    cpuUtilization: opt(valid ? fc.integer({ min: 1, max: 150 }) : mostly(gen(fc.integer({ min: 1, max: 150 }), fc.constantFrom(0, -5)))),
    memoryUtilization: opt(fc.integer({ min: 1, max: 150 })),
  }), 2),
}).map(s => (valid && s.autoscaling ? { ...s, replicas: undefined } : s));

const service = (valid: boolean) => fc.record({
  type: opt(serviceType),
  port: opt(valid ? port.valid : mostly(port)),
  nodePort: opt(valid ? nodePort.valid : mostly(nodePort)),
  // a node port without a type is a NodePort Service; with ClusterIP it is a conflict
}).map(s => (valid && s.nodePort !== undefined && s.type === ServiceType.CLUSTER_IP ? { ...s, type: undefined } : s));

/** ModelServingApp's model: any source but a store (which needs env), at a path of its own. */
const modelProp = (valid: boolean) => fc.record({
  source: fc.oneof(either(valid, urlSource(false)), fc.constant(ModelSource.fromImage()), hostPath,
    fc.constant(ModelSource.fromClaim('api-model', { create: { storage: '2Gi' } }))),
  path: opt(fc.constantFrom('/models/api', '/opt/model')),
  env: opt(fc.constant('ML_MODEL_PATH')),
}).chain(model => (valid ? fc.constant(model) : fc.oneof(
  { arbitrary: fc.constant(model), weight: 20 },
  { arbitrary: fc.constantFrom({ source: ModelSource.fromUri('gs://b/m') }, { ...model, path: '/tmp' }, { ...model, env: '1BAD' }), weight: 1 },
)));

const modelServingAppProps = (valid: boolean) => fc.tuple(workload(valid), scaling(valid), fc.record({
  name: opt(valid ? name.valid : mostly(name)),
  image: valid ? image.valid : mostly(image),
  port: opt(valid ? port.valid : mostly(port)),
  resources: opt(resources(valid)),
  service: opt(service(valid)),
  ingress: opt(fc.record({
    host: opt(valid ? host.valid : mostly(host)),
    path: opt(httpPath),
    className: opt(valid ? fc.constantFrom('nginx', 'gce') : mostly(gen(fc.constant('nginx'), fc.constant('Bad Class')))),
    tlsSecretName: opt(valid ? fc.constant('tls') : mostly(gen(fc.constant('tls'), fc.constant('Bad_Secret')))),
  }).map(i => (valid && i.host === undefined ? { ...i, tlsSecretName: undefined } : i))),
  model: opt(modelProp(valid), 4),
})).map(([w, s, own]) => ({ ...w, ...s, ...own }));

const modelName = gen(fc.constantFrom('m', 'half_plus_two'), fc.oneof(fc.constantFrom('bad name', ''), fc.string({ maxLength: 8 })));

const SHA = 'c'.repeat(64);
/** Downloads: valid URLs in every format and scheme (with a digest where one file is fetched); invalid ones of each kind. */
const urlSource = (versioned: boolean) => gen(
  fc.tuple(fc.constantFrom('https://models.example.com/m.tar.gz', 'https://h.example.com:8443/v1/m.zip?sig=a%2Fb&x=1', 'gs://bucket/models/m.tgz',
    's3://ml-models/prod/m/', ...(versioned ? [] : ['https://example.com/model.pkl'])), fc.boolean(), opt(fc.constantFrom('1Gi', '20G')))
    .map(([url, digest, sizeLimit]) => ModelSource.fromUrl(url, { sha256: digest && !url.endsWith('/') ? SHA : undefined, sizeLimit })),
  fc.constantFrom('http://x/m.tar.gz', 'https://x/$(id).tgz', 'https://x/models/', 'gs://b/m/?x').map(url => ModelSource.fromUrl(url))
    .chain(s => fc.constantFrom(s, ModelSource.fromUrl('https://x.example.com/m.tgz', { sha256: 'abc' }))),
);
/** A claim the construct creates; ReadWriteOnce only where the app runs one pod. */
const createdClaim = (name: string, onePod: boolean) => gen(
  fc.constantFrom('1Gi', '500M').map(storage => ModelSource.fromClaim(name, { create: { storage, accessModes: onePod ? ['ReadWriteOnce'] : undefined } })),
  fc.constantFrom<ClaimCreateOptions>({ storage: 'lots' }, { storage: '1Gi', accessModes: ['Sometimes'] }).map(create => ModelSource.fromClaim(name, { create })),
);
const hostPath = fc.constantFrom('/data/models', '/mnt//models/').map(h => ModelSource.fromHostPath(h));
const badHostPath = fc.constantFrom('/etc/../etc', '/var/run/docker.sock', '/', 'rel').map(h => ModelSource.fromHostPath(h));

/** A model name with a source that fits it, and the image and base path that source allows. */
const tfModel = (valid: boolean) => fc.tuple(valid ? modelName.valid : mostly(modelName), fc.nat(6), opt(fc.constant('/opt/models'))).chain(([m, kind, basePath]) => {
  const sources: Array<() => Arb<object>> = [
    () => fc.constant({ modelSource: undefined, modelBasePath: basePath }),
    () => fc.constant({ modelSource: ModelSource.fromClaim('claim'), modelBasePath: basePath }),
    () => fc.constant({ modelSource: ModelSource.fromUri(`gs://bucket/models/${m}`) }),
    () => fc.constant({ modelSource: ModelSource.fromImage(), image: 'ghcr.io/acme/tf-model:1.0.0', modelBasePath: basePath }),
    () => hostPath.map(modelSource => ({ modelSource })),
    () => either(valid, urlSource(true)).map(modelSource => ({ modelSource, modelBasePath: basePath })),
    () => either(valid, createdClaim(`${String(m).toLowerCase().replace(/[^a-z0-9]/g, '') || 'm'}-model`, false))
      .map(modelSource => ({ modelSource, replicas: undefined })),
  ];
  const fitting = sources[kind]().map(source => ({ modelName: m, ...source }));
  // The refusals of fromUri, fromImage and fromHostPath, for the mixed property.
  const refused = fc.constantFrom(
    { modelName: m, modelSource: ModelSource.fromUri(`s3://bucket/models/${m}`) },
    { modelName: m, modelSource: ModelSource.fromUri(`gs://bucket/models/${m}`), modelBasePath: '/opt/models' },
    { modelName: m, modelSource: ModelSource.fromImage(), image: 'tensorflow/serving:2.15.0' },
  ).chain(r => fc.oneof(fc.constant(r), badHostPath.map(modelSource => ({ modelName: m, modelSource }))));
  return valid ? fitting : fc.oneof({ arbitrary: fitting, weight: 20 }, { arbitrary: refused, weight: 1 });
});

/** Several models, each its own source (and claim), instead of `modelName`. */
const tfModels = (valid: boolean) => fc.uniqueArray(fc.constantFrom('a', 'b_2', 'c.v1'), { minLength: 1, maxLength: 3 })
  .chain(names => fc.tuple(...names.map((modelNameOfIt, i) => fc.oneof(
    either(valid, urlSource(true)),
    fc.constant(ModelSource.fromUri(`gs://bucket/models/${modelNameOfIt}`)),
    either(valid, createdClaim(`model-${i}`, false)),
  ).map(source => ({ name: modelNameOfIt, source })))))
  .map(models => ({ modelName: undefined, models }));

const batching = (valid: boolean) => fc.record({
  maxBatchSize: valid ? fc.integer({ min: 1, max: 256 }) : mostly(gen(fc.integer({ min: 1, max: 256 }), fc.constantFrom(0, 1.5))),
  batchTimeoutMicros: valid ? fc.integer({ min: 0, max: 5000 }) : mostly(gen(fc.integer({ min: 0, max: 5000 }), fc.constant(-1))),
  numBatchThreads: opt(fc.integer({ min: 1, max: 8 })),
  maxEnqueuedBatches: opt(fc.integer({ min: 1, max: 1000 })),
  padVariableLengthInputs: opt(fc.boolean()),
  withSizes: fc.boolean(),
}).map(({ withSizes, ...b }) => ({
  ...b, allowedBatchSizes: withSizes && Number.isInteger(b.maxBatchSize) && b.maxBatchSize > 1 ? [1, b.maxBatchSize] : undefined,
}));

/** TF Serving's Service: the REST props of every Service, and gRPC's port and node port. */
const tfService = (valid: boolean) => fc.tuple(service(valid), fc.record({
  grpcPort: opt(fc.constantFrom(8500, 9000)),
  grpcNodePort: opt(valid ? fc.constant(30090) : mostly(gen(fc.constant(30090), fc.constantFrom(8500, 40000)))),
})).map(([rest, grpc]) => {
  const s = { ...rest, ...grpc };
  // gRPC needs its own port number, and a node port needs a Service type with node ports
  return valid && (s.grpcPort === s.port || s.grpcNodePort === s.nodePort || (s.grpcNodePort !== undefined && s.type === ServiceType.CLUSTER_IP))
    ? { ...s, grpcPort: undefined, grpcNodePort: undefined } : s;
});

const tfServingAppProps = (valid: boolean) => fc.tuple(workload(valid, ['MODEL_NAME', 'MODEL_BASE_PATH']), scaling(valid),
  fc.oneof({ arbitrary: tfModel(valid), weight: 3 }, { arbitrary: tfModels(valid), weight: 1 }), fc.record({
    name: opt(valid ? name.valid : mostly(name)),
    resources: opt(resources(valid)),
    service: opt(tfService(valid)),
    monitoring: opt(fc.boolean()),
    batching: opt(batching(valid)),
  }))
  // the construct's own flags and a created claim's access modes follow from these props; a user's args may not repeat them
  .map(([w, s, model, own]) => ({ ...w, ...s, ...model, ...own }));

/** Synthesizes the construct, or returns the InvalidPropsError it raised; anything else thrown fails the property. */
function synthOrError(build: (chart: Chart) => void): any[] | InvalidPropsError {
  const chart = testChart();
  new k8s.KubeConfigMap(chart, 'settings', { metadata: { name: SETTINGS.name }, data: { [SETTINGS.key]: 'info' } });
  try {
    build(chart);
  } catch (e) {
    if (e instanceof InvalidPropsError) {
      return e;
    }
    throw e;
  }
  return Testing.synth(chart);
}

/** Valid for Kubernetes 1.28 and clean for `check --strict`, waivers aside. */
function expectCleanManifests(objects: any[]): void {
  expect(objects.flatMap(o => validateManifest(o).map(f => `${o.kind}: ${f.path} ${f.message}`))).toEqual([]);
  expect(checkObjects(objects, { strict: true }).filter(f => f.waived === undefined).map(f => `${f.ruleId}: ${f.message}`)).toEqual([]);
}

function expectCleanOrRefused(result: any[] | InvalidPropsError, constructType: string): void {
  if (result instanceof InvalidPropsError) {
    expect(result.message).toMatch(new RegExp(`^${constructType} 'test/`));
    expect(result.problems.length).toBeGreaterThan(0);
    return;
  }
  expectCleanManifests(result);
}

function expectAccepted(result: any[] | InvalidPropsError): void {
  // A refused valid prop set fails here, with its message: a check that disagrees with a default, say.
  expect(result instanceof InvalidPropsError ? result.message : 'accepted').toBe('accepted');
  expectCleanManifests(result as any[]);
}

const runs = { numRuns: 200, seed: 20261122 };
const build = {
  ModelServingApp: (props: unknown) => (chart: Chart) => new ModelServingApp(chart, 'app', props as never),
  TfServingApp: (props: unknown) => (chart: Chart) => new TfServingApp(chart, 'tf', props as never),
};

test('ModelServingApp: valid props are always accepted and give clean manifests', () => {
  fc.assert(fc.property(modelServingAppProps(true), props => expectAccepted(synthOrError(build.ModelServingApp(props)))), runs);
});

test('TfServingApp: valid props are always accepted and give clean manifests', () => {
  fc.assert(fc.property(tfServingAppProps(true), props => expectAccepted(synthOrError(build.TfServingApp(props)))), runs);
});

test('ModelServingApp: any props give clean manifests or a clear error', () => {
  fc.assert(fc.property(modelServingAppProps(false), props => expectCleanOrRefused(synthOrError(build.ModelServingApp(props)), 'ModelServingApp')), runs);
});

test('TfServingApp: any props give clean manifests or a clear error', () => {
  fc.assert(fc.property(tfServingAppProps(false), props => expectCleanOrRefused(synthOrError(build.TfServingApp(props)), 'TfServingApp')), runs);
});

test('the mixed generators reach both outcomes often', () => {
  for (const [arbitrary, make] of [[modelServingAppProps(false), build.ModelServingApp], [tfServingAppProps(false), build.TfServingApp]] as const) {
    const refused = fc.sample(arbitrary as Arb<unknown>, { numRuns: 200, seed: 1 })
      .filter(props => synthOrError(make(props)) instanceof InvalidPropsError);
    expect(refused.length).toBeGreaterThan(20);
    expect(refused.length).toBeLessThan(180);
  }
});

test('the valid generators would have caught a refused default: a nodePort without a type', () => {
  const withNodePortOnly = fc.sample(modelServingAppProps(true), { numRuns: 300, seed: 2 })
    .filter(p => p.service?.nodePort !== undefined && p.service.type === undefined);
  expect(withNodePortOnly.length).toBeGreaterThan(0);
});
