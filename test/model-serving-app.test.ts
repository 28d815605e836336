import { Testing } from 'cdk8s';
import { Node } from 'constructs';

import { IngressPathType, InvalidPropsError, ModelServingApp, ServiceType } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { errorOf, expectValidForKubernetes, findObject, kinds, serverContainer, synth, testChart } from './util';

const IMAGE = 'ghcr.io/acme/jokemeter:1.2.0';

describe('defaults', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'jokemeter', { image: IMAGE }));
  const deployment = findObject(objects, 'Deployment');
  const container = serverContainer(deployment);
  const pod = deployment.spec.template.spec;

  test('emit a Deployment and a Service named exactly after the construct id', () => {
    expect(kinds(objects)).toEqual(['Deployment', 'Service']);
    expect(objects.map(o => o.metadata.name)).toEqual(['jokemeter', 'jokemeter']);
    expect(objects).toMatchSnapshot();
  });

  test('are valid Kubernetes 1.28 objects', () => {
    expectValidForKubernetes(objects);
  });

  test('pass the manifest checker in strict mode', () => {
    expect(checkObjects(objects, { strict: true })).toEqual([]);
  });

  test('listen on 8080 behind a ClusterIP Service on port 80', () => {
    expect(container.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
    const service = findObject(objects, 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('select pods by name and instance labels, never a hash', () => {
    const selector = { 'app.kubernetes.io/name': 'jokemeter', 'app.kubernetes.io/instance': 'jokemeter' };
    expect(deployment.spec.selector.matchLabels).toEqual(selector);
    expect(findObject(objects, 'Service').spec.selector).toEqual(selector);
    expect(deployment.spec.template.metadata.labels).toEqual({
      ...selector,
      'app.kubernetes.io/version': '1.2.0',
      'app.kubernetes.io/component': 'model-server',
      'app.kubernetes.io/part-of': 'jokemeter',
      'app.kubernetes.io/managed-by': 'cdk8s-model-serving',
    });
  });

  test('run one replica', () => {
    expect(deployment.spec.replicas).toBe(1);
  });

  test('request cpu and memory and limit memory', () => {
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } });
  });

  test('probe readiness, liveness and startup over TCP on the server port', () => {
    expect(container.readinessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.livenessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container.startupProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 60 });
  });

  test('spread no pods and budget no disruptions for a single replica', () => {
    expect(pod.topologySpreadConstraints).toBeUndefined();
  });

  test('make the Deployment the default child', () => {
    const chart = testChart();
    const app = new ModelServingApp(chart, 'm', { image: IMAGE });
    expect(Node.of(app).defaultChild).toBe(app.deployment);
  });

  test("pass the 'restricted' Pod Security Standard", () => {
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true,
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });
});

describe('a fully configured app', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'api', {
    name: 'jokemeter',
    namespace: 'ml',
    image: IMAGE,
    port: 80,
    env: { LOG_LEVEL: 'info' },
    resources: { cpu: { request: '500m', limit: '1' }, memory: { request: '0.5G', limit: '1G' } },
    probes: { startup: '/api/v1/startup', readiness: '/api/v1/ready', liveness: '/api/v1/health' },
    service: { type: ServiceType.NODE_PORT, port: 8000, nodePort: 30080 },
    ingress: { host: 'jokemeter.ai', path: '/api/v1', pathType: IngressPathType.PREFIX, className: 'nginx', tlsSecretName: 'jokemeter-tls' },
    autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 60, memoryUtilization: 75 },
    rollingUpdate: { maxSurge: 1, maxUnavailable: '33%' },
    revisionHistoryLimit: 5,
  }));
  const deployment = findObject(objects, 'Deployment');
  const container = serverContainer(deployment);

  test('emits every object, valid for Kubernetes 1.28', () => {
    expect(kinds(objects)).toEqual(['Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expect(new Set(objects.map(o => o.metadata.name))).toEqual(new Set(['jokemeter']));
    expect(new Set(objects.map(o => o.metadata.namespace))).toEqual(new Set(['ml']));
    expectValidForKubernetes(objects);
    expect(objects).toMatchSnapshot();
  });

  test('emits quantities exactly as written', () => {
    expect(container.resources).toEqual({ requests: { cpu: '500m', memory: '0.5G' }, limits: { cpu: '1', memory: '1G' } });
  });

  test('lets a non-root server bind port 80 through the unprivileged port sysctl', () => {
    expect(deployment.spec.template.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]);
    expect(container.securityContext.capabilities).toEqual({ drop: ['ALL'] });
  });

  test('probes the given HTTP paths on the server port', () => {
    expect(container.startupProbe.httpGet).toEqual({ path: '/api/v1/startup', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/api/v1/ready', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/api/v1/health', port: 'http' });
  });

  test('leaves replicas to the autoscaler, which targets the Deployment', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = findObject(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'jokemeter' } });
    expect(hpa.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization])).toEqual([['cpu', 60], ['memory', 75]]);
  });

  test('routes the Ingress to the Service port, with TLS for the host', () => {
    const ingress = findObject(objects, 'Ingress');
    expect(ingress.spec.ingressClassName).toBe('nginx');
    expect(ingress.spec.tls).toEqual([{ hosts: ['jokemeter.ai'], secretName: 'jokemeter-tls' }]);
    expect(ingress.spec.rules[0].host).toBe('jokemeter.ai');
    expect(ingress.spec.rules[0].http.paths[0]).toEqual({
      path: '/api/v1', pathType: 'Prefix', backend: { service: { name: 'jokemeter', port: { number: 8000 } } },
    });
  });

  test('exposes the NodePort and rolls out as asked', () => {
    expect(findObject(objects, 'Service').spec.ports[0]).toMatchObject({ port: 8000, nodePort: 30080, targetPort: 'http' });
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '33%' } });
    expect(deployment.spec.revisionHistoryLimit).toBe(5);
  });

  test('keeps one pod at most down during voluntary disruptions', () => {
    const pdb = findObject(objects, 'PodDisruptionBudget');
    expect(pdb.spec).toEqual({
      maxUnavailable: 1, selector: { matchLabels: deployment.spec.selector.matchLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('spreads the pods softly across nodes, counting only one ReplicaSet', () => {
    expect(deployment.spec.template.spec.topologySpreadConstraints).toEqual([{
      maxSkew: 1,
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
      matchLabelKeys: ['pod-template-hash'],
    }]);
  });
});

test('the autoscaler targets 80% CPU when no target is given', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, autoscaling: { maxReplicas: 3 } }));
  expect(findObject(objects, 'HorizontalPodAutoscaler').spec.metrics).toEqual([
    { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
  ]);
});

test('a lone limit is also the request, as in Kubernetes', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, resources: { memory: { limit: '128Mi' }, cpu: { limit: '2' } } }));
  expect(serverContainer(findObject(objects, 'Deployment')).resources).toEqual({
    requests: { cpu: '2', memory: '128Mi' }, limits: { cpu: '2', memory: '128Mi' },
  });
});

test('a memory request above the default limit raises the limit to the request', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, resources: { memory: { request: '2Gi' } } }));
  expect(serverContainer(findObject(objects, 'Deployment')).resources.limits).toEqual({ memory: '2Gi' });
});

test('running as root is an explicit opt-in recorded with its reason', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'legacy', {
    image: IMAGE, security: { runAsRoot: { reason: 'vendor image writes to /root' }, readOnlyRootFilesystem: false },
  }));
  const deployment = findObject(objects, 'Deployment');
  expect(deployment.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: false, runAsUser: 0 });
  expect(deployment.metadata.annotations).toEqual({
    'model-serving.cdk8s.io/waive.pss-restricted.run-as-non-root': 'vendor image writes to /root',
    'model-serving.cdk8s.io/waive.pss-restricted.run-as-user': 'vendor image writes to /root',
  });
  expect(serverContainer(deployment).securityContext.readOnlyRootFilesystem).toBe(false);
  const findings = checkObjects(objects);
  expect(findings.length).toBeGreaterThan(0);
  expect(findings.filter(f => f.waived === undefined && f.ruleId.startsWith('pss-restricted/'))).toEqual([]);
});

test('a writable root file system needs no /tmp volume', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, security: { readOnlyRootFilesystem: false, writablePaths: [] } }));
  const deployment = findObject(objects, 'Deployment');
  expect(deployment.spec.template.spec.volumes).toBeUndefined();
  expect(serverContainer(deployment).volumeMounts).toBeUndefined();
  expect(checkObjects(objects).filter(f => f.severity === 'error')).toEqual([]);
});

test('extra writable paths each get an emptyDir', () => {
  const objects = synth(chart => new ModelServingApp(chart, 'bento', { image: IMAGE, security: { writablePaths: ['/tmp', '/home/bentoml/.cache'] } }));
  const deployment = findObject(objects, 'Deployment');
  expect(serverContainer(deployment).volumeMounts).toEqual([
    { name: 'tmp', mountPath: '/tmp' }, { name: 'writable-1', mountPath: '/home/bentoml/.cache' },
  ]);
});

test('the raw objects are reachable as fields', () => {
  const chart = testChart();
  const app = new ModelServingApp(chart, 'm', { image: IMAGE, ingress: {}, autoscaling: { maxReplicas: 2 } });
  expect(app.deployment.name).toBe('m');
  expect(app.service.name).toBe('m');
  expect(app.ingress?.name).toBe('m');
  expect(app.autoscaler?.name).toBe('m');
});

describe('defaults never disagree with checks', () => {
  test('a nodePort without a type means a NodePort Service', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, service: { nodePort: 30080 } }));
    expect(findObject(objects, 'Service').spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: 30080, port: 80 }] });
  });

  test('writablePaths without /tmp still get /tmp while the root file system is read-only', () => {
    const app = new ModelServingApp(testChart(), 'm', { image: IMAGE, security: { writablePaths: ['/cache'] } });
    expect(app.spec.security.writablePaths).toEqual(['/tmp', '/cache']);
    expect(app.deployment.toJson().spec.template.spec.containers[0].volumeMounts).toEqual([
      { name: 'tmp', mountPath: '/tmp' }, { name: 'writable-1', mountPath: '/cache' },
    ]);
  });

  test('maxSurge may exceed 100%', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, rollingUpdate: { maxSurge: '200%', maxUnavailable: 0 } }));
    expect(findObject(objects, 'Deployment').spec.strategy.rollingUpdate).toEqual({ maxSurge: '200%', maxUnavailable: 0 });
  });

  test('the resolved spec is exposed with every default applied', () => {
    const app = new ModelServingApp(testChart(), 'm', { image: IMAGE, replicas: 3 });
    expect(app.spec.replicas).toBe(3);
    expect(app.spec.service).toEqual({ type: ServiceType.CLUSTER_IP, port: 80, annotations: {} });
    expect(app.spec.server.probes.readiness).toEqual({ periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    expect(app.spec.server.resources).toEqual({ cpu: { request: '100m' }, memory: { request: '256Mi', limit: '512Mi' } });
    expect(app.spec.disruptionBudget).toBe(true);
    expect(app.spec.topologySpread).toEqual({ topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' });
  });

  test('a changeCause becomes the kubernetes.io/change-cause annotation of the Deployment', () => {
    const objects = synth(chart => new ModelServingApp(chart, 'm', { image: IMAGE, changeCause: 'retrained on November data' }));
    expect(findObject(objects, 'Deployment').metadata.annotations).toEqual({ 'kubernetes.io/change-cause': 'retrained on November data' });
  });
});

describe('bad props', () => {
  const build = (props: object, id = 'jokemeter') => () =>
    new ModelServingApp(testChart(), id, { image: IMAGE, ...props } as never);

  test.each([
    [{ image: 'jokemeter' }, "image 'jokemeter' must carry a tag or a digest, e.g. 'repo/model:1.4.2'"],
    [{ image: 'jokemeter:latest' }, "image 'jokemeter:latest' must not use the floating tag 'latest'; pin a version or a digest"],
    [{ image: 'Jokemeter:1.0' }, "image 'Jokemeter:1.0' has a malformed repository name"],
    [{ image: undefined }, "image (unset) is required: a container image such as 'repo/model:1.4.2'"],
    [{ port: 70000 }, 'port 70000 must be an integer within 1-65535'],
    [{ service: { type: ServiceType.NODE_PORT, nodePort: 8080 } }, 'service.nodePort 8080 must be within 30000-32767'],
    [{ service: { type: ServiceType.CLUSTER_IP, nodePort: 30080 } }, 'service.nodePort 30080 needs service.type NodePort or LoadBalancer, not ClusterIP'],
    [{ replicas: 2, autoscaling: { maxReplicas: 3 } }, 'replicas 2 cannot be set together with autoscaling'],
    [{ replicas: -1 }, 'replicas -1 must be a non-negative integer'],
    [{ autoscaling: { minReplicas: 4, maxReplicas: 3 } }, 'autoscaling.maxReplicas 3 must be at least autoscaling.minReplicas (4)'],
    [{ autoscaling: { maxReplicas: 3, cpuUtilization: 0 } }, 'autoscaling.cpuUtilization 0 must be an integer percentage of the request, at least 1'],
    [{ resources: { memory: { request: '512MB' } } }, "resources.memory.request '512MB' is not a Kubernetes quantity (e.g. '512Mi' or '1G')"],
    [{ resources: { cpu: { request: '2', limit: '500m' } } }, "resources.cpu.request '2' must not exceed resources.cpu.limit '500m'"],
    [{ env: { '1BAD': 'x' } }, "env name '1BAD' must consist of letters, digits, '_', '-' or '.' and not start with a digit"],
    [{ ingress: { host: 'https://jokemeter.ai' } }, "ingress.host 'https://jokemeter.ai' must be a DNS name"],
    [{ ingress: { path: 'api' } }, "ingress.path 'api' must be an absolute HTTP path"],
    [{ ingress: { tlsSecretName: 'tls' } }, "ingress.tlsSecretName 'tls' needs ingress.host"],
    [{ probes: { readiness: 'ready' } }, "probes.readiness 'ready' must be an absolute HTTP path"],
    [{ rollingUpdate: { maxSurge: '1' } }, "rollingUpdate.maxSurge '1' must be a non-negative integer or a percentage such as '25%'"],
    [{ security: { runAsUser: 0 } }, 'security.runAsUser 0 is root; set security.runAsRoot with a reason to run as root'],
    [{ security: { writablePaths: ['/tmp', '/tmp'] } }, "security.writablePaths '/tmp' is listed twice: Kubernetes refuses two mounts at one path"],
    [{ security: { runAsRoot: { reason: ' ' } } }, "security.runAsRoot.reason ' ' must explain why the app needs root"],
    [{ security: { runAsRoot: { reason: 'vendor image' }, runAsUser: 1000 } },
      'security.runAsUser 1000 conflicts with security.runAsRoot, which runs as UID and GID 0: give one of them'],
    [{ security: { runAsRoot: { reason: 'vendor image' }, runAsGroup: 1000 } },
      'security.runAsGroup 1000 conflicts with security.runAsRoot, which runs as UID and GID 0: give one of them'],
    [{ rollingUpdate: { maxUnavailable: '150%' } }, "rollingUpdate.maxUnavailable '150%' must be at most 100%"],
    [{ name: 'Joke_Meter' }, "name 'Joke_Meter' must be a DNS-1035 label"],
    [{ name: 'a'.repeat(64) }, 'must be a DNS-1035 label (lowercase letters, digits and \'-\', starting with a letter, at most 63 characters)'],
  ])('%j is refused: %s', (props, message) => {
    expect(build(props)).toThrow(InvalidPropsError);
    expect(build(props)).toThrow(message);
  });

  test('name the construct path and the prop', () => {
    expect(errorOf(build({ service: { type: ServiceType.NODE_PORT, nodePort: 8080 } })))
      .toBe("ModelServingApp 'test/jokemeter': service.nodePort 8080 must be within 30000-32767");
  });

  test('are reported together', () => {
    expect(errorOf(build({ port: 0, image: 'x:latest', resources: { cpu: { request: 'lots' } } }))).toBe([
      "ModelServingApp 'test/jokemeter' has 3 invalid props:",
      "  - image 'x:latest' must not use the floating tag 'latest'; pin a version or a digest",
      "  - resources.cpu.request 'lots' is not a Kubernetes quantity (e.g. '500m' or '0.5')",
      '  - port 0 must be an integer within 1-65535',
    ].join('\n'));
  });

  test('missing props from a JavaScript caller name what is missing', () => {
    expect(() => new ModelServingApp(testChart(), 'm', undefined as never))
      .toThrow("ModelServingApp 'test/m': image (unset) is required: a container image such as 'repo/model:1.4.2'");
  });

  test('a bad writable path is reported once, under its own prop', () => {
    expect(errorOf(build({ security: { writablePaths: ['tmp'] } })))
      .toBe("ModelServingApp 'test/jokemeter': security.writablePaths 'tmp' must be an absolute folder path starting with '/', other than '/'");
  });

  test('a digest pins even a latest tag', () => {
    expect(build({ image: `r/m:latest@sha256:${'a'.repeat(64)}` })).not.toThrow();
  });

  test('two apps of one name in one namespace fail at synth', () => {
    const chart = testChart();
    new ModelServingApp(chart, 'a', { image: IMAGE, name: 'same' });
    new ModelServingApp(chart, 'b', { image: IMAGE, name: 'same' });
    new ModelServingApp(chart, 'c', { image: IMAGE, name: 'same', namespace: 'other' });
    expect(() => Testing.synth(chart)).toThrow(
      "ModelServingApp 'test/b': name 'same' is already used in namespace 'default' by ModelServingApp 'test/a'; names must be unique per namespace");
  });
});
