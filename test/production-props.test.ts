// The props a production pod needs: env from Secrets and the downward API, mounts, service accounts, GPUs,
// placement, sidecars and init containers, merged metadata and safe rollouts.
import { k8s } from 'cdk8s-plus-28';

import {
  EnvValue, InvalidPropsError, ModelServingApp, Mount, TfServingApp, WhenUnsatisfiable,
} from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { errorOf, expectValidForKubernetes, findObject, kinds, serverContainer, synth, testChart } from './util';

const IMAGE = 'ghcr.io/acme/bento:1.4.2';
const EXPORTER = 'quay.io/prometheus/statsd-exporter:v0.26.1';

/** A BentoML service on a GPU node pool with a metrics sidecar and a model fetched by an init container. */
function everything(chart: ReturnType<typeof testChart>): ModelServingApp {
  new k8s.KubeConfigMap(chart, 'settings', { metadata: { name: 'bento-settings' }, data: { LOG_LEVEL: 'info' } });
  const shared = Mount.emptyDir({ sizeLimit: '5Gi' });
  return new ModelServingApp(chart, 'bento', {
    image: IMAGE,
    port: 3000,
    autoscaling: { minReplicas: 2, maxReplicas: 6 },
    command: ['bentoml'],
    args: ['serve', '--port', '3000'],
    env: {
      MLFLOW_TRACKING_PASSWORD: EnvValue.fromSecret('mlflow', 'password'),
      LOG_LEVEL: EnvValue.fromConfigMap('bento-settings', 'LOG_LEVEL'),
      POD_IP: EnvValue.fromField('status.podIP'),
      MODE: 'production',
    },
    envFromSecrets: ['bento-secrets'],
    envFromConfigMaps: ['bento-settings'],
    mounts: {
      '/etc/tls': Mount.secret('bento-tls'),
      '/config': Mount.configMap('bento-settings'),
      '/data': Mount.claim('bento-data', { readOnly: true }),
      '/dev/shm': Mount.memory('1Gi'),
      '/models': shared,
    },
    probes: {
      startup: { path: '/livez', failureThreshold: 120 },
      readiness: { path: '/readyz', initialDelaySeconds: 1, periodSeconds: 5, failureThreshold: 2, successThreshold: 2 },
      liveness: { initialDelaySeconds: 1, timeoutSeconds: 5 },
    },
    resources: {
      cpu: { request: '2' },
      memory: { request: '8Gi', limit: '8Gi' },
      gpu: { count: 1 },
      ephemeralStorage: { request: '1Gi', limit: '4Gi' },
    },
    serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': 'bento@proj.iam.gserviceaccount.com' }, labels: { team: 'ml' } },
    imagePullSecrets: ['registry'],
    nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
    tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'cloud.google.com/gke-spot', operator: 'DoesNotExist' }] }],
        },
      },
    },
    priorityClassName: 'serving',
    topologySpread: { topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: WhenUnsatisfiable.DO_NOT_SCHEDULE },
    podLabels: { team: 'ml' },
    podAnnotations: { 'prometheus.io/scrape': 'true' },
    annotations: { 'owner.example.com/team': 'ml' },
    minReadySeconds: 10,
    progressDeadlineSeconds: 300,
    changeCause: 'bento 1.4.2: retrained on November data',
    initContainers: [{
      name: 'fetch-model',
      image: 'gcr.io/google.com/cloudsdktool/google-cloud-cli:475.0.0-slim',
      command: ['gcloud', 'storage', 'cp', '-r', 'gs://models/bento', '/models'],
      mounts: { '/models': shared },
    }],
    sidecars: [{
      name: 'exporter',
      image: EXPORTER,
      args: ['--statsd.listen-udp=:9125'],
      ports: [{ name: 'metrics', containerPort: 9102 }],
      env: { NODE: EnvValue.fromField('spec.nodeName') },
      mounts: { '/models': shared },
    }],
  });
}

describe('a ModelServingApp with every production prop', () => {
  const objects = synth(everything);
  const deployment = findObject(objects, 'Deployment');
  const pod = deployment.spec.template.spec;
  const server = serverContainer(deployment);
  const [exporter] = pod.containers.slice(1);
  const [fetch] = pod.initContainers;

  test('emits valid objects that pass check --strict', () => {
    expect(kinds(objects)).toEqual(['ConfigMap', 'ServiceAccount', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true })).toEqual([]);
    expect(objects.filter(o => o.kind !== 'ConfigMap')).toMatchSnapshot();
  });

  test('env values come from Secrets, ConfigMaps and the downward API, or are plain strings', () => {
    expect(server.env).toEqual([
      { name: 'MLFLOW_TRACKING_PASSWORD', valueFrom: { secretKeyRef: { name: 'mlflow', key: 'password' } } },
      { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'bento-settings', key: 'LOG_LEVEL' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'MODE', value: 'production' },
    ]);
    expect(server.envFrom).toEqual([{ configMapRef: { name: 'bento-settings' } }, { secretRef: { name: 'bento-secrets' } }]);
  });

  test('mounts get one volume each, read-only for Secrets, ConfigMaps and read-only claims', () => {
    expect(pod.volumes).toEqual([
      { name: 'etc-tls', secret: { secretName: 'bento-tls' } },
      { name: 'config', configMap: { name: 'bento-settings' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'bento-data', readOnly: true } },
      { name: 'dev-shm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
      { name: 'models', emptyDir: { sizeLimit: '5Gi' } },
      { name: 'tmp', emptyDir: {} },
    ]);
    expect(server.volumeMounts).toEqual([
      { name: 'etc-tls', mountPath: '/etc/tls', readOnly: true },
      { name: 'config', mountPath: '/config', readOnly: true },
      { name: 'data', mountPath: '/data', readOnly: true },
      { name: 'dev-shm', mountPath: '/dev/shm' },
      { name: 'models', mountPath: '/models' },
      { name: 'tmp', mountPath: '/tmp' },
    ]);
  });

  test('one Mount given to several containers is one shared volume', () => {
    expect(fetch.volumeMounts).toContainEqual({ name: 'models', mountPath: '/models' });
    expect(exporter.volumeMounts).toContainEqual({ name: 'models', mountPath: '/models' });
  });

  test('probes carry their timings; no path means a TCP check', () => {
    expect(server.readinessProbe).toEqual({
      httpGet: { path: '/readyz', port: 'http' }, initialDelaySeconds: 1, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2, successThreshold: 2,
    });
    expect(server.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 1, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
    expect(server.startupProbe).toEqual({ httpGet: { path: '/livez', port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 120 });
  });

  test('the server runs the given command and arguments', () => {
    expect(server.command).toEqual(['bentoml']);
    expect(server.args).toEqual(['serve', '--port', '3000']);
  });

  test('a GPU goes in limits and requests alike, with ephemeral storage', () => {
    expect(server.resources).toEqual({
      requests: { 'cpu': '2', 'memory': '8Gi', 'ephemeral-storage': '1Gi', 'nvidia.com/gpu': '1' },
      limits: { 'memory': '8Gi', 'ephemeral-storage': '4Gi', 'nvidia.com/gpu': '1' },
    });
  });

  test('the ServiceAccount is created for the pods, without an API token', () => {
    const account = findObject(objects, 'ServiceAccount', 'bento');
    expect(account.metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'bento@proj.iam.gserviceaccount.com' });
    expect(account.metadata.labels).toMatchObject({ 'team': 'ml', 'app.kubernetes.io/name': 'bento' });
    expect(account.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('bento');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  test('placement props reach the pod in Kubernetes shapes', () => {
    expect(pod.imagePullSecrets).toEqual([{ name: 'registry' }]);
    expect(pod.nodeSelector).toEqual({ 'cloud.google.com/gke-accelerator': 'nvidia-l4' });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toHaveLength(1);
    expect(pod.priorityClassName).toBe('serving');
    expect(pod.topologySpreadConstraints).toEqual([{
      maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: deployment.spec.selector.matchLabels }, matchLabelKeys: ['pod-template-hash'],
    }]);
  });

  test('user labels and annotations are merged with the construct\'s own', () => {
    expect(deployment.spec.template.metadata.labels).toMatchObject({ 'team': 'ml', 'app.kubernetes.io/name': 'bento' });
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
    expect(deployment.metadata.annotations).toEqual({
      'owner.example.com/team': 'ml', 'kubernetes.io/change-cause': 'bento 1.4.2: retrained on November data',
    });
    expect(deployment.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'bento', 'app.kubernetes.io/instance': 'bento' });
  });

  test('rollouts wait for pods to stay ready and report a stuck rollout', () => {
    expect(deployment.spec.minReadySeconds).toBe(10);
    expect(deployment.spec.progressDeadlineSeconds).toBe(300);
  });

  test('sidecars and init containers are hardened like the server and get default resources', () => {
    for (const c of [exporter, fetch]) {
      expect(c.securityContext).toEqual(server.securityContext);
      expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } });
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
    expect(exporter.readinessProbe.tcpSocket).toEqual({ port: 'metrics' });
    expect(exporter.livenessProbe.tcpSocket).toEqual({ port: 'metrics' });
    expect(fetch.readinessProbe).toBeUndefined();
    expect(fetch.command[0]).toBe('gcloud');
  });

  test('with sidecars, the autoscaler measures the server container only', () => {
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec.metrics).toEqual([
      { type: 'ContainerResource', containerResource: { name: 'cpu', container: 'bento', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
  });
});

describe('smaller variants', () => {
  test('an existing ServiceAccount is named, none is created', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, serviceAccountName: 'models-reader' }));
    expect(kinds(objects)).toEqual(['Deployment', 'Service']);
    expect(findObject(objects, 'Deployment').spec.template.spec.serviceAccountName).toBe('models-reader');
  });

  test('mounting the API token is an opt-in recorded with its reason', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'm', {
      image: IMAGE, serviceAccount: {}, automountServiceAccountToken: { reason: 'lists ConfigMaps to find model versions' },
    }));
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.template.spec.automountServiceAccountToken).toBe(true);
    expect(findObject(objects, 'ServiceAccount').automountServiceAccountToken).toBe(true);
    expect(deployment.metadata.annotations['model-serving.cdk8s.io/waive.service-account.automount-token'])
      .toBe('lists ConfigMaps to find model versions');
    expect(checkObjects(objects, { strict: true }).filter(f => f.waived === undefined)).toEqual([]);
  });

  test('a GPU of another vendor names its device plugin resource', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, resources: { gpu: { count: 2, resource: 'amd.com/gpu' } } }));
    const resources = serverContainer(findObject(objects, 'Deployment')).resources;
    expect(resources.limits['amd.com/gpu']).toBe('2');
    expect(resources.requests['amd.com/gpu']).toBe('2');
  });

  test('topologySpread: false turns the spread off, true keeps it for one replica', () => {
    const spread = (topologySpread: boolean, replicas: number) => findObject(synth(chart => new ModelServingApp(chart, 'm', {
      image: IMAGE, replicas, topologySpread,
    })), 'Deployment').spec.template.spec.topologySpreadConstraints;
    expect(spread(false, 3)).toBeUndefined();
    expect(spread(true, 1)).toHaveLength(1);
  });

  test('a sidecar without ports is not probed, and the Deployment says why', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'm', {
      image: IMAGE, autoscaling: { maxReplicas: 3 }, sidecars: [{ name: 'logs', image: 'fluent/fluent-bit:3.0.4' }],
    }));
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.template.spec.containers[1].livenessProbe).toBeUndefined();
    expect(deployment.metadata.annotations['model-serving.cdk8s.io/waive.probes.readiness']).toBe("sidecar 'logs' listens on no port, so there is nothing to probe");
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true }).filter(f => f.waived === undefined)).toEqual([]);
  });

  test('TfServingApp takes the same props: a gs:// model read through Workload Identity, extra flags after its own', () => {
    const objects = synth(chart => new TfServingApp(chart, 'resnet', {
      modelName: 'resnet',
      modelSource: undefined,
      serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': 'tf@proj.iam.gserviceaccount.com' } },
      args: ['--rest_api_timeout_in_ms=30000'],
      env: { GOOGLE_CLOUD_PROJECT: 'proj', POD_NAME: EnvValue.fromField('metadata.name') },
      probes: { liveness: { initialDelaySeconds: 5 } },
      podLabels: { team: 'vision' },
    }));
    const deployment = findObject(objects, 'Deployment');
    const container = serverContainer(deployment);
    expect(kinds(objects)).toEqual(['ConfigMap', 'ServiceAccount', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expect(container.args).toEqual(['--rest_api_timeout_in_ms=30000']);
    expect(container.command).toBeUndefined();
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v1/models/resnet', port: 'http' });
    expect(container.livenessProbe.initialDelaySeconds).toBe(5);
    expect(deployment.spec.template.metadata.labels.team).toBe('vision');
    expect(deployment.spec.template.metadata.annotations['model-serving.cdk8s.io/config-hash']).toMatch(/^[0-9a-f]{16}$/);
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true })).toEqual([]);
  });
});

describe('refused production props', () => {
  const build = (props: object) => () => new ModelServingApp(testChart(), 'm', { image: IMAGE, ...props } as never);

  test.each([
    [{ env: { PASSWORD: EnvValue.fromSecret('Bad_Secret', 'password') } }, "env.PASSWORD 'Bad_Secret' must name a Secret: a DNS-1123 subdomain"],
    [{ env: { PASSWORD: EnvValue.fromSecret('db', 'pass word') } }, "env.PASSWORD key 'pass word' must be a Secret key: letters, digits, '-', '_' or '.'"],
    [{ env: { IP: EnvValue.fromField('status.ip') } }, "env.IP 'status.ip' is not a pod field the downward API offers"],
    [{ envFromSecrets: ['Bad'] }, "envFromSecrets[0] 'Bad' must be a DNS-1123 subdomain"],
    [{ mounts: { 'etc/tls': Mount.secret('tls') } }, "mounts path 'etc/tls' must be an absolute folder path starting with '/', other than '/'"],
    [{ mounts: { '/etc/tls': Mount.secret('TLS') } }, "mounts['/etc/tls'] 'TLS' must name a Secret: a DNS-1123 subdomain"],
    [{ mounts: { '/dev/shm': Mount.memory('1GB') } }, "mounts['/dev/shm'] sizeLimit '1GB' must be a Kubernetes quantity such as '1Gi'"],
    [{ mounts: { '/dev/shm': Mount.memory('1Gi') } },
      "mounts['/dev/shm'] Mount.memory('1Gi') is larger than resources.memory.limit '512Mi': its pages count against the memory limit, so filling it would OOM-kill the container"],
    [{ security: { writablePaths: ['/tmp', '/cache'] }, mounts: { '/cache': Mount.emptyDir() } },
      "security.writablePaths '/cache' is also in mounts: give it one volume, in mounts or here"],
    [{ resources: { gpu: { count: 0.5 } } }, 'resources.gpu.count 0.5 must be a whole number of devices, at least 1'],
    [{ resources: { gpu: { count: 1, resource: 'gpu' } } }, "resources.gpu.resource 'gpu' must be a device plugin's resource name such as 'nvidia.com/gpu'"],
    [{ resources: { ephemeralStorage: { request: '4Gi', limit: '1Gi' } } },
      "resources.ephemeralStorage.request '4Gi' must not exceed resources.ephemeralStorage.limit '1Gi'"],
    [{ probes: { readiness: { periodSeconds: 0 } } }, 'probes.readiness.periodSeconds 0 must be an integer of at least 1'],
    [{ probes: { liveness: { successThreshold: 2 } } }, 'probes.liveness.successThreshold 2 must be 1 for a liveness probe: the API server refuses any other value'],
    [{ probes: { startup: { successThreshold: 3 } } }, 'probes.startup.successThreshold 3 must be 1 for a startup probe: the API server refuses any other value'],
    [{ serviceAccountName: 'models', serviceAccount: {} },
      "serviceAccountName 'models' conflicts with serviceAccount, which creates the ServiceAccount 'm': give one of them"],
    [{ serviceAccount: { labels: { 'app.kubernetes.io/name': 'x' } } },
      "serviceAccount.labels key 'app.kubernetes.io/name' is set by the construct itself (to 'm') and must not be overwritten"],
    [{ automountServiceAccountToken: { reason: '' } }, "automountServiceAccountToken.reason '' must explain why the server calls the Kubernetes API"],
    [{ imagePullSecrets: ['Registry'] }, "imagePullSecrets[0] 'Registry' must be a DNS-1123 subdomain"],
    [{ nodeSelector: { 'pool': 'gpu nodes' } }, "nodeSelector.pool 'gpu nodes' must be a valid label value"],
    [{ tolerations: [{ key: 'gpu', operator: 'Exists', value: 'x' }] }, "tolerations[0].value 'x' must be left out with operator 'Exists'"],
    [{ tolerations: [{ key: 'gpu', operator: 'Is' }] }, "tolerations[0].operator 'Is' must be one of Exists, Equal"],
    [{ tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 60 }] },
      "tolerations[0].tolerationSeconds 60 needs effect 'NoExecute'"],
    [{ priorityClassName: 'High' }, "priorityClassName 'High' must be a DNS-1123 subdomain"],
    [{ topologySpread: { maxSkew: 0 } }, 'topologySpread.maxSkew 0 must be an integer of at least 1'],
    [{ topologySpread: { whenUnsatisfiable: 'Never' } }, "topologySpread.whenUnsatisfiable 'Never' must be one of ScheduleAnyway, DoNotSchedule"],
    [{ podLabels: { 'app.kubernetes.io/instance': 'other' } },
      "podLabels key 'app.kubernetes.io/instance' is set by the construct itself (to 'm') and must not be overwritten"],
    [{ annotations: { 'kubernetes.io/change-cause': 'x' }, changeCause: 'y' },
      "annotations key 'kubernetes.io/change-cause' is set by the construct itself (to 'y') and must not be overwritten"],
    [{ annotations: { 'bad key': 'x' } }, "annotations key 'bad key' must be a qualified name such as 'example.com/my-key'"],
    [{ minReadySeconds: -1 }, 'minReadySeconds -1 must be a non-negative integer'],
    [{ minReadySeconds: 60, progressDeadlineSeconds: 30 },
      'progressDeadlineSeconds 30 must be greater than minReadySeconds (60), or no rollout could ever complete'],
    [{ changeCause: ' ' }, "changeCause ' ' must not be empty: kubectl rollout history shows it"],
    [{ sidecars: [{ name: 'm', image: EXPORTER }] }, "sidecars[0].name 'm' is the name of another container of the pod"],
    [{ sidecars: [{ name: 'Exporter', image: EXPORTER }] }, "sidecars[0].name 'Exporter' must be a DNS-1123 label"],
    [{ sidecars: [{ name: 'exporter', image: 'statsd-exporter' }] }, "sidecars[0].image 'statsd-exporter' must carry a tag or a digest"],
    [{ sidecars: [{ name: 'exporter', image: EXPORTER, resources: { memory: { request: '64MB' } } }] },
      "sidecars[0].resources.memory.request '64MB' is not a Kubernetes quantity (e.g. '512Mi' or '1G')"],
    [{ sidecars: [{ name: 'exporter', image: EXPORTER, env: { '1X': 'y' } }] }, "sidecars[0].env name '1X' must consist of letters"],
    [{ sidecars: [{ name: 'exporter', image: EXPORTER, ports: [{ name: 'web', containerPort: 8080 }] }] },
      'sidecars[0].ports[0].containerPort 8080 is the number of another port of the pod'],
    [{ sidecars: [{ name: 'exporter', image: EXPORTER, ports: [{ name: 'http', containerPort: 9102 }] }] },
      "sidecars[0].ports[0].name 'http' is the name of another port of the pod"],
    [{ sidecars: [{ name: 'exporter', image: EXPORTER, ports: [{ name: 'prometheus-metrics', containerPort: 9102 }] }] },
      "sidecars[0].ports[0].name 'prometheus-metrics' must be an IANA service name"],
    [{ sidecars: [{ name: 'exporter', image: EXPORTER, probes: { readiness: '/ready' } }] },
      "sidecars[0].probes need sidecars[0].ports: a probe checks the sidecar's first port"],
    [{ initContainers: [{ name: 'fetch', image: EXPORTER, probes: { readiness: '/ready' } }] },
      'initContainers[0].probes {"readiness":"/ready"} must be left out: init containers run to completion and are not probed'],
  ])('%j is refused: %s', (props, message) => {
    expect(build(props)).toThrow(InvalidPropsError);
    expect(build(props)).toThrow(message);
  });

  test('the message names the construct and the prop', () => {
    expect(errorOf(build({ resources: { gpu: { count: 0 } } }))).toBe("ModelServingApp 'test/m': resources.gpu.count 0 must be a whole number of devices, at least 1");
  });
});
