import { checkObjects, summarize } from '../../constructs/check/check';
import { container, deployment, Obj, pod, podSpec } from './objects';

/** The reference findings of a set, as [rule, severity, path]. */
function references(...objects: Obj[]): [string, string, string][] {
  return checkObjects(objects, { complete: true }).filter(f => f.ruleId.startsWith('wiring/')).map(f => [f.ruleId, f.severity, f.path]);
}

const secret = (name: string, data: Obj = {}, extra: Obj = {}): Obj => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, data, ...extra });
const withEnv = (env: Obj[], overrides: Obj = {}) => pod(podSpec(overrides, [container({ env })]));

describe('Secrets', () => {
  test('a Secret that is not in the set must exist before apply: info, reported once per Secret', () => {
    const p = withEnv([
      { name: 'USER', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
    ]);
    expect(references(p)).toEqual([['wiring/secret-ref', 'info', 'spec.containers[0].env[0].valueFrom.secretKeyRef.name']]);
    const [finding] = checkObjects([p]).filter(f => f.ruleId === 'wiring/secret-ref');
    expect(finding.message).toBe('Secret "db" is not in the manifests: it must exist in namespace "default" before apply, or the pod cannot start');
  });

  test('info findings never fail a check, strict or complete', () => {
    const p = withEnv([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } }]);
    const findings = checkObjects([p], { strict: true, complete: true });
    expect(summarize(findings, true)).toEqual({ errors: 0, warnings: 0, info: 1, waived: 0, passed: true });
  });

  test('a key that the Secret of the set lacks is an error; data and stringData both hold keys', () => {
    const env = [
      { name: 'USER', valueFrom: { secretKeyRef: { name: 'db', key: 'user' } } },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
      { name: 'HOST', valueFrom: { secretKeyRef: { name: 'db', key: 'host' } } },
    ];
    expect(references(secret('db', { user: 'YWRtaW4=' }, { stringData: { password: 'x' } }), withEnv(env)))
      .toEqual([['wiring/secret-ref', 'error', 'spec.containers[0].env[2].valueFrom.secretKeyRef.key']]);
  });

  test('Secret volumes, their items, projected sources, envFrom and image pull Secrets are references', () => {
    const spec = podSpec({
      imagePullSecrets: [{ name: 'registry' }],
      volumes: [
        { name: 'tls', secret: { secretName: 'certs', items: [{ key: 'tls.crt', path: 'crt' }, { key: 'ca.crt', path: 'ca' }] } },
        { name: 'all', projected: { sources: [{ secret: { name: 'projected' } }] } },
      ],
    }, [container({ envFrom: [{ secretRef: { name: 'env' } }] })]);
    expect(references(secret('certs', { 'tls.crt': 'eA==' }), pod(spec))).toEqual([
      ['wiring/secret-ref', 'info', 'spec.imagePullSecrets[0].name'],
      ['wiring/secret-ref', 'info', 'spec.containers[0].envFrom[0].secretRef.name'],
      ['wiring/secret-ref', 'error', 'spec.volumes[0].secret.items[1].key'],
      ['wiring/secret-ref', 'info', 'spec.volumes[1].projected.sources[0].secret.name'],
    ]);
  });

  test('optional Secrets may be missing', () => {
    const spec = podSpec({ volumes: [{ name: 'extra', secret: { secretName: 'extra', optional: true } }] }, [container({
      env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'api', key: 'token', optional: true } } }],
      envFrom: [{ secretRef: { name: 'env', optional: true } }],
    })]);
    expect(references(pod(spec))).toEqual([]);
  });

  test('an Ingress TLS Secret must exist before apply, and one in the set must hold tls.crt and tls.key', () => {
    const ingress = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'api' },
      spec: { tls: [{ hosts: ['api.example.com'], secretName: 'api-tls' }], defaultBackend: { resource: { kind: 'Bucket', name: 'static' } } },
    };
    expect(references(ingress)).toEqual([['wiring/secret-ref', 'info', 'spec.tls[0].secretName']]);
    expect(references(ingress, secret('api-tls', { 'tls.crt': 'eA==' }))).toEqual([['wiring/secret-ref', 'error', 'spec.tls[0].secretName']]);
    expect(references(ingress, secret('api-tls', { 'tls.crt': 'eA==', 'tls.key': 'eA==' }))).toEqual([]);
  });
});

describe('ServiceAccounts, claims and PriorityClasses', () => {
  test('a ServiceAccount that is not in the set must exist before apply; the default one always does', () => {
    expect(references(pod(podSpec({ serviceAccountName: 'api' })))).toEqual([['wiring/service-account-ref', 'info', 'spec.serviceAccountName']]);
    expect(references(pod(podSpec({ serviceAccountName: 'default' })))).toEqual([]);
    const account = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' }, automountServiceAccountToken: false };
    expect(references(account, pod(podSpec({ serviceAccountName: 'api' })))).toEqual([]);
  });

  test('a claim that is not in the set must exist before apply', () => {
    const d = deployment('api', podSpec({ volumes: [{ name: 'model', persistentVolumeClaim: { claimName: 'model', readOnly: true } }] }));
    expect(references(d)).toEqual([['wiring/pvc-ref', 'info', 'spec.template.spec.volumes[0].persistentVolumeClaim.claimName']]);
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'model' }, spec: { accessModes: ['ReadOnlyMany'], resources: { requests: { storage: '1Gi' } } } };
    expect(references(claim, d)).toEqual([]);
  });

  test('a PriorityClass is cluster-scoped, and the system-*-critical ones are built in', () => {
    const inMl = (spec: Obj, name = 'api') => pod(podSpec(spec), { name, namespace: 'ml' });
    expect(references(inMl({ priorityClassName: 'serving' }))).toEqual([['wiring/priority-class-ref', 'info', 'spec.priorityClassName']]);
    const serving = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'serving' }, value: 1000 };
    expect(references(serving, inMl({ priorityClassName: 'serving' }))).toEqual([]);
    expect(references(inMl({ priorityClassName: 'system-node-critical' }), inMl({ priorityClassName: 'system-cluster-critical' }, 'agent'))).toEqual([]);
  });

  test('the kube-root-ca.crt ConfigMap is in every namespace', () => {
    const spec = podSpec({ volumes: [{ name: 'ca', configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } }] });
    expect(references(pod(spec))).toEqual([]);
  });
});
