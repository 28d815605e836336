import { checkObjects } from '../../constructs/check/check';
import { imageTag } from '../../constructs/check/policy';
import { container, deployment, Obj, pod, podSpec } from './objects';

function policy(...objects: Obj[]): [string, string][] {
  return checkObjects(objects).filter(f => f.severity === 'warning').map(f => [f.ruleId, f.path]);
}

test('a compliant pod has no policy findings', () => {
  expect(policy(pod())).toEqual([]);
});

describe('pod-level or container-level settings', () => {
  test('a pod-level runAsNonRoot and seccomp profile cover every container', () => {
    expect(policy(pod(podSpec({}, [container(), container({ name: 'b', ports: [] })])))).toEqual([]);
  });

  test('each container may set them itself instead', () => {
    const sc = { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/api.json' } };
    const c = container({ securityContext: { ...container().securityContext, ...sc } });
    expect(policy(pod(podSpec({ securityContext: {} }, [c])))).toEqual([]);
  });

  test('a container that overrides the pod is reported at the container', () => {
    const c = container({ securityContext: { ...container().securityContext, seccompProfile: { type: 'Unconfined' } } });
    expect(policy(pod(podSpec({}, [c])))).toEqual([['pss-restricted/seccomp', 'spec.containers[0].securityContext.seccompProfile']]);
  });

  test('init containers need the restricted settings too, but no probes', () => {
    const init = container({ name: 'fetch', securityContext: undefined, readinessProbe: undefined, livenessProbe: undefined });
    expect(policy(pod(podSpec({ initContainers: [init] })))).toEqual([
      ['pss-restricted/privilege-escalation', 'spec.initContainers[0].securityContext.allowPrivilegeEscalation'],
      ['pss-restricted/capabilities', 'spec.initContainers[0].securityContext.capabilities.drop'],
    ]);
  });
});

test('NET_BIND_SERVICE is the one capability that may be added', () => {
  const c = container({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } });
  expect(policy(pod(podSpec({}, [c])))).toEqual([]);
});

test('safe sysctls are allowed', () => {
  const sc = { ...podSpec().securityContext, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] };
  expect(policy(pod(podSpec({ securityContext: sc })))).toEqual([]);
});

test('hostPath is reported once, as host-path, and other restricted types are allowed', () => {
  const volumes = [
    { name: 'a', hostPath: { path: '/models' } },
    { name: 'b', emptyDir: {} },
    { name: 'c', persistentVolumeClaim: { claimName: 'models' } },
    { name: 'd', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } } } },
  ];
  expect(policy(pod(podSpec({ volumes })))).toEqual([['pss-restricted/host-path', 'spec.volumes[0].hostPath']]);
});

test.each([
  ['ghcr.io/example/api:1.0.0', {}],
  ['ghcr.io/example/api@sha256:abc', {}],
  ['localhost:5000/api', [['image/pinned-tag', 'spec.containers[0].image']]],
  ['localhost:5000/api:latest', [['image/pinned-tag', 'spec.containers[0].image']]],
  ['api', [['image/pinned-tag', 'spec.containers[0].image']]],
])('image %s', (image, expected) => {
  expect(policy(pod(podSpec({}, [container({ image })])))).toEqual(Array.isArray(expected) ? expected : []);
});

test('image tags are parsed past a registry port', () => {
  expect(imageTag('localhost:5000/team/api:2.1')).toEqual({ tag: '2.1' });
  expect(imageTag('localhost:5000/team/api')).toEqual({});
  expect(imageTag('api:1@sha256:abc')).toEqual({ digest: 'sha256:abc' });
});

test('Jobs and CronJobs need no probes', () => {
  const spec = podSpec({ restartPolicy: 'Never' }, [container({ readinessProbe: undefined, livenessProbe: undefined })]);
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'score' }, spec: { template: { spec } } };
  const cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'score' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec } } } } };
  expect(policy(job, cron)).toEqual([]);
});

test('a ServiceAccount that does not automount its token satisfies the rule', () => {
  const spec = podSpec({ automountServiceAccountToken: undefined, serviceAccountName: 'api' });
  const account = (automount: boolean) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'api' }, automountServiceAccountToken: automount });
  expect(policy(deployment('api', spec), account(false))).toEqual([]);
  expect(policy(deployment('api', spec), account(true))).toEqual([['service-account/automount-token', 'spec.template.spec.automountServiceAccountToken']]);
  expect(policy(deployment('api', { ...spec, automountServiceAccountToken: true }), account(false)))
    .toEqual([['service-account/automount-token', 'spec.template.spec.automountServiceAccountToken']]);
});

test('a request set only through a limit counts', () => {
  const c = container({ resources: { limits: { cpu: '1', memory: '1Gi' } } });
  expect(policy(pod(podSpec({}, [c])))).toEqual([]);
});

test('allowed SELinux types, procMount Default and AppArmor runtime/default or localhost profiles pass', () => {
  const c = container({ securityContext: { ...container().securityContext, seLinuxOptions: { type: 'container_t', level: 's0:c1' }, procMount: 'Default' } });
  const annotations = { 'container.apparmor.security.beta.kubernetes.io/api': 'localhost/k8s-api' };
  expect(policy(deployment('api', podSpec({}, [c])), pod(podSpec(), { annotations: { ...annotations, other: 'x' } }))).toEqual([]);
});

test('AppArmor annotations are read from the pod template of a workload', () => {
  const d = deployment('api', podSpec(), { templateMetadata: { annotations: { 'container.apparmor.security.beta.kubernetes.io/api': 'unconfined' } } });
  expect(policy(d)).toEqual([['pss-restricted/apparmor', 'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/api"]']]);
});
