import { App, Chart, Testing } from 'cdk8s';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildEnvironment, buildGitOps, CLUSTER_APPS } from '../app/charts';
import { ENVIRONMENTS, ExampleEnvironment, LOCAL, PRODUCTION, STAGING } from '../app/environments';
import { DEFAULT_SETTINGS, ExampleSettings } from '../app/settings';
import { checkObjects } from '../constructs/check/check';
import { expectValidCustomResources } from './custom-resources';
import { expectValidForKubernetes, findObject, KubeObject, serverContainer, testApp } from './util';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');

function chartsOf(environment: ExampleEnvironment, settings: ExampleSettings = DEFAULT_SETTINGS): Record<string, KubeObject[]> {
  const app: App = buildEnvironment(testApp(), environment, settings);
  return Object.fromEntries(app.node.children.filter(Chart.isChart).map(chart => [chart.node.id, Testing.synth(chart) as KubeObject[]]));
}

const byEnvironment = Object.fromEntries(ENVIRONMENTS.map(e => [e.name, chartsOf(e)]));
const objectsOf = byEnvironment.production;
const allObjects = Object.values(objectsOf).flat();

test('production and staging have the namespace and one chart per reference deployment; local only the public images', () => {
  const charts = ['namespace', 'purchase-predict', 'jokemeter', 'half-plus-two', 'celestial-bodies-classifier'];
  expect(Object.keys(byEnvironment.production)).toEqual(charts);
  expect(Object.keys(byEnvironment.staging)).toEqual(charts);
  expect(Object.keys(byEnvironment.local)).toEqual(['namespace', 'jokemeter', 'half-plus-two']);
});

test.each(Object.keys(objectsOf))('production chart %s matches its reviewed snapshot', name => {
  expect(objectsOf[name]).toMatchSnapshot();
});

describe.each(ENVIRONMENTS.map(e => [e.name, e] as const))('environment %s', (name, environment) => {
  const objects = Object.values(byEnvironment[name]).flat();

  test('every object is valid for every supported Kubernetes version', () => {
    expectValidForKubernetes(objects);
  });

  test('the checker finds nothing in strict, complete mode and nothing is waived; the model claim must exist before apply', () => {
    const findings = checkObjects(objects, { strict: true, complete: true });
    expect(findings.filter(f => f.severity !== 'info')).toEqual([]);
    expect(findings.filter(f => f.severity === 'info').map(f => [f.ruleId, f.message])).toEqual(environment.local ? [] : [
      ['wiring/pvc-ref', `PersistentVolumeClaim "half-plus-two-model" is not in the manifests: it must exist in namespace "${environment.namespace}" `
        + 'before apply, or the pod stays Pending'],
    ]);
  });

  test('every namespaced object lives in the environment\'s namespace, which the first chart creates', () => {
    const [first, ...rest] = Object.values(byEnvironment[name]);
    expect(first).toEqual([expect.objectContaining({ kind: 'Namespace', metadata: expect.objectContaining({ name: environment.namespace }) })]);
    expect(rest.flat().every(o => o.metadata.namespace === environment.namespace)).toBe(true);
  });
});

test('environments differ in namespace, replicas, autoscaling bounds and ingress host', () => {
  const deployment = (env: string, chart: string) => findObject(byEnvironment[env][chart], 'Deployment');
  expect(deployment('production', 'purchase-predict').spec.replicas).toBe(PRODUCTION.apiReplicas);
  expect(deployment('staging', 'purchase-predict').spec.replicas).toBe(STAGING.apiReplicas);
  expect(findObject(byEnvironment.production['half-plus-two'], 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
  expect(findObject(byEnvironment.staging['half-plus-two'], 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 1, maxReplicas: 2 });
  expect(byEnvironment.local['half-plus-two'].some(o => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
  expect(deployment('local', 'half-plus-two').spec.replicas).toBe(1);
  const host = (env: string) => findObject(byEnvironment[env].jokemeter, 'Ingress').spec.rules[0].host;
  expect([host('production'), host('staging'), host('local')]).toEqual(['jokemeter.ai', 'staging.jokemeter.ai', 'jokemeter.localhost']);
});

test('every namespace enforces \'restricted\'', () => {
  for (const environment of ENVIRONMENTS) {
    expect(byEnvironment[environment.name].namespace[0].metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  }
});

test('local downloads half_plus_two from the TF Serving release, so a fresh kind or minikube cluster needs nothing', () => {
  expect(LOCAL.local).toBe(true);
  const objects = byEnvironment.local['half-plus-two'];
  const pod = findObject(objects, 'Deployment', 'half-plus-two').spec.template.spec;
  expect(pod.volumes).toContainEqual({ name: 'model', emptyDir: {} });
  expect(pod.initContainers.map((c: { name: string }) => c.name)).toEqual(['model-fetch', 'model-unpack']);
  expect(pod.initContainers[0].env).toContainEqual({ name: 'MODEL_URL', value: 'https://github.com/tensorflow/serving/archive/refs/tags/2.14.1.tar.gz' });
  expect(objects.map(o => o.kind)).not.toContain('PersistentVolumeClaim');
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

  test('runs two replicas of the GCR image on port 80 with its settings', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(container.image).toBe('gcr.io/my-gcp-project/purchase-predict-api:local');
    expect(container.ports[0].containerPort).toBe(80);
    expect(container.env.map((e: KubeObject) => [e.name, e.value])[0]).toEqual(['ENV', 'production']);
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

  test('keeps the reference deployment\'s readiness and liveness timings', () => {
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe).toMatchObject({ initialDelaySeconds: 1, periodSeconds: 10, failureThreshold: 2 });
    }
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

  test('serves the lr model, with tr as a 10% canary through ingress-nginx', () => {
    const canary = findObject(objects, 'Deployment', 'jokemeter-canary');
    expect(serverContainer(canary).image).toBe('peterwolf/jokemeter:tr');
    expect(findObject(objects, 'Service', 'jokemeter-canary').spec.selector['app.kubernetes.io/instance']).toBe('jokemeter-canary');
    expect(findObject(objects, 'Ingress', 'jokemeter-canary').metadata.annotations).toEqual({
      'nginx.ingress.kubernetes.io/canary': 'true', 'nginx.ingress.kubernetes.io/canary-weight': '10',
    });
  });
});

describe('GitOps', () => {
  const applications = Testing.synth(buildGitOps(testApp(), DEFAULT_SETTINGS).node.findChild('applications') as Chart) as KubeObject[];

  test('one Argo CD Application per production app syncs its file of dist/production from the deploy branch', () => {
    expect(applications.map(a => [a.kind, a.metadata.name, a.metadata.namespace, a.spec.source.directory.include])).toEqual([
      ['Application', 'purchase-predict', 'argocd', '*-purchase-predict.k8s.yaml'],
      ['Application', 'jokemeter', 'argocd', '*-jokemeter.k8s.yaml'],
      ['Application', 'half-plus-two', 'argocd', '*-half-plus-two.k8s.yaml'],
      ['Application', 'celestial-bodies-classifier', 'argocd', '*-celestial-bodies-classifier.k8s.yaml'],
    ]);
    expect(applications[1].spec).toMatchObject({
      source: { repoURL: DEFAULT_SETTINGS.gitopsRepoUrl, path: 'dist/production', targetRevision: 'deploy/production' },
      destination: { server: 'https://kubernetes.default.svc', namespace: PRODUCTION.namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    expectValidCustomResources(applications, ['Application']);
  });

  test('every production app has an Application, and each include matches exactly its own file', () => {
    const files = Object.keys(byEnvironment.production).map((chart, i) => `${String(i).padStart(4, '0')}-${chart}.k8s.yaml`);
    const matching = (glob: string) => files.filter(f => new RegExp(`^${glob.replace(/[.]/g, '\\.').replace('*', '.*')}$`).test(f));
    expect(applications.map(a => matching(a.spec.source.directory.include))).toEqual(CLUSTER_APPS.map((_, i) => [files[i + 1]]));
  });
});

describe('half-plus-two', () => {
  const objects = objectsOf['half-plus-two'];
  const container = serverContainer(findObject(objects, 'Deployment', 'half-plus-two'));

  test('serves half_plus_two from a claim on NodePort 30001', () => {
    expect(findObject(objects, 'ConfigMap').data).toEqual({ MODEL_NAME: 'half_plus_two', MODEL_BASE_PATH: '/models' });
    expect(findObject(objects, 'Service').spec.ports[0]).toMatchObject({ port: 8501, nodePort: 30001 });
    expect(container.volumeMounts).toContainEqual({ name: 'model', mountPath: '/models/half_plus_two', readOnly: true });
    expect(findObject(objects, 'Deployment', 'half-plus-two').spec.template.spec.volumes)
      .toContainEqual({ name: 'model', persistentVolumeClaim: { claimName: 'half-plus-two-model', readOnly: true } });
  });

  test('autoscales 2 to 6 replicas at 20% CPU of a 5m request', () => {
    expect(container.resources.requests).toEqual({ cpu: '5m', memory: '32M' });
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 2, maxReplicas: 6, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 20 } } }],
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

test('image coordinates come from the settings, not from sed; a digest pins the image', () => {
  const image = (imageTag: string) =>
    serverContainer(findObject(chartsOf(PRODUCTION, { ...DEFAULT_SETTINGS, gcpProject: 'acme-ml', imageTag })['purchase-predict'], 'Deployment')).image;
  expect(image('3f2a9c1')).toBe('gcr.io/acme-ml/purchase-predict-api:3f2a9c1');
  expect(image(`sha256:${'a'.repeat(64)}`)).toBe(`gcr.io/acme-ml/purchase-predict-api@sha256:${'a'.repeat(64)}`);
});

describe('running main.ts as cdk8s does', () => {
  const run = (env: NodeJS.ProcessEnv) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
    try {
      const clean = { ...process.env };
      delete clean.CI;
      delete clean.IMAGE_TAG;
      const result = spawnSync(process.execPath, ['-r', TSX, 'main.ts'], {
        cwd: ROOT, encoding: 'utf8', env: { ...clean, ...env, CDK8S_OUTDIR: outdir },
      });
      const files = fs.readdirSync(outdir, { recursive: true, encoding: 'utf8' }).sort();
      const read = (file: string) => fs.readFileSync(path.join(outdir, file), 'utf8');
      return { ...result, files, read };
    } finally {
      setImmediate(() => fs.rmSync(outdir, { recursive: true, force: true }));
    }
  };

  test('writes one folder per environment, the namespace file first, with the image tag CI sets', () => {
    const result = run({ IMAGE_TAG: '3f2a9c1', CI: 'true' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.files).toEqual([
      'argocd', 'argocd/.cdk8s-environment', 'argocd/applications.k8s.yaml',
      'local', 'local/.cdk8s-environment', 'local/0000-namespace.k8s.yaml', 'local/0001-jokemeter.k8s.yaml', 'local/0002-half-plus-two.k8s.yaml',
      'production', 'production/.cdk8s-environment', 'production/0000-namespace.k8s.yaml', 'production/0001-purchase-predict.k8s.yaml', 'production/0002-jokemeter.k8s.yaml',
      'production/0003-half-plus-two.k8s.yaml', 'production/0004-celestial-bodies-classifier.k8s.yaml',
      'staging', 'staging/.cdk8s-environment', 'staging/0000-namespace.k8s.yaml', 'staging/0001-purchase-predict.k8s.yaml', 'staging/0002-jokemeter.k8s.yaml',
      'staging/0003-half-plus-two.k8s.yaml', 'staging/0004-celestial-bodies-classifier.k8s.yaml',
    ]);
    expect(result.read('production/0001-purchase-predict.k8s.yaml')).toContain('image: gcr.io/my-gcp-project/purchase-predict-api:3f2a9c1');
  });

  test('synthesizes locally without IMAGE_TAG, with the local tag', () => {
    const result = run({});
    expect(result.status).toBe(0);
    expect(result.read('staging/0001-purchase-predict.k8s.yaml')).toContain('image: gcr.io/my-gcp-project/purchase-predict-api:local');
  });

  test.each([
    [{ CI: 'true' }, 'IMAGE_TAG is required when CI is set: a pipeline must name the image it built, e.g. IMAGE_TAG=$(git rev-parse --short HEAD)'],
    [{ IMAGE_TAG: 'latest' },
      "IMAGE_TAG 'latest' is a floating tag: every node may pull a different build; use the commit's short SHA or a sha256: digest"],
    [{ IMAGE_TAG: '' }, 'IMAGE_TAG is empty: set it to the image tag CI built (e.g. IMAGE_TAG=3f2a9c1) or unset it'],
    [{ IMAGE_TAG: '-rc1' }, "IMAGE_TAG '-rc1' is not an image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-') "
      + "nor a digest 'sha256:<64 lowercase hex digits>'"],
    [{ IMAGE_TAG: 'sha256:abc' }, "IMAGE_TAG 'sha256:abc' is not an image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-') "
      + "nor a digest 'sha256:<64 lowercase hex digits>'"],
    [{ PURCHASE_PREDICT_TAG: '1.0.0' }, 'PURCHASE_PREDICT_TAG is no longer read: set IMAGE_TAG to the tag CI built'],
  ])('refuses %j with a message naming the variable, and writes nothing', (env, message) => {
    const result = run(env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(message);
    expect(result.files).toEqual([]);
  });

  test('reports a bad prop as what to fix, without a stack trace, and writes nothing', () => {
    const result = run({ CLASSIFIER_REGISTRY: 'Bad Registry' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^ModelServingApp 'celestial-bodies-classifier\/celestial-bodies-classifier': image 'Bad Registry/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.files).toEqual([]);
  });
});
