import { Chart, Testing } from 'cdk8s';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { checkObjects } from '../constructs/check/check';
import { buildExampleApp, DEFAULT_SETTINGS } from '../main';
import { expectValidForKubernetes, findObject, KubeObject, serverContainer, testApp } from './util';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');

const app = buildExampleApp(testApp(), DEFAULT_SETTINGS);
const charts = app.node.children.filter(Chart.isChart);
const objectsOf = Object.fromEntries(charts.map(chart => [chart.node.id, Testing.synth(chart) as KubeObject[]]));
const allObjects = Object.values(objectsOf).flat();

test('has one chart per reference deployment', () => {
  expect(Object.keys(objectsOf)).toEqual(['purchase-predict', 'jokemeter', 'half-plus-two', 'celestial-bodies-classifier']);
});

test.each(Object.keys(objectsOf))('chart %s matches its reviewed snapshot', name => {
  expect(objectsOf[name]).toMatchSnapshot();
});

test('every object is valid for every supported Kubernetes version', () => {
  expectValidForKubernetes(allObjects);
});

test('the manifest checker finds nothing, even in strict mode, and nothing is waived', () => {
  expect(checkObjects(allObjects, { strict: true })).toEqual([]);
});

describe('wiring', () => {
  const inNamespace = (o: KubeObject, ns: string | undefined) => (o.metadata.namespace ?? 'default') === (ns ?? 'default');
  const workloads = allObjects.filter(o => o.kind === 'Deployment');

  test.each(allObjects.filter(o => o.kind === 'Service').map(s => [s.metadata.name, s]))('Service %s selects pods with its target port', (_, service) => {
    const selected = workloads.filter(d => inNamespace(d, service.metadata.namespace)
      && Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
    expect(selected).toHaveLength(1);
    const portNames = serverContainer(selected[0]).ports.map((p: KubeObject) => p.name);
    for (const port of service.spec.ports) {
      expect(portNames).toContain(port.targetPort);
    }
  });

  test.each(allObjects.filter(o => o.kind === 'Ingress').map(i => [i.metadata.name, i]))('Ingress %s routes to an existing Service port', (_, ingress) => {
    for (const path of ingress.spec.rules.flatMap((r: KubeObject) => r.http.paths)) {
      const service = allObjects.find(o => o.kind === 'Service' && o.metadata.name === path.backend.service.name && inNamespace(o, ingress.metadata.namespace));
      expect(service?.spec.ports.map((p: KubeObject) => p.port)).toContain(path.backend.service.port.number);
    }
  });

  test.each(allObjects.filter(o => o.kind === 'HorizontalPodAutoscaler').map(h => [h.metadata.name, h]))('autoscaler %s targets a Deployment with requests', (_, hpa) => {
    const target = workloads.find(d => d.metadata.name === hpa.spec.scaleTargetRef.name && inNamespace(d, hpa.metadata.namespace));
    expect(target).toBeDefined();
    for (const metric of hpa.spec.metrics) {
      expect(serverContainer(target!).resources.requests[metric.resource.name]).toBeDefined();
    }
  });

  test('every envFrom ConfigMap exists', () => {
    for (const deployment of workloads) {
      for (const source of serverContainer(deployment).envFrom ?? []) {
        expect(allObjects.some(o => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef.name)).toBe(true);
      }
    }
  });
});

describe("every pod passes 'restricted' and runs as a numeric non-root user", () => {
  test.each(allObjects.filter(o => o.kind === 'Deployment').map(d => [d.metadata.name, d]))('%s', (_, deployment) => {
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.volumes.every((v: KubeObject) => v.hostPath === undefined)).toBe(true);
    const container = serverContainer(deployment);
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true });
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(container.livenessProbe).toBeDefined();
    expect(container.image).not.toMatch(/:latest$/);
  });
});

describe('purchase-predict', () => {
  const objects = objectsOf['purchase-predict'];
  const deployment = findObject(objects, 'Deployment', 'purchase-predict');
  const container = serverContainer(deployment);

  test('lives in its own namespace, created first', () => {
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'api-purchase' } });
    expect(objects[0].metadata.namespace).toBeUndefined();
    expect(objects.slice(1).every(o => o.metadata.namespace === 'api-purchase')).toBe(true);
  });

  test('runs two replicas of the GCR image on port 80 with its settings', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe('gcr.io/my-gcp-project/purchase-predict-api:1.0.0');
    expect(container.ports[0].containerPort).toBe(80);
    expect(container.env.map((e: KubeObject) => e.name)).toEqual(['ENV', 'MLFLOW_SERVER', 'MLFLOW_REGISTRY_NAME', 'PORT']);
    expect(container.resources).toEqual({ requests: { cpu: '0.5', memory: '0.5G' }, limits: { cpu: '1', memory: '1G' } });
    expect(container.readinessProbe.httpGet.path).toBe('/');
  });

  test('sits behind a NodePort Service and a GCE Ingress', () => {
    expect(findObject(objects, 'Service').spec).toMatchObject({ type: 'NodePort', ports: [{ port: 80 }] });
    const ingress = findObject(objects, 'Ingress');
    expect(ingress.metadata.annotations).toEqual({ 'kubernetes.io/ingress.class': 'gce' });
    expect(ingress.spec.rules[0].http.paths[0]).toMatchObject({ path: '/', pathType: 'Prefix' });
  });
});

describe('jokemeter', () => {
  const objects = objectsOf.jokemeter;
  const deployment = findObject(objects, 'Deployment', 'jokemeter');
  const container = serverContainer(deployment);

  test('probes its three endpoints on port 80', () => {
    expect(container.image).toBe('peterwolf/jokemeter:lr');
    expect(container.ports[0].containerPort).toBe(80);
    expect([container.startupProbe, container.readinessProbe, container.livenessProbe].map(p => p.httpGet.path))
      .toEqual(['/api/v1/startup', '/api/v1/ready', '/api/v1/health']);
  });

  test('is reached through ingress-nginx at jokemeter.ai/api/v1', () => {
    expect(findObject(objects, 'Service').spec.type).toBe('ClusterIP');
    const ingress = findObject(objects, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.rules[0]).toMatchObject({ host: 'jokemeter.ai', http: { paths: [{ path: '/api/v1', pathType: 'Prefix' }] } });
  });

  test('rolls out one pod at a time and keeps five revisions', () => {
    expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: '33%' });
    expect(deployment.spec.revisionHistoryLimit).toBe(5);
  });
});

describe('half-plus-two', () => {
  const objects = objectsOf['half-plus-two'];
  const container = serverContainer(findObject(objects, 'Deployment', 'half-plus-two'));

  test('serves half_plus_two from a claim on NodePort 30001', () => {
    expect(findObject(objects, 'ConfigMap').data).toEqual({ MODEL_NAME: 'half_plus_two', MODEL_BASE_PATH: '/models' });
    expect(findObject(objects, 'Service').spec.ports[0]).toMatchObject({ port: 8501, nodePort: 30001 });
    expect(container.volumeMounts).toContainEqual({ name: 'model', mountPath: '/models/half_plus_two', readOnly: true });
  });

  test('autoscales 1 to 3 replicas at 20% CPU of a 5m request', () => {
    expect(container.resources.requests).toEqual({ cpu: '5m', memory: '32M' });
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 1, maxReplicas: 3, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 20 } } }],
    });
  });
});

describe('celestial-bodies-classifier', () => {
  const objects = objectsOf['celestial-bodies-classifier'];
  const container = serverContainer(findObject(objects, 'Deployment'));

  test('serves BentoML on 3000 behind a LoadBalancer on port 80', () => {
    expect(container.ports[0].containerPort).toBe(3000);
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(findObject(objects, 'Service').spec).toMatchObject({ type: 'LoadBalancer', ports: [{ port: 80, targetPort: 'http' }] });
  });
});

test('image coordinates come from the settings, not from sed', () => {
  const custom = buildExampleApp(testApp(), { ...DEFAULT_SETTINGS, gcpProject: 'acme-ml', purchasePredictTag: 'abc123' });
  const chart = custom.node.findChild('purchase-predict') as Chart;
  expect(serverContainer(findObject(Testing.synth(chart), 'Deployment')).image).toBe('gcr.io/acme-ml/purchase-predict-api:abc123');
});

describe('running main.ts as cdk8s does', () => {
  const run = (env: NodeJS.ProcessEnv) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
    try {
      const result = spawnSync(process.execPath, ['-r', TSX, 'main.ts'], {
        cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env, CDK8S_OUTDIR: outdir },
      });
      return { ...result, files: fs.readdirSync(outdir).sort() };
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  };

  test('writes one manifest file per chart, with the image tag CI sets', () => {
    const result = run({ PURCHASE_PREDICT_TAG: 'abc123' });
    expect(result.status).toBe(0);
    expect(result.files).toEqual([
      'celestial-bodies-classifier.k8s.yaml', 'half-plus-two.k8s.yaml', 'jokemeter.k8s.yaml', 'purchase-predict.k8s.yaml',
    ]);
  });

  test('reports a bad setting as what to fix, without a stack trace, and writes nothing', () => {
    const result = run({ PURCHASE_PREDICT_TAG: 'latest' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("ModelServingApp 'purchase-predict/purchase-predict': image 'gcr.io/my-gcp-project/purchase-predict-api:latest' "
      + "must not use the floating tag 'latest'; pin a version or a digest");
    expect(result.files).toEqual([]);
  });
});
