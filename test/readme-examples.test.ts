// Every TypeScript example of the README is a complete program: it type-checks against the library (imported as
// 'cdk8s-model-serving', as a consumer writes it), runs on its own, and synthesizes manifests that pass the schema of
// every supported Kubernetes version and `check --strict --complete`. So a ```ts block may not lean on names from
// another block: give it its imports, its App and Chart, and `app.synth()`.
import { Finding } from '../constructs/check';
import { checkObjects } from '../constructs/check/check';
import { compileExamples, readmeExamples, runExample } from './readme-examples';
import { expectValidForKubernetes, findObject, KubeObject, serverContainer } from './util';

const EXAMPLES = readmeExamples();
const byHeading = (heading: string) => {
  const found = EXAMPLES.filter(e => e.heading === heading);
  expect(found).toHaveLength(1);
  return found[0];
};
const activeFindings = (objects: KubeObject[]): Finding[] =>
  checkObjects(objects, { strict: true, complete: true }).filter(f => f.waived === undefined);
const infoOf = (objects: KubeObject[]) => activeFindings(objects).filter(f => f.severity === 'info').map(f => `${f.ruleId} ${f.object?.kind}/${f.object?.name}`);
const containers = (deployment: KubeObject): KubeObject[] => deployment.spec.template.spec.containers;

test('the README has its examples, each with a heading', () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(16);
  expect(EXAMPLES.every(e => e.heading !== '')).toBe(true);
});

test('every example type-checks against the library as a consumer imports it', () => {
  expect(compileExamples(EXAMPLES)).toEqual([]);
}, 60_000);

describe.each(EXAMPLES.map(e => [`${e.heading} (README.md:${e.line})`, e] as const))('%s', (_, example) => {
  let objects: KubeObject[];
  beforeAll(() => {
    objects = runExample(example);
  });

  test('synthesizes what it builds', () => {
    // An example that builds a construct but does not synthesize would check nothing.
    const builds = /\bnew (ModelServingApp|TfServingApp|ArgoCdApplication|[A-Z]\w*Chart)\b/.test(example.code);
    expect(objects.length > 0).toBe(builds);
  });

  test('its objects are valid for every supported Kubernetes version and pass check --strict --complete', () => {
    expectValidForKubernetes(objects);
    expect(activeFindings(objects).filter(f => f.severity !== 'info')).toEqual([]);
  });
});

describe('the five production deployments', () => {
  test('a GKE API reads its MLflow password from a Secret, behind a GCE Ingress; the Secret must exist first', () => {
    const objects = runExample(byHeading('A GKE API with an MLflow password in a Secret, behind a GCE Ingress'));
    const server = serverContainer(findObject(objects, 'Deployment', 'purchase-predict'));
    expect(server.env).toContainEqual({ name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: { secretKeyRef: { name: 'mlflow-credentials', key: 'password' } } });
    expect(server.readinessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
    const ingress = findObject(objects, 'Ingress', 'purchase-predict');
    expect(ingress.metadata.annotations['kubernetes.io/ingress.class']).toBe('gce');
    expect(ingress.metadata.namespace).toBe('api-purchase');
    expect(findObject(objects, 'Service', 'purchase-predict').spec.type).toBe('NodePort');
    expect(infoOf(objects)).toEqual(['wiring/secret-ref Deployment/purchase-predict']);
  });

  test('a FastAPI app carries its tuned probe timings', () => {
    const objects = runExample(byHeading('A FastAPI app with tuned probes'));
    const server = serverContainer(findObject(objects, 'Deployment', 'jokemeter'));
    expect(server.startupProbe).toEqual({ httpGet: { path: '/api/v1/startup', port: 'http' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 45 });
    expect(server.readinessProbe).toEqual({
      httpGet: { path: '/api/v1/ready', port: 'http' }, initialDelaySeconds: 1, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 2,
    });
    expect(server.livenessProbe).toEqual({
      httpGet: { path: '/api/v1/health', port: 'http' }, initialDelaySeconds: 1, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 2,
    });
    expect(infoOf(objects)).toEqual([]);
  });

  test('TF Serving reads its gs:// bucket as the Workload Identity ServiceAccount it creates', () => {
    const objects = runExample(byHeading('TF Serving reading a `gs://` bucket through GKE Workload Identity'));
    const account = findObject(objects, 'ServiceAccount', 'resnet');
    expect(account.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'models-reader@acme.iam.gserviceaccount.com' });
    expect(account.metadata.namespace).toBe('ml');
    const pod = findObject(objects, 'Deployment', 'resnet').spec.template.spec;
    expect(pod.serviceAccountName).toBe('resnet');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(findObject(objects, 'ConfigMap', 'resnet-config').data).toMatchObject({ MODEL_NAME: 'resnet', MODEL_BASE_PATH: 'gs://acme-models/prod' });
    expect(pod.volumes.map((v: KubeObject) => v.name)).not.toContain('model');
    expect(infoOf(objects)).toEqual([]);
  });

  test('a BentoML service gets one GPU on the GPU node pool it tolerates, with a writable BENTOML_HOME', () => {
    const objects = runExample(byHeading('A BentoML service on a GPU node pool'));
    const pod = findObject(objects, 'Deployment', 'celestial-bodies-classifier').spec.template.spec;
    const server = pod.containers[0];
    expect(server.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(server.resources.requests['nvidia.com/gpu']).toBe('1');
    expect(pod.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(server.env).toContainEqual({ name: 'BENTOML_HOME', value: '/var/lib/bentoml' });
    const home = server.volumeMounts.find((m: KubeObject) => m.mountPath === '/var/lib/bentoml');
    expect(pod.volumes.find((v: KubeObject) => v.name === home.name)).toEqual({ name: home.name, emptyDir: {} });
    expect(server.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(infoOf(objects)).toEqual([]);
  });

  test('a sidecar exporter runs with the server\'s security context and its own resources, scraped on its port', () => {
    const objects = runExample(byHeading('A model server with a sidecar metrics exporter'));
    const [server, exporter] = containers(findObject(objects, 'Deployment', 'recommender'));
    expect(exporter).toMatchObject({ name: 'statsd-exporter', image: 'prom/statsd-exporter:v0.28.0', ports: [{ name: 'metrics', containerPort: 9102, protocol: 'TCP' }] });
    expect(exporter.securityContext).toEqual(server.securityContext);
    expect(exporter.resources).toEqual({ requests: { cpu: '20m', memory: '32Mi' }, limits: { memory: '64Mi' } });
    expect(server.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    expect(findObject(objects, 'Service', 'recommender').spec.ports.map((p: KubeObject) => `${p.name}:${p.port}->${p.targetPort}`))
      .toEqual(['http:80->http', 'metrics:9102->metrics']);
    const monitor = findObject(objects, 'ServiceMonitor', 'recommender');
    expect(monitor.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '30s' }]);
    expect(infoOf(objects)).toEqual([]);
  });
});
