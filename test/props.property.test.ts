// Property: any props either synthesize manifests that pass the schema and the checker, or raise a clear InvalidPropsError.
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';

import { InvalidPropsError, ModelServingApp, ModelSource, ServiceType, TfServingApp } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { validateManifest } from '../constructs/check/schema';
import { testChart } from './util';

/** Mostly valid values with an occasional bad one, so that both outcomes are common. */
function mostly<T>(valid: fc.Arbitrary<T>, invalid: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 20 }, { arbitrary: invalid, weight: 1 });
}

const name = mostly(
  fc.oneof(fc.constantFrom('jokemeter', 'a', 'model-1', 'x'.repeat(63)), fc.stringMatching(/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/)),
  fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{62,70}$/), fc.string({ maxLength: 12 })),
);
const image = mostly(
  fc.constantFrom('peterwolf/jokemeter:lr', 'gcr.io/p/api:1.0.0', `r/m@sha256:${'b'.repeat(64)}`, 'localhost:5000/m:v2'),
  fc.oneof(fc.constantFrom('jokemeter', 'm:latest', 'UPPER/case:1', 'r/m:', ':1', 'r/m:bad tag'), fc.string({ maxLength: 20 })),
);
const quantity = mostly(
  fc.constantFrom('500m', '0.5', '1', '512Mi', '1G', '1e3', '32M', '2Gi'),
  fc.constantFrom('512MB', '-1', '1.5.2', '', 'lots'),
);
const range = fc.record({ request: fc.option(quantity, { nil: undefined }), limit: fc.option(quantity, { nil: undefined }) });
const port = mostly(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, -1, 65536, 80.5));
const nodePort = mostly(fc.integer({ min: 30000, max: 32767 }), fc.integer({ min: 1, max: 70000 }));
const serviceType = fc.constantFrom(ServiceType.CLUSTER_IP, ServiceType.NODE_PORT, ServiceType.LOAD_BALANCER);
const httpPath = mostly(fc.constantFrom('/', '/healthz', '/api/v1/ready', '/v1/models/m'), fc.string({ maxLength: 10 }));
const host = mostly(fc.constantFrom('jokemeter.ai', '*.models.example.com', 'a.b'), fc.string({ maxLength: 15 }));
const envName = mostly(fc.constantFrom('PORT', 'MLFLOW_SERVER', 'a.b-c'), fc.string({ maxLength: 8 }));

const security = fc.record({
  runAsUser: fc.option(mostly(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, -1)), { nil: undefined }),
  readOnlyRootFilesystem: fc.option(fc.boolean(), { nil: undefined }),
  writablePaths: fc.option(mostly<string[]>(
    fc.constantFrom(['/tmp'], ['/tmp', '/home/app/.cache'], ['/var/cache', '/tmp']),
    fc.constantFrom([], ['/cache'], ['/tmp', '/tmp'], ['tmp']),
  ), { nil: undefined }),
  runAsRoot: fc.option(mostly<{ reason: string }>(fc.constant({ reason: 'vendor image needs root' }), fc.constant({ reason: '' })), { nil: undefined, freq: 8 }),
}, { requiredKeys: [] }).map(s =>
  // runAsRoot with a UID is a refused conflict of its own, tested in the construct tests
  (s.runAsRoot !== undefined ? { ...s, runAsUser: undefined } : s));

const common = {
  security: fc.option(security, { nil: undefined }),
  port: fc.option(port, { nil: undefined }),
  resources: fc.option(fc.record({ cpu: fc.option(range, { nil: undefined }), memory: fc.option(range, { nil: undefined }) }), { nil: undefined }),
  env: fc.option(fc.dictionary(envName, fc.string({ maxLength: 10 }), { maxKeys: 3 }), { nil: undefined }),
  service: fc.option(fc.record({
    type: fc.option(serviceType, { nil: undefined }),
    port: fc.option(port, { nil: undefined }),
    nodePort: fc.option(nodePort, { nil: undefined }),
  }), { nil: undefined }),
  replicas: fc.option(mostly(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5)), { nil: undefined, freq: 2 }),
  autoscaling: fc.option(fc.record({
    minReplicas: fc.option(mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, 9)), { nil: undefined }),
    maxReplicas: mostly(fc.integer({ min: 3, max: 10 }), fc.constantFrom(0, 2)),
    cpuUtilization: fc.option(mostly(fc.integer({ min: 1, max: 150 }), fc.constantFrom(0, -5)), { nil: undefined }),
    memoryUtilization: fc.option(mostly(fc.integer({ min: 1, max: 150 }), fc.constantFrom(0, -5)), { nil: undefined }),
  }), { nil: undefined, freq: 2 }),
};

const sha256 = mostly(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom('abc', 'z'.repeat(64)));
const claimCreate = fc.record({
  storage: mostly(fc.constantFrom('1Gi', '500M', '10Gi'), fc.constantFrom('lots', '1GB')),
  storageClassName: fc.option(mostly(fc.constantFrom('standard', 'filestore'), fc.constant('Bad Class')), { nil: undefined }),
  accessModes: fc.option(mostly<string[]>(fc.constantFrom(['ReadWriteMany'], ['ReadOnlyMany'], ['ReadWriteOnce']), fc.constant(['Sometimes'])),
    { nil: undefined }),
}, { requiredKeys: ['storage'] });
const urlSource = fc.record({
  url: mostly(
    fc.constantFrom('https://models.example.com/m.tar.gz', 'https://h.example.com:8443/v1/m.zip?sig=a%2Fb&x=1', 'gs://bucket/models/m.tgz',
      's3://ml-models/prod/m/', 'gs://bucket/m/', 'https://example.com/model.pkl'),
    fc.constantFrom('http://x/m.tar.gz', 'https://x/$(id).tgz', 'https://x/models/', 'ftp://x/m.zip'),
  ),
  sha256: fc.option(sha256, { nil: undefined, freq: 3 }),
  sizeLimit: fc.option(mostly(fc.constantFrom('1Gi', '20G'), fc.constant('1GB')), { nil: undefined, freq: 4 }),
  image: fc.option(mostly(fc.constant('registry.internal/curl:8.12.1'), fc.constant('curl:latest')), { nil: undefined, freq: 6 }),
}).map(({ url, ...options }) => ModelSource.fromUrl(url, options));
/** Sources for TfServingApp and ModelServingApp alike; each construct refuses the ones that make no sense for it. */
const anySource = fc.oneof(
  fc.constantFrom('claim', 'Bad_Claim').map(c => ModelSource.fromClaim(c)),
  claimCreate.map(create => ModelSource.fromClaim('model-claim', { create })),
  fc.constantFrom('gs://bucket/models/m', 's3://b/m', 'gs://bucket/other', 'ftp://x/m').map(u => ModelSource.fromUri(u)),
  fc.constant(ModelSource.fromImage()),
  mostly(fc.constantFrom('/data/models/m', '/mnt/m/'), fc.constantFrom('/etc/../etc', '/var/run/docker.sock', 'rel')).map(h => ModelSource.fromHostPath(h)),
  urlSource,
);
const modelSource = fc.oneof(fc.constant(undefined), anySource);

const modelServingAppProps = fc.record({
  name: fc.option(name, { nil: undefined }),
  image,
  ...common,
  probes: fc.option(fc.record({
    startup: fc.option(httpPath, { nil: undefined }),
    readiness: fc.option(httpPath, { nil: undefined }),
    liveness: fc.option(httpPath, { nil: undefined }),
  }), { nil: undefined }),
  ingress: fc.option(fc.record({
    host: fc.option(host, { nil: undefined }),
    path: fc.option(httpPath, { nil: undefined }),
    className: fc.option(mostly(fc.constantFrom('nginx', 'gce'), fc.constant('Bad Class')), { nil: undefined }),
    tlsSecretName: fc.option(mostly(fc.constant('tls'), fc.constant('Bad_Secret')), { nil: undefined }),
  }), { nil: undefined }),
  // One app in five has a model: its sources refuse more often, and the other props must stay common too.
  model: fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, {
    arbitrary: fc.record({
      source: anySource,
      path: fc.option(mostly(fc.constantFrom('/models/m', '/opt/model'), fc.constantFrom('model', '/tmp')), { nil: undefined }),
      env: fc.option(mostly(fc.constantFrom('ML_MODEL_PATH', 'MODEL_URI'), fc.constant('1BAD')), { nil: undefined }),
    }),
    weight: 1,
  }),
});


const batching = fc.record({
  maxBatchSize: mostly(fc.integer({ min: 1, max: 512 }), fc.constantFrom(0, 1.5)),
  batchTimeoutMicros: mostly(fc.integer({ min: 0, max: 100000 }), fc.constant(-1)),
  numBatchThreads: fc.option(mostly(fc.integer({ min: 1, max: 16 }), fc.constant(0)), { nil: undefined }),
  maxEnqueuedBatches: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  padVariableLengthInputs: fc.option(fc.boolean(), { nil: undefined }),
}, { requiredKeys: ['maxBatchSize', 'batchTimeoutMicros'] });
const tfModelName = mostly(fc.constantFrom('m', 'half_plus_two'), fc.oneof(fc.constantFrom('bad name', ''), fc.string({ maxLength: 8 })));

const tfServingAppProps = fc.record({
  name: fc.option(name, { nil: undefined }),
  modelName: tfModelName,
  image: fc.option(image, { nil: undefined }),
  modelSource,
  monitoring: fc.option(fc.boolean(), { nil: undefined }),
  batching: fc.option(batching, { nil: undefined, freq: 3 }),
  ...common,
}).chain(props => fc.oneof(
  fc.constant(props),
  // several models instead of one
  fc.array(fc.record({ name: tfModelName, source: anySource }), { minLength: 1, maxLength: 3 })
    .map(models => ({ ...props, modelName: undefined, modelSource: undefined, models })),
));

/** Synthesizes the construct, or returns the InvalidPropsError it raised; anything else thrown fails the property. */
function synthOrError(build: (chart: ReturnType<typeof testChart>) => void): any[] | InvalidPropsError {
  const chart = testChart();
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

function expectClean(result: any[] | InvalidPropsError, constructType: string): void {
  if (result instanceof InvalidPropsError) {
    expect(result.message).toMatch(new RegExp(`^${constructType} 'test/`));
    expect(result.problems.length).toBeGreaterThan(0);
    return;
  }
  expect(result.flatMap(o => validateManifest(o))).toEqual([]);
  expect(checkObjects(result).filter(f => f.severity === 'error' && f.waived === undefined)).toEqual([]);
}

const runs = { numRuns: 300, seed: 20261122 };

test('ModelServingApp: valid manifests or a clear error', () => {
  fc.assert(fc.property(modelServingAppProps, props => {
    expectClean(synthOrError(chart => new ModelServingApp(chart, 'app', props as never)), 'ModelServingApp');
  }), runs);
});

test('TfServingApp: valid manifests or a clear error', () => {
  fc.assert(fc.property(tfServingAppProps, props => {
    expectClean(synthOrError(chart => new TfServingApp(chart, 'tf', props as never)), 'TfServingApp');
  }), runs);
});

test('the generators reach both outcomes often', () => {
  const refused = fc.sample(modelServingAppProps, { numRuns: 300, seed: 1 })
    .filter(props => synthOrError(chart => new ModelServingApp(chart, 'app', props as never)) instanceof InvalidPropsError);
  expect(refused.length).toBeGreaterThan(30);
  expect(refused.length).toBeLessThan(270);
});

// Valid prop sets must never be refused: each generator below yields only props a user may rightly expect to work.
const validUrlSource = fc.record({
  url: fc.constantFrom('https://models.example.com/m.tar.gz', 'gs://bucket/models/m.zip', 's3://ml-models/prod/m/', 'https://x.example.com/a/m.tgz?sig=1'),
  sha256: fc.option(fc.stringMatching(/^[0-9a-f]{64}$/), { nil: undefined }),
  sizeLimit: fc.option(fc.constantFrom('1Gi', '20G'), { nil: undefined }),
  resources: fc.option(fc.record({ memory: fc.record({ request: fc.constantFrom('128Mi', '1Gi', '3Gi') }) }), { nil: undefined }),
}).filter(o => !(o.sha256 && o.url.endsWith('/'))).map(({ url, ...options }) => ModelSource.fromUrl(url, options));
/** Each model its own claim: one claim name created twice is a conflict. */
const validTfSource = (i: number) => fc.oneof(
  validUrlSource,
  fc.constant(ModelSource.fromClaim(`model-claim-${i}`, { create: { storage: '1Gi' } })),
  fc.constant(ModelSource.fromHostPath(`/data/models/${i}`)),
);
const validTfModels = fc.uniqueArray(fc.constantFrom('a', 'b_2', 'c.v1'), { minLength: 1, maxLength: 3 })
  .chain(names => fc.tuple(...names.map((name, i) => fc.record({ name: fc.constant(name), source: validTfSource(i) }))));
const validTfProps = fc.record({
  models: validTfModels,
  monitoring: fc.option(fc.boolean(), { nil: undefined }),
  batching: fc.option(fc.record({
    maxBatchSize: fc.integer({ min: 1, max: 256 }), batchTimeoutMicros: fc.integer({ min: 0, max: 5000 }),
    numBatchThreads: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
  }), { nil: undefined }),
  service: fc.option(fc.record({
    nodePort: fc.option(fc.constant(30080), { nil: undefined }),
    grpcNodePort: fc.option(fc.constant(30090), { nil: undefined }),
    grpcPort: fc.option(fc.constantFrom(9000, 8500), { nil: undefined }),
  }), { nil: undefined }),
  replicas: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
});
const validModelProps = fc.record({
  source: fc.oneof(validUrlSource, fc.constant(ModelSource.fromImage()), fc.constant(ModelSource.fromClaim('m', { create: { storage: '2Gi' } }))),
  path: fc.option(fc.constantFrom('/models/api', '/opt/model'), { nil: undefined }),
  env: fc.option(fc.constant('ML_MODEL_PATH'), { nil: undefined }),
});

function expectSynthesized(result: any[] | InvalidPropsError): void {
  if (result instanceof InvalidPropsError) {
    throw new Error(`valid props were refused: ${result.message}`);
  }
  expectClean(result, '');
}

test('TfServingApp: valid models, monitoring, batching and gRPC props are never refused', () => {
  fc.assert(fc.property(validTfProps, props => {
    expectSynthesized(synthOrError(chart => new TfServingApp(chart, 'tf', props as never)));
  }), { numRuns: 100, seed: 7 });
});

test('ModelServingApp: a valid model prop is never refused', () => {
  fc.assert(fc.property(validModelProps, fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }), (model, replicas) => {
    expectSynthesized(synthOrError(chart => new ModelServingApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', model, replicas })));
  }), { numRuns: 100, seed: 7 });
});
