import { KUBERNETES_ENUMS } from '../../constructs/check/enums';
import { KUBERNETES_VERSIONS } from '../../constructs/check/kubernetes-versions';
import { readPackedDefinitions } from '../../constructs/check/packed-definitions';
import { SchemaValidator, validateManifest } from '../../constructs/check/schema';

function deployment(container: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'jokemeter', namespace: 'ml', labels: { 'app.kubernetes.io/name': 'jokemeter' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'jokemeter' } },
      template: {
        metadata: { labels: { app: 'jokemeter' } },
        spec: {
          containers: [{
            name: 'api',
            image: 'ghcr.io/example/jokemeter:1.2.0',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '1Gi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            ...container,
          }],
        },
      },
    },
  };
}

const CONTAINER = 'spec.template.spec.containers[0]';

/** A namespaced CustomResourceDefinition of `<kind>` in example.com, with one served version. */
function crd(kind: string, openAPIV3Schema: Record<string, unknown>, version = 'v1'): Record<string, unknown> {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.example.com` },
    spec: {
      group: 'example.com',
      names: { kind, plural },
      scope: 'Namespaced',
      versions: [{ name: version, served: true, storage: true, schema: { openAPIV3Schema } }],
    },
  };
}

test('a valid Deployment passes', () => {
  expect(validateManifest(deployment())).toEqual([]);
});

test('an unknown field is rejected with its path and a suggestion', () => {
  const findings = validateManifest(deployment({ port: 8080 }));
  expect(findings).toEqual([expect.objectContaining({
    ruleId: 'schema/unknown-field',
    severity: 'error',
    path: `${CONTAINER}.port`,
    message: 'unknown field "port"; did you mean "ports"?',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ml', name: 'jokemeter' },
  })]);
});

test('an unknown top-level field is rejected', () => {
  const findings = validateManifest({ ...deployment(), specs: {} });
  expect(findings.map(f => [f.ruleId, f.path])).toEqual([['schema/unknown-field', 'specs']]);
});

test('a wrong type is rejected', () => {
  const findings = validateManifest(deployment({ ports: [{ containerPort: '8080' }] }));
  expect(findings.map(f => [f.ruleId, f.path, f.message])).toEqual([
    ['schema/type', `${CONTAINER}.ports[0].containerPort`, 'must be an integer, got string "8080"'],
  ]);
});

test('a label value that YAML reads as a number is rejected', () => {
  const obj = deployment();
  (obj.metadata as Record<string, unknown>).labels = { 'app.kubernetes.io/version': 2 };
  expect(validateManifest(obj).map(f => f.path)).toEqual(['metadata.labels["app.kubernetes.io/version"]']);
});

test('a container without a name is rejected', () => {
  const findings = validateManifest(deployment({ name: undefined }));
  expect(findings.map(f => [f.ruleId, f.path, f.message])).toEqual([
    ['schema/required', `${CONTAINER}.name`, 'required field "name" is missing'],
  ]);
});

test('an object without metadata.name is rejected', () => {
  const findings = validateManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: {} });
  expect(findings.map(f => [f.ruleId, f.path])).toEqual([['schema/required', 'metadata.name']]);
});

test('only lists, which carry items, may go without metadata.name', () => {
  expect(validateManifest({ apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [] })).toEqual([]);
  const validator = new SchemaValidator();
  validator.addCustomResourceDefinition(crd('AllowList', { type: 'object', properties: { spec: { type: 'object' } } }));
  expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'AllowList', metadata: {}, spec: {} }).map(f => [f.ruleId, f.path])).toEqual([
    ['schema/required', 'metadata.name'],
  ]);
});

test('a bad enum value is rejected', () => {
  const findings = validateManifest(deployment({ imagePullPolicy: 'always' }));
  expect(findings.map(f => [f.ruleId, f.path, f.message])).toEqual([
    ['schema/enum', `${CONTAINER}.imagePullPolicy`, 'must be one of "Always", "Never", "IfNotPresent", got string "always"'],
  ]);
});

test('a bad enum value inside a list of strings is rejected', () => {
  const pvc = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'models' },
    spec: { accessModes: ['ReadWriteMany', 'ReadWrite'], resources: { requests: { storage: '1Gi' } } },
  };
  expect(validateManifest(pvc).map(f => [f.ruleId, f.path])).toEqual([['schema/enum', 'spec.accessModes[1]']]);
});

test('the kind enum of the definitions is enforced', () => {
  const findings = validateManifest({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' }, spec: { type: 'Nodeport', ports: [{ port: 80 }] } });
  expect(findings.map(f => [f.ruleId, f.path])).toEqual([['schema/enum', 'spec.type']]);
});

test('a malformed quantity is rejected', () => {
  const findings = validateManifest(deployment({ resources: { requests: { memory: '512MB' } } }));
  expect(findings.map(f => [f.ruleId, f.path])).toEqual([['schema/quantity', `${CONTAINER}.resources.requests.memory`]]);
});

test('quantities and int-or-string accept both numbers and strings', () => {
  const findings = validateManifest(deployment({
    resources: { requests: { cpu: 0.5, memory: '1.5Gi' }, limits: { cpu: '2', memory: '1e9' } },
    livenessProbe: { tcpSocket: { port: 8080 } },
    readinessProbe: { httpGet: { path: '/', port: 'http' } },
  }));
  expect(findings).toEqual([]);
});

test('an int-or-string field rejects a boolean', () => {
  const findings = validateManifest(deployment({ readinessProbe: { tcpSocket: { port: true } } }));
  expect(findings.map(f => [f.ruleId, f.path, f.message])).toEqual([
    ['schema/type', `${CONTAINER}.readinessProbe.tcpSocket.port`, 'must be a string or an integer, got boolean true'],
  ]);
});

test('int32 fields reject values out of range', () => {
  const findings = validateManifest({ ...deployment(), spec: { ...deployment().spec as object, replicas: 2 ** 31 } });
  expect(findings.map(f => [f.ruleId, f.path])).toEqual([['schema/format', 'spec.replicas']]);
});

test('null fields count as unset, as for the API server', () => {
  expect(validateManifest(deployment({ env: null, resources: { requests: { cpu: '1' }, limits: null } }))).toEqual([]);
});

test('an unknown apiVersion of a known kind names the served one', () => {
  const findings = validateManifest({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'web' }, spec: {} });
  expect(findings).toEqual([expect.objectContaining({
    ruleId: 'schema/unknown-kind',
    path: 'apiVersion',
    message: 'kind Ingress is not served as apiVersion "extensions/v1beta1" in Kubernetes 1.28; use "networking.k8s.io/v1"',
  })]);
});

test('an unknown kind is an error', () => {
  const findings = validateManifest({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
  expect(findings.map(f => f.ruleId)).toEqual(['schema/unknown-kind']);
});

test('an object without apiVersion and kind is an error', () => {
  expect(validateManifest({ metadata: { name: 'x' } }).map(f => f.path)).toEqual(['apiVersion', 'kind']);
  expect(validateManifest('hello').map(f => f.ruleId)).toEqual(['schema/not-an-object']);
});

test('custom resources are checked against their CustomResourceDefinition', () => {
  const validator = new SchemaValidator();
  validator.addCustomResourceDefinition(crd('Widget', {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['size'],
        properties: { size: { type: 'integer' }, extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    },
  }));
  const widget = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec });
  expect(validator.validate(widget({ size: 1, extra: { anything: true } }))).toEqual([]);
  expect(validator.validate(widget({ size: 'big', colour: 'red' })).map(f => [f.ruleId, f.path])).toEqual([
    ['schema/unknown-field', 'spec.colour'],
    ['schema/type', 'spec.size'],
  ]);
});

test('a CustomResourceDefinition that preserves unknown fields at the root accepts any field', () => {
  const validator = new SchemaValidator();
  validator.addCustomResourceDefinition(crd('Gadget', { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'properties': { spec: { type: 'object' } } }));
  expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: {}, status: { ready: true } })).toEqual([]);
  expect(validator.validate({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g' }, spec: 'x' }).map(f => [f.ruleId, f.path])).toEqual([
    ['schema/type', 'spec'],
  ]);
});

test.each(KUBERNETES_VERSIONS)('every restored enum names a real property of a real definition of Kubernetes %s', version => {
  const definitions = readPackedDefinitions(version) as Record<string, { properties?: object }>;
  for (const [name, properties] of Object.entries(KUBERNETES_ENUMS)) {
    for (const property of Object.keys(properties)) {
      expect([name, property, definitions[name]?.properties && property in definitions[name].properties!]).toEqual([name, property, true]);
    }
  }
});

test('validating thousands of objects is fast once compiled', () => {
  const obj = deployment();
  validateManifest(obj);
  const start = Date.now();
  for (let i = 0; i < 2000; i++) {
    validateManifest(obj);
  }
  expect(Date.now() - start).toBeLessThan(2000);
});

test('custom resource patterns and other constraints are reported', () => {
  const validator = new SchemaValidator();
  validator.addCustomResourceDefinition(crd('Model', {
    type: 'object',
    properties: {
      spec: { type: 'object', properties: { uri: { type: 'string', pattern: '^gs://' }, replicas: { type: 'integer', minimum: 1 } } },
    },
  }, 'v1alpha1'));
  const findings = validator.validate({ apiVersion: 'example.com/v1alpha1', kind: 'Model', metadata: { name: 'm' }, spec: { uri: 's3://x', replicas: 0 } });
  expect(findings.map(f => [f.ruleId, f.path])).toEqual([
    ['schema/pattern', 'spec.uri'],
    ['schema/invalid', 'spec.replicas'],
  ]);
});

test('a oneOf that fails without other errors is reported', () => {
  const validator = new SchemaValidator();
  validator.addCustomResourceDefinition(crd('Source', {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { uri: { type: 'string' }, path: { type: 'string' } },
        oneOf: [{ required: ['uri'] }, { required: ['path'] }],
      },
    },
  }));
  const source = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Source', metadata: { name: 's' }, spec });
  expect(validator.validate(source({ uri: 'gs://m' }))).toEqual([]);
  expect(validator.validate(source({ uri: 'gs://m', path: '/m' })).map(f => [f.ruleId, f.path, f.message])).toEqual([
    ['schema/invalid', 'spec', 'must match exactly one schema in oneOf'],
  ]);
  expect(validator.validate(source({})).map(f => [f.ruleId, f.path])).toEqual([
    ['schema/required', 'spec.uri'],
    ['schema/required', 'spec.path'],
  ]);
});

test('validators share the Kubernetes definitions, and each knows only its own CustomResourceDefinitions', () => {
  // The module object itself: the checker's imports of fs read its functions through it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const readFileSync = jest.spyOn(require('fs') as typeof import('fs'), 'readFileSync');
  try {
    const first = new SchemaValidator('1.33'); // no other test of this file checks against 1.33
    // The definitions were read and prepared once: a second validator of the same version does not read them again.
    const second = new SchemaValidator('v1.33.2');
    const reads = readFileSync.mock.calls.map(([file]) => String(file)).filter(file => file.endsWith('.json.br'));
    expect(reads.map(file => file.split(/[\\/]/).pop())).toEqual(['kubernetes-1.33.json.br']);
    first.addCustomResourceDefinition(crd('Widget', { type: 'object', properties: { spec: { type: 'object' } } }));
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
    expect(first.validate(widget)).toEqual([]);
    expect(second.validate(deployment())).toEqual([]);
    expect(second.validate(widget).map(f => f.ruleId)).toEqual(['schema/unknown-kind']);
  } finally {
    readFileSync.mockRestore();
  }
});

test('the branches of allOf, anyOf and oneOf check values without closing objects', () => {
  const validator = new SchemaValidator();
  validator.addCustomResourceDefinition(crd('Bucket', {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { uri: { type: 'string' }, region: { type: 'string' } },
        allOf: [{ properties: { uri: { pattern: '^gs://' } } }],
        anyOf: [{ required: ['uri'], properties: { uri: { minLength: 6 } } }, { required: ['region'] }],
      },
    },
  }));
  const bucket = (spec: object) => ({ apiVersion: 'example.com/v1', kind: 'Bucket', metadata: { name: 'b' }, spec });
  expect(validator.validate(bucket({ uri: 'gs://models', region: 'eu' }))).toEqual([]);
  expect(validator.validate(bucket({ uri: 's3://models', colour: 'red' })).map(f => [f.ruleId, f.path])).toEqual([
    ['schema/pattern', 'spec.uri'],
    ['schema/unknown-field', 'spec.colour'],
  ]);
});

test('warmUp compiles the usual kinds, and skips kinds it does not know', () => {
  const validator = new SchemaValidator();
  validator.warmUp([{ apiVersion: 'apps/v1', kind: 'Deployment' }, { apiVersion: 'example.com/v1', kind: 'Widget' }]);
  expect(validator.validate(deployment())).toEqual([]);
});
