import { checkObjects } from '../../constructs/check/check';
import { Finding } from '../../constructs/check/findings';
import { container, deployment, Obj, pod, podSpec, service } from './objects';

function wiring(...objects: Obj[]): [string, string][] {
  return checkObjects(objects).filter((f: Finding) => f.ruleId.startsWith('wiring/')).map(f => [f.ruleId, f.path]);
}

/** The wiring findings of a complete set, as [rule, severity, path]. */
function complete(...objects: Obj[]): [string, string, string][] {
  return checkObjects(objects, { complete: true }).filter((f: Finding) => f.ruleId.startsWith('wiring/')).map(f => [f.ruleId, f.severity, f.path]);
}

/** The wiring findings of a set that may lack objects defined elsewhere, as [rule, severity, path]. */
function partial(...objects: Obj[]): [string, string, string][] {
  return checkObjects(objects).filter((f: Finding) => f.ruleId.startsWith('wiring/')).map(f => [f.ruleId, f.severity, f.path]);
}

describe('Service', () => {
  test('a selector that is a subset of the pod labels matches', () => {
    const d = deployment('api');
    d.spec.template.metadata.labels.tier = 'backend';
    expect(wiring(d, service('api'))).toEqual([]);
  });

  test('an implicit namespace and an explicit default are the same namespace', () => {
    expect(wiring(deployment('api'), service('api', {}, { namespace: 'default' }))).toEqual([]);
  });

  test('a selector with one wrong label matches nothing', () => {
    expect(wiring(deployment('api'), service('api', { selector: { app: 'api', tier: 'web' } }))).toEqual([['wiring/service-selector', 'spec.selector']]);
  });

  test('Services without a selector, and ExternalName Services, select nothing on purpose', () => {
    expect(wiring(service('external', { selector: undefined }), service('db', { type: 'ExternalName', externalName: 'db.example.com', ports: undefined })))
      .toEqual([]);
  });

  test('a numeric targetPort, or the port itself when targetPort is unset, that no containerPort declares is a warning', () => {
    expect(complete(deployment('api'), service('api', { ports: [{ port: 8080 }] }))).toEqual([]);
    expect(complete(deployment('api'), service('api', { ports: [{ port: 80 }] }))).toEqual([['wiring/service-target-port', 'warning', 'spec.ports[0].port']]);
    expect(complete(deployment('api'), service('api', { ports: [{ port: 80, targetPort: 8080 }] }))).toEqual([]);
  });

  test('a numeric targetPort of containers that declare no ports at all is not judged: containerPort is informational', () => {
    const undeclared = deployment('api', podSpec({}, [container({ ports: undefined, readinessProbe: { tcpSocket: { port: 8080 } }, livenessProbe: { tcpSocket: { port: 8080 } } })]));
    expect(complete(undeclared, service('api', { ports: [{ port: 80, targetPort: 8080 }] }))).toEqual([]);
  });

  test('a named targetPort must name a container port, complete or not', () => {
    expect(partial(deployment('api'), service('api', { ports: [{ port: 80, targetPort: 'web' }] })))
      .toEqual([['wiring/service-target-port', 'error', 'spec.ports[0].targetPort']]);
  });

  test('the pods of a custom workload with a pod template, such as an Argo Rollout, are selected too', () => {
    const rollout = { ...deployment('api'), apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
    expect(complete(rollout, service('api'))).toEqual([]);
  });

  test('a Service whose pods are not in the set is an error only when the set is complete', () => {
    expect(partial(service('api'))).toEqual([['wiring/service-selector', 'warning', 'spec.selector']]);
    expect(complete(service('api'))).toEqual([['wiring/service-selector', 'error', 'spec.selector']]);
  });
});

describe('Ingress', () => {
  const ingress = (backend: Obj, namespace?: string): Obj => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'api', namespace },
    spec: { defaultBackend: { service: backend } },
  });

  test('a backend naming an existing Service port by number or name passes', () => {
    expect(wiring(deployment('api'), service('api'), ingress({ name: 'api', port: { number: 80 } }))).toEqual([]);
    expect(wiring(deployment('api'), service('api'), ingress({ name: 'api', port: { name: 'http' } }))).toEqual([]);
  });

  test('a backend Service that is not in the set is an error only when the set is complete; a missing port of one that is, always', () => {
    expect(partial(ingress({ name: 'web', port: { number: 80 } }))).toEqual([['wiring/ingress-backend', 'warning', 'spec.defaultBackend.service.name']]);
    expect(complete(ingress({ name: 'web', port: { number: 80 } }))).toEqual([['wiring/ingress-backend', 'error', 'spec.defaultBackend.service.name']]);
    expect(partial(deployment('api'), service('api'), ingress({ name: 'api', port: { number: 8080 } })))
      .toEqual([['wiring/ingress-backend', 'error', 'spec.defaultBackend.service.port.number']]);
  });

  test('a missing Service, a Service in another namespace, and a missing port name are reported', () => {
    expect(wiring(ingress({ name: 'web', port: { number: 80 } }))).toEqual([['wiring/ingress-backend', 'spec.defaultBackend.service.name']]);
    expect(wiring(deployment('api'), service('api'), ingress({ name: 'api', port: { number: 80 } }, 'ml')))
      .toEqual([['wiring/ingress-backend', 'spec.defaultBackend.service.name']]);
    expect(wiring(deployment('api'), service('api'), ingress({ name: 'api', port: { name: 'grpc' } })))
      .toEqual([['wiring/ingress-backend', 'spec.defaultBackend.service.port.name']]);
  });
});

describe('HorizontalPodAutoscaler', () => {
  const hpa = (spec: Obj, apiVersion = 'autoscaling/v2'): Obj => ({
    apiVersion,
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'api' },
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' }, maxReplicas: 3, ...spec },
  });
  const noCpu = () => deployment('api', podSpec({}, [container({ resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } } })]));
  const metric = (name: string, target: Obj) => ({ type: 'Resource', resource: { name, target } });

  test('without metrics, autoscaling/v2 scales on cpu utilization, so cpu must be requested', () => {
    expect(wiring(noCpu(), hpa({}))).toEqual([['wiring/hpa-requests', 'spec']]);
    expect(wiring(deployment('api'), hpa({}))).toEqual([]);
  });

  test('autoscaling/v1 scales on cpu utilization', () => {
    expect(wiring(noCpu(), hpa({ targetCPUUtilizationPercentage: 50 }, 'autoscaling/v1'))).toEqual([['wiring/hpa-requests', 'spec.targetCPUUtilizationPercentage']]);
  });

  test('an average value target needs no request', () => {
    expect(wiring(noCpu(), hpa({ metrics: [metric('cpu', { type: 'AverageValue', averageValue: '500m' })] }))).toEqual([]);
  });

  test('a limit counts as a request, as Kubernetes copies it', () => {
    const d = deployment('api', podSpec({}, [container({ resources: { limits: { cpu: '1', memory: '1Gi' } } })]));
    expect(wiring(d, hpa({ metrics: [metric('cpu', { type: 'Utilization', averageUtilization: 70 })] }))).toEqual([]);
  });

  test('a ContainerResource metric only needs the request on its container', () => {
    const d = deployment('api', podSpec({}, [container(), container({ name: 'sidecar', ports: [], resources: { requests: { memory: '64Mi' } } })]));
    const containerMetric = (name: string) => ({
      type: 'ContainerResource',
      containerResource: { name: 'cpu', container: name, target: { type: 'Utilization', averageUtilization: 70 } },
    });
    expect(wiring(d, hpa({ metrics: [containerMetric('api')] }))).toEqual([]);
    expect(wiring(d, hpa({ metrics: [containerMetric('sidecar')] }))).toEqual([['wiring/hpa-requests', 'spec.metrics[0]']]);
  });

  test('a target that is not in the set is an error only when the set is complete', () => {
    expect(partial(hpa({}))).toEqual([['wiring/hpa-target', 'warning', 'spec.scaleTargetRef']]);
    expect(complete(hpa({}))).toEqual([['wiring/hpa-target', 'error', 'spec.scaleTargetRef']]);
  });

  test('a scalable custom resource of the set is a target, whose requests are not judged', () => {
    const rollout = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', metadata: { name: 'api' }, spec: {} };
    const target = hpa({});
    target.spec.scaleTargetRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'api' };
    expect(complete(rollout, target).filter(([rule]) => rule.startsWith('wiring/hpa'))).toEqual([]);
  });

  test('a target of another kind or in another namespace does not exist', () => {
    const statefulTarget = hpa({});
    statefulTarget.spec.scaleTargetRef.kind = 'StatefulSet';
    expect(wiring(deployment('api'), statefulTarget)).toEqual([['wiring/hpa-target', 'spec.scaleTargetRef']]);
  });
});

describe('ConfigMap references', () => {
  const configMap = (name: string, data: Obj = { LOG_LEVEL: 'info' }): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

  test('optional references may be missing', () => {
    const c = container({ envFrom: [{ configMapRef: { name: 'missing', optional: true } }] });
    expect(wiring(pod(podSpec({}, [c])))).toEqual([]);
  });

  test('a configMapKeyRef needs the key when the ConfigMap is in the set: an error', () => {
    const c = container({ env: [{ name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LEVEL' } } }] });
    expect(partial(configMap('settings'), pod(podSpec({}, [c])))).toEqual([['wiring/configmap-ref', 'error', 'spec.containers[0].env[0].valueFrom.configMapKeyRef.key']]);
  });

  test('a ConfigMap that is not in the set must exist before apply: info, in every mode', () => {
    const c = container({ envFrom: [{ configMapRef: { name: 'settings' } }] });
    expect(complete(pod(podSpec({}, [c])))).toEqual([['wiring/configmap-ref', 'info', 'spec.containers[0].envFrom[0].configMapRef.name']]);
  });

  test('a key the ConfigMap inherits from Object, such as constructor, is not one of its keys', () => {
    const c = container({ env: [{ name: 'C', valueFrom: { configMapKeyRef: { name: 'settings', key: 'constructor' } } }] });
    expect(wiring(configMap('settings'), pod(podSpec({}, [c])))).toEqual([['wiring/configmap-ref', 'spec.containers[0].env[0].valueFrom.configMapKeyRef.key']]);
  });

  test('ConfigMap volumes, their items and projected sources are checked', () => {
    const spec = podSpec({
      volumes: [
        { name: 'a', configMap: { name: 'settings', items: [{ key: 'LOG_LEVEL', path: 'level' }, { key: 'MODEL', path: 'model' }] } },
        { name: 'b', projected: { sources: [{ configMap: { name: 'other' } }] } },
      ],
    });
    expect(wiring(configMap('settings'), pod(spec))).toEqual([
      ['wiring/configmap-ref', 'spec.volumes[0].configMap.items[1].key'],
      ['wiring/configmap-ref', 'spec.volumes[1].projected.sources[0].configMap.name'],
    ]);
  });

  test('a ConfigMap in another namespace does not count', () => {
    const cm = configMap('settings');
    cm.metadata.namespace = 'other';
    const c = container({ envFrom: [{ configMapRef: { name: 'settings' } }] });
    expect(partial(cm, pod(podSpec({}, [c])))).toEqual([['wiring/configmap-ref', 'info', 'spec.containers[0].envFrom[0].configMapRef.name']]);
  });
});

describe('selectors', () => {
  const pdb = (selector: Obj): Obj => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'api' }, spec: { maxUnavailable: 1, selector } });

  test('a PodDisruptionBudget whose pods are not in the set is an error only when the set is complete', () => {
    expect(partial(pdb({ matchLabels: { app: 'api' } }))).toEqual([['wiring/pdb-selector', 'warning', 'spec.selector']]);
    expect(complete(pdb({ matchLabels: { app: 'api' } }))).toEqual([['wiring/pdb-selector', 'error', 'spec.selector']]);
  });

  test('PodDisruptionBudget selectors understand matchExpressions', () => {
    expect(wiring(deployment('api'), pdb({ matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] }))).toEqual([]);
    expect(wiring(deployment('api'), pdb({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] })))
      .toEqual([['wiring/pdb-selector', 'spec.selector']]);
    expect(wiring(deployment('api'), pdb({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }))).toEqual([['wiring/pdb-selector', 'spec.selector']]);
  });

  test('PodDisruptionBudget selectors need every matchLabels entry and expression to match, in their own namespace', () => {
    const tiered = deployment('api', undefined, { templateMetadata: { labels: { app: 'api', tier: 'web' } } });
    expect(wiring(tiered, pdb({ matchLabels: { app: 'api', tier: 'web' } }))).toEqual([]);
    expect(wiring(tiered, pdb({ matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] }))).toEqual([]);
    expect(wiring(tiered, pdb({ matchLabels: { app: 'api', tier: 'db' } }))).toEqual([['wiring/pdb-selector', 'spec.selector']]);
    expect(wiring(tiered, pdb({ matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] })))
      .toEqual([['wiring/pdb-selector', 'spec.selector']]);
    const elsewhere = { ...pdb({ matchLabels: { app: 'api' } }), metadata: { name: 'api', namespace: 'ml' } };
    expect(wiring(tiered, elsewhere)).toEqual([['wiring/pdb-selector', 'spec.selector']]);
  });

  test('a workload selector with matchExpressions is checked against its template', () => {
    const d = deployment('api');
    d.spec.selector = { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] };
    expect(wiring(d)).toEqual([['wiring/workload-selector', 'spec.selector']]);
  });

  test('an empty workload selector is reported', () => {
    const d = deployment('api');
    d.spec.selector = {};
    expect(wiring(d)).toEqual([['wiring/workload-selector', 'spec.selector']]);
  });

  test('objects of the same name in different namespaces are not duplicates', () => {
    expect(wiring(service('api', { selector: undefined }), service('api', { selector: undefined }, { namespace: 'ml' }))).toEqual([]);
    expect(wiring(service('api', { selector: undefined }), service('api', { selector: undefined })))
      .toEqual([['wiring/duplicate-object', 'metadata.name']]);
  });
});

describe('HTTPRoute', () => {
  const route = (backendRefs: Obj[], namespace?: string): Obj => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'api', namespace },
    spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs }] },
  });

  test('weighted backends naming existing Service ports pass', () => {
    const canary = service('api-canary');
    expect(complete(deployment('api'), deployment('api-canary'), service('api'), canary,
      route([{ name: 'api', port: 80, weight: 90 }, { name: 'api-canary', port: 80, weight: 10 }]))).toEqual([]);
  });

  test('a missing Service is an error only when the set is complete; a missing port, always', () => {
    expect(partial(route([{ name: 'api', port: 80 }]))).toEqual([['wiring/httproute-backend', 'warning', 'spec.rules[0].backendRefs[0].name']]);
    expect(complete(route([{ name: 'api', port: 80 }]))).toEqual([['wiring/httproute-backend', 'error', 'spec.rules[0].backendRefs[0].name']]);
    expect(partial(deployment('api'), service('api'), route([{ name: 'api', port: 8080 }])))
      .toEqual([['wiring/httproute-backend', 'error', 'spec.rules[0].backendRefs[0].port']]);
  });

  test('a backend in another namespace is looked up there, and backends of other kinds are not judged', () => {
    expect(complete(deployment('api'), service('api'), route([{ name: 'api', namespace: 'ml', port: 80 }])))
      .toEqual([['wiring/httproute-backend', 'error', 'spec.rules[0].backendRefs[0].name']]);
    expect(complete(route([{ group: 'example.com', kind: 'Bucket', name: 'models' }]))).toEqual([]);
  });
});

describe('ServiceMonitor', () => {
  const monitor = (spec: Obj, namespace?: string): Obj => ({
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { name: 'api', namespace },
    spec: { selector: { matchLabels: { app: 'api' } }, endpoints: [{ port: 'http' }], ...spec },
  });
  const labelled = (namespace?: string) => service('api', {}, { labels: { app: 'api' }, namespace });

  test('a monitor selecting a Service by its labels, on one of its port names, passes', () => {
    expect(complete(deployment('api'), labelled(), monitor({}))).toEqual([]);
  });

  test('a monitor selecting no Service is an error only when the set is complete', () => {
    expect(partial(deployment('api'), service('api'), monitor({}))).toEqual([['wiring/servicemonitor-selector', 'warning', 'spec.selector']]);
    expect(complete(deployment('api'), service('api'), monitor({}))).toEqual([['wiring/servicemonitor-selector', 'error', 'spec.selector']]);
  });

  test('an endpoint port name that the selected Services lack is an error', () => {
    expect(partial(deployment('api'), labelled(), monitor({ endpoints: [{ port: 'metrics' }] })))
      .toEqual([['wiring/servicemonitor-selector', 'error', 'spec.endpoints[0].port']]);
  });

  test('the namespace selector picks where Services are looked for', () => {
    const ml = { ...deployment('api'), metadata: { name: 'api', namespace: 'ml' } };
    expect(complete(ml, labelled('ml'), monitor({}, 'monitoring'))).toEqual([['wiring/servicemonitor-selector', 'error', 'spec.selector']]);
    expect(complete(ml, labelled('ml'), monitor({ namespaceSelector: { matchNames: ['ml'] } }, 'monitoring'))).toEqual([]);
    expect(complete(ml, labelled('ml'), monitor({ namespaceSelector: { any: true } }, 'monitoring'))).toEqual([]);
  });
});
