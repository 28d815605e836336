// The strict custom resource check that tests of ServiceMonitor, HTTPRoute and Application objects rely on.
import { customResourceProblems } from './custom-resources';

const MONITOR = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'jokemeter', namespace: 'ml' },
  spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'jokemeter' } }, endpoints: [{ port: 'http', path: '/metrics' }] },
};

test('a valid ServiceMonitor has no problems', () => {
  expect(customResourceProblems(MONITOR)).toEqual([]);
});

test('unknown fields are refused at any depth', () => {
  expect(customResourceProblems({ ...MONITOR, spec: { ...MONITOR.spec, endpoints: [{ port: 'http', metricsPath: '/metrics' }] } }))
    .toEqual(['spec.endpoints[0].metricsPath: unknown field "metricsPath"']);
  expect(customResourceProblems({ ...MONITOR, extra: true })).toEqual(['extra: unknown field "extra"']);
});

test('types, enums and required fields are checked', () => {
  expect(customResourceProblems({ ...MONITOR, spec: { ...MONITOR.spec, endpoints: [{ port: 8080 }] } }))
    .toEqual(['spec.endpoints[0].port: must be a string, got number 8080']);
  expect(customResourceProblems({ ...MONITOR, spec: { ...MONITOR.spec, endpoints: [{ port: 'http', scheme: 'ftp' }] } }))
    .toEqual([expect.stringMatching(/^spec\.endpoints\[0\]\.scheme: .*"ftp"/)]);
  expect(customResourceProblems({ ...MONITOR, spec: { endpoints: [] } })).toEqual(['spec.selector: required field "selector" is missing']);
});

test('the status the controller writes is checked against the full upstream schema too', () => {
  const application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'jokemeter', namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL: 'https://github.com/example/models.git' }, destination: { namespace: 'ml' } },
    status: { sync: { status: 'Synced', revison: 'abc' } },
  };
  expect(customResourceProblems(application)).toEqual(['status.sync.revison: unknown field "revison"; did you mean "revision"?']);
});

test('an object no shipped CRD serves is an error, never a silent pass', () => {
  expect(() => customResourceProblems({ ...MONITOR, apiVersion: 'monitoring.coreos.com/v2' }))
    .toThrow('no CRD in crds/ serves ServiceMonitor (apiVersion "monitoring.coreos.com/v2")');
  expect(() => customResourceProblems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'a' } })).toThrow('no CRD in crds/ serves Service');
});
