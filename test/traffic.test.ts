// Canary variants, Gateway API routes and ServiceMonitors: what ModelServingApp and TfServingApp emit for them.
import { EnvValue, IngressPathType, ModelServingApp, ModelSource, TfServingApp } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { expectValidCustomResources } from './custom-resources';
import { errorOf, expectValidForKubernetes, findObject, KubeObject, serverContainer, synth, testChart } from './util';

const STABLE = 'peterwolf/jokemeter:lr';
const CANARY = 'peterwolf/jokemeter:tr';
const INGRESS = { className: 'nginx', host: 'jokemeter.ai', path: '/api/v1', pathType: IngressPathType.PREFIX };
const names = (objects: KubeObject[]) => objects.map(o => `${o.kind}/${o.metadata.name}`);
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

function expectValidAndChecked(objects: KubeObject[]): void {
  expectValidForKubernetes(objects);
  expect(checkObjects(objects, { strict: true, complete: true }).filter(f => f.severity !== 'info')).toEqual([]);
}

describe('a canary behind ingress-nginx', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'jokemeter', {
    image: STABLE,
    port: 80,
    env: { MODEL: 'lr', LOG_LEVEL: 'info' },
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    ingress: INGRESS,
    canary: { image: CANARY, weight: 10, env: { MODEL: 'tr' } },
  }));
  const stable = findObject(objects, 'Deployment', 'jokemeter');
  const canary = findObject(objects, 'Deployment', 'jokemeter-canary');

  test('is a second Deployment, Service and Ingress named <name>-canary', () => {
    expect(names(objects)).toEqual([
      'Deployment/jokemeter', 'Service/jokemeter', 'Ingress/jokemeter', 'HorizontalPodAutoscaler/jokemeter', 'PodDisruptionBudget/jokemeter',
      'Deployment/jokemeter-canary', 'Service/jokemeter-canary', 'Ingress/jokemeter-canary',
    ]);
    expect(objects).toMatchSnapshot();
  });

  test('is valid for Kubernetes and passes the checker in strict, complete mode', () => {
    expectValidAndChecked(objects);
  });

  test('each variant\'s Service selects only its own pods, and the stable selector is the one it always had', () => {
    const stableService = findObject(objects, 'Service', 'jokemeter');
    const canaryService = findObject(objects, 'Service', 'jokemeter-canary');
    expect(stable.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'jokemeter', 'app.kubernetes.io/instance': 'jokemeter' });
    expect(canary.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'jokemeter', 'app.kubernetes.io/instance': 'jokemeter-canary' });
    expect(selects(stableService.spec.selector, stable.spec.template.metadata.labels)).toBe(true);
    expect(selects(stableService.spec.selector, canary.spec.template.metadata.labels)).toBe(false);
    expect(selects(canaryService.spec.selector, canary.spec.template.metadata.labels)).toBe(true);
    expect(selects(canaryService.spec.selector, stable.spec.template.metadata.labels)).toBe(false);
  });

  test('runs the canary image with its own variables over the stable ones, one fixed replica, never autoscaled', () => {
    const container = serverContainer(canary);
    expect(container.image).toBe(CANARY);
    expect(container.env).toEqual([{ name: 'MODEL', value: 'tr' }, { name: 'LOG_LEVEL', value: 'info' }]);
    expect(canary.spec.replicas).toBe(1);
    expect(canary.spec.template.metadata.labels['app.kubernetes.io/version']).toBe('tr');
    expect(objects.filter(o => o.kind === 'HorizontalPodAutoscaler').map(o => o.spec.scaleTargetRef.name)).toEqual(['jokemeter']);
    expect(serverContainer(stable).image).toBe(STABLE);
  });

  test('splits the traffic with a second Ingress for the same host and path, marked as the canary with its weight', () => {
    const main = findObject(objects, 'Ingress', 'jokemeter');
    const split = findObject(objects, 'Ingress', 'jokemeter-canary');
    expect(main.metadata.annotations).toBeUndefined();
    expect(split.metadata.annotations).toEqual({ 'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10' });
    expect(split.spec.ingressClassName).toBe('nginx');
    expect(split.spec.rules).toEqual([{
      host: 'jokemeter.ai',
      http: { paths: [{ path: '/api/v1', pathType: 'Prefix', backend: { service: { name: 'jokemeter-canary', port: { number: 80 } } } }] },
    }]);
  });

  test('keeps the canary\'s Service internal, whatever the stable Service is', () => {
    const service = findObject(objects, 'Service', 'jokemeter-canary');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });
});

describe('a Gateway API route', () => {
  const gateway = { parentRef: { name: 'public', namespace: 'gateways' }, host: 'jokemeter.ai', path: '/api/v1' };

  test('in place of an Ingress, sends every request to the Service', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'jokemeter', { image: STABLE, gateway }));
    expect(names(objects)).toEqual(['Deployment/jokemeter', 'Service/jokemeter', 'HTTPRoute/jokemeter']);
    const route = findObject(objects, 'HTTPRoute');
    expect(route.apiVersion).toBe('gateway.networking.k8s.io/v1');
    expect(route.spec).toEqual({
      parentRefs: [{ name: 'public', namespace: 'gateways' }],
      hostnames: ['jokemeter.ai'],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/api/v1' } }], backendRefs: [{ name: 'jokemeter', port: 80 }] }],
    });
    expectValidCustomResources(objects, ['HTTPRoute']);
    expectValidAndChecked(objects);
  });

  test('with a canary, weighs the two variants\' Services, and no Ingress is made', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'jokemeter', { image: STABLE, gateway, canary: { image: CANARY, weight: 25, replicas: 2 } }));
    expect(objects.some(o => o.kind === 'Ingress')).toBe(false);
    expect(findObject(objects, 'HTTPRoute').spec.rules[0].backendRefs).toEqual([
      { name: 'jokemeter', port: 80, weight: 75 },
      { name: 'jokemeter-canary', port: 80, weight: 25 },
    ]);
    expect(findObject(objects, 'Deployment', 'jokemeter-canary').spec.replicas).toBe(2);
    expect(findObject(objects, 'PodDisruptionBudget', 'jokemeter-canary').spec.selector.matchLabels['app.kubernetes.io/instance'])
      .toBe('jokemeter-canary');
    expectValidCustomResources(objects, ['HTTPRoute']);
    expectValidAndChecked(objects);
  });

  test('at weight 100 sends everything to the canary: the promotion\'s first step', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'jokemeter', { image: STABLE, gateway, canary: { image: CANARY, weight: 100 } }));
    expect(findObject(objects, 'HTTPRoute').spec.rules[0].backendRefs.map((b: KubeObject) => b.weight)).toEqual([0, 100]);
  });
});

describe('metrics', () => {
  test('on the server port: a ServiceMonitor of the port named http, and no second containerPort', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'api', { image: STABLE, metrics: { interval: '30s', labels: { release: 'prometheus' } } }));
    const monitor = findObject(objects, 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels.release).toBe('prometheus');
    expect(monitor.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'api' } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }],
    });
    expect(serverContainer(findObject(objects, 'Deployment')).ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expectValidCustomResources(objects, ['ServiceMonitor']);
    expectValidAndChecked(objects);
  });

  test('on another port: declared as the named port metrics, on the container and the Service', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'api', { image: STABLE, metrics: { port: 9090, path: '/stats' } }));
    expect(serverContainer(findObject(objects, 'Deployment')).ports).toEqual([
      { name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
    ]);
    expect(findObject(objects, 'Service').spec.ports.map((p: KubeObject) => [p.name, p.port, p.targetPort])).toEqual([['http', 80, 'http'], ['metrics', 9090, 'metrics']]);
    expect(findObject(objects, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/stats' }]);
    expectValidAndChecked(objects);
  });

  test('on a sidecar exporter\'s port: scraped by the sidecar\'s port name, added to the Service, not declared on the server', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'api', {
      image: STABLE,
      sidecars: [{ name: 'statsd-exporter', image: 'prom/statsd-exporter:v0.28.0', ports: [{ name: 'prom', containerPort: 9102 }] }],
      metrics: { port: 9102 },
    }));
    const pod = findObject(objects, 'Deployment').spec.template.spec;
    expect(pod.containers.map((c: KubeObject) => [c.name, c.ports])).toEqual([
      ['api', [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]], ['statsd-exporter', [{ name: 'prom', containerPort: 9102, protocol: 'TCP' }]],
    ]);
    expect(findObject(objects, 'Service').spec.ports.map((p: KubeObject) => [p.name, p.port, p.targetPort])).toEqual([['http', 80, 'http'], ['prom', 9102, 'prom']]);
    expect(findObject(objects, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'prom', path: '/metrics' }]);
    expectValidAndChecked(objects);
  });

  test('with a canary: one monitor scrapes both variants, whose Services both carry the metrics port', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'api', {
      image: STABLE, metrics: { port: 9090 }, ingress: { className: 'nginx', host: 'api.example.com' }, canary: { image: CANARY, weight: 5 },
    }));
    const selector = findObject(objects, 'ServiceMonitor').spec.selector.matchLabels;
    const services = objects.filter(o => o.kind === 'Service');
    expect(services.map(s => [s.metadata.name, selects(selector, s.metadata.labels), s.spec.ports.map((p: KubeObject) => p.name)])).toEqual([
      ['api', true, ['http', 'metrics']], ['api-canary', true, ['http', 'metrics']],
    ]);
    expectValidAndChecked(objects);
  });

  test('TfServingApp monitoring scrapes TF Serving\'s Prometheus path on the REST port', () => {
    const objects = synth(chart => new TfServingApp(chart, 'resnet', { modelName: 'resnet', modelSource: ModelSource.fromClaim('models'), monitoring: true }));
    expect(findObject(objects, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/monitoring/prometheus/metrics' }]);
    expectValidCustomResources(objects, ['ServiceMonitor']);
  });

  test('TfServingApp metrics turn monitoring on, with their path in its monitoring.config', () => {
    const objects = synth(chart => new TfServingApp(chart, 'resnet', {
      modelName: 'resnet', modelSource: ModelSource.fromClaim('models'), metrics: { path: '/metrics', interval: '15s' },
    }));
    expect(findObject(objects, 'ConfigMap').data['monitoring.config']).toContain('path: "/metrics"');
    expect(findObject(objects, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '15s' }]);
  });
});

describe('refusals', () => {
  const app = (props: object) => () => new ModelServingApp(testChart(), 'jokemeter', { image: STABLE, ...props } as never);

  test.each([
    [{ ingress: INGRESS, canary: { image: CANARY, weight: 101 } }, 'canary.weight 101 must be an integer percentage within 0-100'],
    [{ ingress: INGRESS, canary: { image: CANARY, weight: 12.5 } }, 'canary.weight 12.5 must be an integer percentage within 0-100'],
    [{ canary: { image: CANARY, weight: 10 } },
      "canary needs ingress or gateway: the canary's share of the traffic is split by the ingress-nginx Ingress or the Gateway route"],
    [{ ingress: { className: 'gce' }, canary: { image: CANARY, weight: 10 } },
      "ingress.className 'gce' must be an ingress-nginx class with canary: the split uses its nginx.ingress.kubernetes.io/canary annotations (or use gateway)"],
    [{ ingress: { annotations: { 'kubernetes.io/ingress.class': 'gce' } }, canary: { image: CANARY, weight: 10 } },
      "ingress.className 'gce' must be an ingress-nginx class with canary: the split uses its nginx.ingress.kubernetes.io/canary annotations (or use gateway)"],
    [{ ingress: INGRESS, canary: { image: 'peterwolf/jokemeter:latest', weight: 10 } },
      "canary.image 'peterwolf/jokemeter:latest' must not use the floating tag 'latest'; pin a version or a digest"],
    [{ ingress: INGRESS, canary: { image: CANARY, weight: 10, replicas: 0 } }, 'canary.replicas 0 must be an integer of at least 1'],
    [{ ingress: INGRESS, canary: { image: CANARY, wieght: 10 } }, "unknown prop 'canary.wieght'; did you mean 'canary.weight'?"],
    [{ ingress: INGRESS, canary: { image: CANARY, weight: 10, env: { MODEL: 3 } } }, 'canary.env.MODEL 3 must be a string or an EnvValue'],
    [{ gateway: { parentRef: {} } }, "gateway.parentRef.name (unset) is required: the Gateway's name"],
    [{ gateway: { parentRef: { name: 'public' }, host: 'http://jokemeter.ai' } },
      "gateway.host 'http://jokemeter.ai' must be a DNS name such as 'models.example.com' (optionally starting with '*.'), not an IP address or a URL"],
    [{ metrics: { interval: '30 seconds' } }, "metrics.interval '30 seconds' must be a Prometheus duration such as '30s' or '1m30s'"],
    [{ metrics: { port: 70000 } }, 'metrics.port 70000 must be an integer within 1-65535'],
    [{ name: 'a'.repeat(60), ingress: INGRESS, canary: { image: CANARY, weight: 10 } },
      `name '${'a'.repeat(60)}' must leave room for '-canary': the canary's name '${'a'.repeat(60)}-canary' is longer than 63 characters`],
  ])('%j', (props, message) => {
    expect(errorOf(app(props))).toContain(message);
  });

  test('a canary name that another app uses is refused at synth', () => {
    const chart = testChart();
    new ModelServingApp(chart, 'jokemeter', { image: STABLE, ingress: INGRESS, canary: { image: CANARY, weight: 10 } });
    new ModelServingApp(chart, 'jokemeter-canary', { image: CANARY });
    expect(errorOf(() => chart.toJson())).toContain("name 'jokemeter-canary' is already used in namespace 'default'");
  });

  test.each([
    [{ monitoring: false, metrics: {} }, 'monitoring false cannot be false with metrics: TF Serving serves Prometheus metrics only with its monitoring.config'],
    [{ metrics: { port: 9000 } }, 'metrics.port 9000 must be the REST port 8501, where TF Serving serves its metrics'],
  ])('TfServingApp %j', (props, message) => {
    expect(errorOf(() => new TfServingApp(testChart(), 'resnet', { modelName: 'resnet', modelSource: ModelSource.fromClaim('m'), ...props }))).toContain(message);
  });

  test('canary variables may be EnvValues', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'jokemeter', {
      image: STABLE, ingress: INGRESS, canary: { image: CANARY, weight: 10, env: { TOKEN: EnvValue.fromSecret('jokemeter', 'token') } },
    }));
    expect(serverContainer(findObject(objects, 'Deployment', 'jokemeter-canary')).env)
      .toEqual([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'jokemeter', key: 'token' } } }]);
  });
});
