import { nameProblem, qualifiedNameProblem } from '../../constructs/check/api-validation';
import { validateManifest } from '../../constructs/check/schema';
import { container, deployment, pod, podSpec, service } from './objects';

function api(obj: object): [string, string][] {
  return validateManifest(obj).map(f => [f.ruleId, f.path]);
}

test('Service names must start with a letter (RFC 1035); other names may start with a digit', () => {
  expect(api(service('1api'))).toEqual([['schema/name', 'metadata.name']]);
  expect(api(deployment('1api'))).toEqual([]);
});

test('names have length limits: 63 for labels, 253 for subdomains', () => {
  expect(nameProblem('a'.repeat(63), 'dns1123')).toBeUndefined();
  expect(nameProblem('a'.repeat(64), 'dns1123')).toBe('is 64 characters long; at most 63 are allowed');
  expect(nameProblem('a.b'.repeat(80), 'subdomain')).toBeUndefined();
  expect(nameProblem('a'.repeat(254), 'subdomain')).toBe('is 254 characters long; at most 253 are allowed');
});

test('RBAC object names are path segments, not DNS subdomains', () => {
  const rbac = (kind: string, name: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name } });
  for (const kind of ['Role', 'ClusterRole']) {
    expect(api(rbac(kind, 'system:aggregated-metrics-reader'))).toEqual([]);
  }
  for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
    expect(api({ ...rbac(kind, 'system:Metrics_Reader'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } })).toEqual([]);
  }
  expect(validateManifest(rbac('ClusterRole', 'a/b')).map(f => f.message)).toEqual(['name "a/b" may not contain "/" or "%"']);
  expect(nameProblem('..', 'pathSegment')).toBe('may not be "." or ".."');
  expect(nameProblem('50%', 'pathSegment')).toBe('may not contain "/" or "%"');
  expect(api({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'system:reader' } })).toEqual([['schema/name', 'metadata.name']]);
});

test('container and volume names are DNS labels', () => {
  const spec = podSpec({ volumes: [{ name: 'model.cache', emptyDir: {} }] }, [container({ name: 'API' })]);
  expect(api(pod(spec))).toEqual([['schema/name', 'spec.volumes[0].name'], ['schema/name', 'spec.containers[0].name']]);
});

test('label keys may have a DNS prefix; label values have their own syntax', () => {
  expect(qualifiedNameProblem('app.kubernetes.io/name')).toBeUndefined();
  expect(qualifiedNameProblem('App.Kubernetes.io/name')).toBe('has a prefix "App.Kubernetes.io" that is not a DNS subdomain');
  expect(qualifiedNameProblem('a/b/c')).toBe('may contain one "/" at most (prefix/name)');
  const d = deployment('api');
  d.spec.template.metadata.labels.version = '1.0.0+build';
  expect(api(d)).toEqual([['schema/labels', 'spec.template.metadata.labels.version']]);
});

test('selector labels are checked too', () => {
  expect(api(service('api', { selector: { app: 'my api' } }))).toEqual([['schema/labels', 'spec.selector.app']]);
});

test('port numbers and names: container ports, service ports, target ports and probe ports', () => {
  const c = container({
    ports: [{ name: 'http_api', containerPort: 70000 }],
    readinessProbe: { httpGet: { path: '/', port: 0 } },
    livenessProbe: { tcpSocket: { port: 'very-long-port-name' } },
  });
  expect(api(pod(podSpec({}, [c])))).toEqual([
    ['schema/port', 'spec.containers[0].ports[0].containerPort'],
    ['schema/port', 'spec.containers[0].ports[0].name'],
    ['schema/port', 'spec.containers[0].readinessProbe.httpGet.port'],
    ['schema/port', 'spec.containers[0].livenessProbe.tcpSocket.port'],
  ]);
  expect(api(service('api', { ports: [{ name: 'HTTP', port: 80, targetPort: '8080' }] }))).toEqual([
    ['schema/port', 'spec.ports[0].targetPort'],
    ['schema/port', 'spec.ports[0].name'],
  ]);
});

test('environment variable names may contain dots and dashes but not start with a digit', () => {
  const c = container({ env: [{ name: 'spring.profiles-active', value: 'prod' }, { name: '1X', value: '' }] });
  expect(api(pod(podSpec({}, [c])))).toEqual([['schema/env-name', 'spec.containers[0].env[1].name']]);
});

test('a Service with several ports must name each, with distinct names', () => {
  expect(api(service('api', { ports: [{ port: 80, targetPort: 'http' }, { name: 'grpc', port: 9000 }] }))).toEqual([['schema/required', 'spec.ports[0].name']]);
  expect(api(service('api', { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] }))).toEqual([['schema/duplicate-name', 'spec.ports[1].name']]);
  expect(api(service('api', { ports: [{ port: 80 }] }))).toEqual([]);
});

test('container and volume names are unique, and mounts name a volume', () => {
  const spec = podSpec({ volumes: [{ name: 'a', emptyDir: {} }, { name: 'a', emptyDir: {} }] }, [
    container({ volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'b', mountPath: '/b' }] }),
    container({ ports: [] }),
  ]);
  expect(api(pod(spec))).toEqual([
    ['schema/duplicate-name', 'spec.volumes[1].name'],
    ['schema/duplicate-name', 'spec.containers[1].name'],
    ['schema/volume-ref', 'spec.containers[0].volumeMounts[1].name'],
  ]);
});

test('CronJob names are at most 52 characters, since their Jobs get a suffix', () => {
  const cronJob = (name: string) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [container()] } } } } },
  });
  expect(api(cronJob('a'.repeat(52)))).toEqual([]);
  expect(api(cronJob('a'.repeat(53)))).toEqual([['schema/name', 'metadata.name']]);
});

test('a v1 List is validated item by item', () => {
  expect(api({ apiVersion: 'v1', kind: 'List', items: [service('api'), service('Bad')] })).toEqual([['schema/name', 'items[1].metadata.name']]);
});
