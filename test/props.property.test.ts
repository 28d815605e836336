// Property: any props either synthesize manifests that pass the schema and the checker, or raise a clear InvalidPropsError.
import { Testing } from 'cdk8s';
import * as fc from 'fast-check';

import { InvalidPropsError, ModelServingApp, ModelSource, ServiceType, TfServingApp } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { KUBERNETES_VERSIONS } from '../constructs/check/kubernetes-versions';
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
}, { requiredKeys: [] });

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
});

const modelSource = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('claim', 'Bad_Claim').map(c => ModelSource.fromClaim(c)),
  fc.constantFrom('gs://bucket/models/m', 's3://b/m', 'gs://bucket/other', 'ftp://x/m').map(u => ModelSource.fromUri(u)),
  fc.constant(ModelSource.fromImage()),
);

const tfServingAppProps = fc.record({
  name: fc.option(name, { nil: undefined }),
  modelName: mostly(fc.constantFrom('m', 'half_plus_two'), fc.oneof(fc.constantFrom('bad name', ''), fc.string({ maxLength: 8 }))),
  image: fc.option(image, { nil: undefined }),
  modelSource,
  ...common,
});

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
  expect(KUBERNETES_VERSIONS.flatMap(version => result.flatMap(o => validateManifest(o, version)))).toEqual([]);
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
