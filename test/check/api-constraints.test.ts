import { ANNOTATIONS_MAX_BYTES } from '../../constructs/check/api-constraints';
import { checkObjects } from '../../constructs/check/check';
import { validateManifest } from '../../constructs/check/schema';
import { container, deployment, Obj, pod, podSpec, service } from './objects';

/** The schema findings of objects, as [rule, path]. */
function schema(obj: Obj): [string, string][] {
  return validateManifest(obj).map(f => [f.ruleId, f.path]);
}

const TEMPLATE = 'spec.template.spec';

describe('containers', () => {
  test('a container without an image is refused, in a pod template too', () => {
    expect(schema(pod(podSpec({}, [container({ image: undefined })])))).toEqual([['schema/required', 'spec.containers[0].image']]);
    expect(schema(deployment('api', podSpec({}, [container({ image: '' })])))).toEqual([['schema/required', `${TEMPLATE}.containers[0].image`]]);
    expect(schema(deployment('api', podSpec({ initContainers: [container({ name: 'fetch', image: null })] }))))
      .toEqual([['schema/required', `${TEMPLATE}.initContainers[0].image`]]);
  });

  test('a null resource quantity is refused, as the API server reads it as 0', () => {
    const c = container({ resources: { requests: { cpu: '100m', memory: null }, limits: { memory: '256Mi' } } });
    const findings = validateManifest(deployment('api', podSpec({}, [c])));
    expect(findings.map(f => [f.ruleId, f.path])).toEqual([['schema/quantity', `${TEMPLATE}.containers[0].resources.requests.memory`]]);
    expect(findings[0].message).toBe('quantity "memory" is null, which the API server reads as 0; give a quantity such as 512Mi, or remove the key');
  });

  test('null quantities of claims, claim templates, quotas and limit ranges are refused too', () => {
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'm' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: null } } } };
    expect(schema(claim)).toEqual([['schema/quantity', 'spec.resources.requests.storage']]);
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { 'requests.cpu': null } } };
    expect(schema(quota)).toEqual([['schema/quantity', 'spec.hard["requests.cpu"]']]);
    const limits = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l' }, spec: { limits: [{ type: 'Container', max: { memory: null } }] } };
    expect(schema(limits)).toEqual([['schema/quantity', 'spec.limits[0].max.memory']]);
  });
});

describe('Service ports', () => {
  test('a Service without ports is refused', () => {
    expect(schema(service('api', { ports: undefined }))).toEqual([['schema/required', 'spec.ports']]);
    expect(schema(service('api', { ports: [] }))).toEqual([['schema/required', 'spec.ports']]);
  });

  test('a headless or ExternalName Service needs none', () => {
    expect(schema(service('api', { ports: undefined, clusterIP: 'None' }))).toEqual([]);
    expect(schema(service('db', { ports: undefined, selector: undefined, type: 'ExternalName', externalName: 'db.example.com' }))).toEqual([]);
  });
});

describe('Ingress paths', () => {
  const ingress = (path: string | undefined, pathType: string): Obj => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'api' },
    spec: { rules: [{ http: { paths: [{ path, pathType, backend: { service: { name: 'api', port: { number: 80 } } } }] } }] },
  });
  const message = (path: string | undefined, pathType: string) => validateManifest(ingress(path, pathType)).map(f => `${f.ruleId}: ${f.message}`);

  test.each(['/a//b', '/a/./b', '/a/../b', '/a%2fb', '/a%2Fb'])('a Prefix or Exact path with %s is refused', (path) => {
    expect(schema(ingress(path, 'Prefix'))).toEqual([['schema/ingress-path', 'spec.rules[0].http.paths[0].path']]);
    expect(schema(ingress(path, 'Exact'))).toEqual([['schema/ingress-path', 'spec.rules[0].http.paths[0].path']]);
  });

  test('a path ending in /. or /.., or not absolute, is refused, with every problem named', () => {
    expect(message('/api/..', 'Prefix')).toEqual(['schema/ingress-path: path "/api/.." of type Prefix must not end with "/.."']);
    expect(message('/api/.', 'Exact')).toEqual(['schema/ingress-path: path "/api/." of type Exact must not end with "/."']);
    expect(message('api//v1', 'Prefix')).toEqual(['schema/ingress-path: path "api//v1" of type Prefix must be an absolute path, must not contain "//"']);
  });

  test('ImplementationSpecific paths may hold any segment, but must be absolute when given', () => {
    expect(schema(ingress('/a//b/../c', 'ImplementationSpecific'))).toEqual([]);
    expect(schema(ingress(undefined, 'ImplementationSpecific'))).toEqual([]);
    expect(schema(ingress('api', 'ImplementationSpecific'))).toEqual([['schema/ingress-path', 'spec.rules[0].http.paths[0].path']]);
  });

  test('valid paths pass', () => {
    expect(schema(ingress('/', 'Prefix'))).toEqual([]);
    expect(schema(ingress('/v1/models/half_plus_two:predict', 'Exact'))).toEqual([]);
    expect(schema(ingress('/a.b/..c', 'Prefix'))).toEqual([]);
  });
});

describe('counts and percentages', () => {
  const rolling = (rollingUpdate: Obj): Obj => {
    const d = deployment();
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate };
    return d;
  };
  const AT = 'spec.strategy.rollingUpdate';

  test('maxUnavailable above 100% is refused; maxSurge may exceed it', () => {
    expect(schema(rolling({ maxUnavailable: '101%' }))).toEqual([['schema/int-or-percent', `${AT}.maxUnavailable`]]);
    expect(schema(rolling({ maxUnavailable: '100%', maxSurge: '300%' }))).toEqual([]);
  });

  test('maxUnavailable and maxSurge may not both be 0, counting the defaults', () => {
    expect(schema(rolling({ maxUnavailable: 0, maxSurge: '0%' }))).toEqual([['schema/int-or-percent', `${AT}.maxUnavailable`]]);
    expect(schema(rolling({ maxUnavailable: 0 }))).toEqual([]);
    const daemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { ...deployment().spec, updateStrategy: { rollingUpdate: { maxUnavailable: 0 } } } };
    expect(schema(daemonSet)).toEqual([['schema/int-or-percent', 'spec.updateStrategy.rollingUpdate.maxUnavailable']]);
  });

  test('a Recreate Deployment has no rolling update bounds to check', () => {
    const d = deployment();
    d.spec.strategy = { type: 'Recreate' };
    expect(schema(d)).toEqual([]);
  });

  test('a percentage without %, and a negative count, are refused', () => {
    expect(validateManifest(rolling({ maxSurge: '25' })).map(f => f.message)).toEqual(['must be a count or a percentage such as "25%", got "25"']);
    expect(validateManifest(rolling({ maxSurge: -1 })).map(f => f.message)).toEqual(['must be greater than or equal to 0, got -1']);
  });

  test('a disruption budget above 100%, or with both bounds, is refused', () => {
    const pdb = (spec: Obj): Obj => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api' }, spec: { selector: { matchLabels: { app: 'api' } }, ...spec } });
    expect(schema(pdb({ minAvailable: '150%' }))).toEqual([['schema/int-or-percent', 'spec.minAvailable']]);
    expect(schema(pdb({ maxUnavailable: '200%' }))).toEqual([['schema/int-or-percent', 'spec.maxUnavailable']]);
    expect(schema(pdb({ minAvailable: 1, maxUnavailable: 1 }))).toEqual([['schema/int-or-percent', 'spec.maxUnavailable']]);
    expect(schema(pdb({ maxUnavailable: 1 }))).toEqual([]);
  });

  test('an int-or-string integer beyond int32 is refused', () => {
    expect(validateManifest(rolling({ maxSurge: 2 ** 31 })).map(f => [f.ruleId, f.path, f.message])).toEqual([
      ['schema/format', `${AT}.maxSurge`, 'must be a valid int32 value, got number 2147483648'],
    ]);
    expect(schema(service('api', { ports: [{ name: 'http', port: 80, targetPort: 2 ** 31 - 1 }] })).map(([rule]) => rule)).toEqual(['schema/port']);
  });
});

describe('annotations', () => {
  const annotated = (bytes: number): Obj => pod(podSpec(), { annotations: { note: 'x'.repeat(bytes - 'note'.length) } });

  test('256 KiB of annotations in total pass; one byte more is refused', () => {
    expect(schema(annotated(ANNOTATIONS_MAX_BYTES))).toEqual([]);
    expect(validateManifest(annotated(ANNOTATIONS_MAX_BYTES + 1)).map(f => [f.ruleId, f.path, f.message])).toEqual([
      ['schema/annotations-size', 'metadata.annotations',
        'annotations take 262145 bytes; the API server accepts at most 262144 (256 KiB) in total. Move large values into a ConfigMap'],
    ]);
  });

  test('bytes count, not characters, and a pod template has its own limit', () => {
    const d = deployment('api', podSpec(), { templateMetadata: { annotations: { note: '\u00e9'.repeat(ANNOTATIONS_MAX_BYTES / 2) } } });
    expect(schema(d)).toEqual([['schema/annotations-size', 'spec.template.metadata.annotations']]);
  });
});

describe('restart policies', () => {
  const job = (restartPolicy?: string): Obj => ({
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'score' }, spec: { template: { spec: podSpec({ restartPolicy }) } },
  });

  test('a Job pod template must restart OnFailure or Never; its default, Always, is refused', () => {
    expect(schema(job())).toEqual([['schema/restart-policy', `${TEMPLATE}.restartPolicy`]]);
    expect(schema(job('Always'))).toEqual([['schema/restart-policy', `${TEMPLATE}.restartPolicy`]]);
    expect(schema(job('OnFailure'))).toEqual([]);
    expect(schema(job('Never'))).toEqual([]);
  });

  test('a CronJob pod template too', () => {
    const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 3 * * *', jobTemplate: { spec: job().spec } } };
    expect(schema(cron)).toEqual([['schema/restart-policy', 'spec.jobTemplate.spec.template.spec.restartPolicy']]);
  });

  test('a Deployment takes Always only', () => {
    expect(schema(deployment('api', podSpec({ restartPolicy: 'Never' })))).toEqual([['schema/restart-policy', `${TEMPLATE}.restartPolicy`]]);
    expect(schema(deployment('api', podSpec({ restartPolicy: 'Always' })))).toEqual([]);
  });
});

test('a StatefulSet container may mount its claim templates, which the controller adds as volumes', () => {
  const set = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      ...deployment('db', podSpec({}, [container({ volumeMounts: [{ name: 'data', mountPath: '/data' }] })])).spec,
      serviceName: 'db',
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
  expect(schema(set)).toEqual([]);
  set.spec.template.spec.containers[0].volumeMounts.push({ name: 'cache', mountPath: '/cache' });
  expect(schema(set)).toEqual([['schema/volume-ref', `${TEMPLATE}.containers[0].volumeMounts[1].name`]]);
  expect(checkObjects([set]).filter(f => f.ruleId.startsWith('wiring/'))).toEqual([]);
});
