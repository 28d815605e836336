import * as fs from 'fs';

import { BUILTIN_CRDS_FILE } from '../../constructs/check/builtin-crds';
import { checkObjects, summarize } from '../../constructs/check/check';
import { SchemaValidator } from '../../constructs/check/schema';
import { compactFileText, shippedCustomResourceDefinitions } from '../compact-crds';

const SELECTOR = { matchLabels: { 'app.kubernetes.io/name': 'jokemeter' } };

function serviceMonitor(endpoint: Record<string, unknown> = { port: 'http', interval: '30s' }): Record<string, any> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'jokemeter', namespace: 'ml' },
    spec: { selector: SELECTOR, endpoints: [endpoint] },
  };
}

const APPLICATION = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'jokemeter', namespace: 'argocd' },
  spec: {
    project: 'default',
    source: { repoURL: 'https://github.com/example/models.git', path: 'dist/production', targetRevision: 'deploy' },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'ml' },
  },
};

const HTTP_ROUTE = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'jokemeter', namespace: 'ml' },
  spec: { parentRefs: [{ name: 'public', namespace: 'gateway' }], rules: [{ backendRefs: [{ name: 'jokemeter', port: 80, weight: 90 }] }] },
};

const schemaFindings = (objects: Record<string, unknown>[]) =>
  checkObjects(objects).filter(f => f.ruleId.startsWith('schema/')).map(f => [f.object?.kind, f.ruleId, f.path, f.message]);

test('the compact CRDs the checker loads are generated from crds/ (run npm run crds after changing crds/)', () => {
  expect(fs.readFileSync(BUILTIN_CRDS_FILE, 'utf-8')).toBe(compactFileText());
});

test('a valid ServiceMonitor passes checkManifests without --crd', () => {
  const findings = checkObjects([serviceMonitor()]);
  expect(findings.filter(f => f.ruleId.startsWith('schema/'))).toEqual([]);
  expect(summarize(findings).passed).toBe(true);
});

test('an invalid ServiceMonitor fails with a schema finding, not as an unknown kind', () => {
  expect(schemaFindings([serviceMonitor({ port: 'http', intervall: '30s' })])).toEqual([
    ['ServiceMonitor', 'schema/unknown-field', 'spec.endpoints[0].intervall', 'unknown field "intervall"; did you mean "interval"?'],
  ]);
  expect(schemaFindings([serviceMonitor({ port: 'http', scheme: 'ftp' })])).toEqual([
    ['ServiceMonitor', 'schema/enum', 'spec.endpoints[0].scheme', expect.stringContaining('"ftp"')],
  ]);
});

test('an Application and an HTTPRoute as the constructs emit them pass; their misspelt fields do not', () => {
  expect(schemaFindings([APPLICATION, HTTP_ROUTE])).toEqual([]);
  const misspelt = { ...APPLICATION, spec: { ...APPLICATION.spec, syncPolicy: { automated: { prune: true, selfheal: true } } } };
  expect(schemaFindings([misspelt])).toEqual([
    ['Application', 'schema/unknown-field', 'spec.syncPolicy.automated.selfheal', 'unknown field "selfheal"; did you mean "selfHeal"?'],
  ]);
  const unweighted = { ...HTTP_ROUTE, spec: { ...HTTP_ROUTE.spec, rules: [{ backendRefs: [{ name: 'jokemeter', port: 80, weight: -1 }] }] } };
  expect(schemaFindings([unweighted]).map(f => f[2])).toEqual(['spec.rules[0].backendRefs[0].weight']);
});

test('every served version of every shipped CRD is known without being added', () => {
  const validator = new SchemaValidator();
  const served = [...shippedCustomResourceDefinitions().values()].flatMap(crd =>
    crd.spec.versions.filter((v: any) => v.served).map((v: any) => `${crd.spec.group}/${v.name} ${crd.spec.names.kind}`));
  expect(served).toEqual(expect.arrayContaining([
    'argoproj.io/v1alpha1 Application', 'monitoring.coreos.com/v1 ServiceMonitor', 'gateway.networking.k8s.io/v1 HTTPRoute',
    'gateway.networking.k8s.io/v1 Gateway', 'gateway.networking.k8s.io/v1 GRPCRoute',
  ]));
  expect(served.filter(s => !validator.isKnown(s.split(' ')[0], s.split(' ')[1]))).toEqual([]);
});

test('an unserved version of a shipped kind is told the served ones', () => {
  expect(schemaFindings([{ ...HTTP_ROUTE, apiVersion: 'gateway.networking.k8s.io/v1alpha2' }])).toEqual([[
    'HTTPRoute', 'schema/unknown-kind', 'apiVersion',
    'kind HTTPRoute is not served as apiVersion "gateway.networking.k8s.io/v1alpha2" in Kubernetes 1.28; use "gateway.networking.k8s.io/v1" or "gateway.networking.k8s.io/v1beta1"',
  ]]);
});

test('a CRD given for a shipped kind takes precedence over the shipped one', () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'servicemonitors.monitoring.coreos.com' },
    spec: {
      group: 'monitoring.coreos.com',
      names: { kind: 'ServiceMonitor', plural: 'servicemonitors' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: {
        endpoints: { type: 'array', items: { type: 'object', properties: { port: { type: 'string' }, intervall: { type: 'string' } } } },
        selector: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      } } } } } }],
    },
  };
  const misspeltUpstream = serviceMonitor({ port: 'http', intervall: '30s' });
  expect(checkObjects([misspeltUpstream], { customResourceDefinitions: [crd] }).filter(f => f.ruleId.startsWith('schema/'))).toEqual([]);
  // One served version of its own does not hide the shipped CRD's other kinds.
  expect(checkObjects([APPLICATION], { customResourceDefinitions: [crd] }).filter(f => f.ruleId.startsWith('schema/'))).toEqual([]);
});

test('a custom resource of a kind no CRD defines is still an unknown kind', () => {
  const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} };
  expect(schemaFindings([widget]).map(f => f[1])).toEqual(['schema/unknown-kind']);
});
