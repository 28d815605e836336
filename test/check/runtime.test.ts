import { checkObjects } from '../../constructs/check/check';
import { container, Obj, pod, podSpec } from './objects';

function runtime(...objects: Obj[]): [string, string][] {
  return checkObjects(objects).filter(f => f.ruleId.startsWith('runtime/')).map(f => [f.ruleId, f.path]);
}

const ROOT_POD = { automountServiceAccountToken: false, securityContext: { seccompProfile: { type: 'RuntimeDefault' } } };

describe('runAsNonRoot', () => {
  test('with a numeric user at pod or container level it can start', () => {
    expect(runtime(pod())).toEqual([]);
    const spec = podSpec({ securityContext: { runAsNonRoot: true } }, [container({ securityContext: { runAsUser: 1000 } })]);
    expect(runtime(pod(spec))).toEqual([]);
  });

  test('without a user it depends on the image USER, which may be a name', () => {
    expect(runtime(pod(podSpec({ securityContext: { runAsNonRoot: true } })))).toEqual([['runtime/run-as-non-root-uid', 'spec.securityContext.runAsNonRoot']]);
  });

  test('with user 0 it never starts, and the container setting wins', () => {
    const spec = podSpec({}, [container({ securityContext: { runAsUser: 0 } })]);
    expect(runtime(pod(spec))).toEqual([['runtime/run-as-non-root-uid', 'spec.containers[0].securityContext.runAsUser']]);
  });

  test('init containers are checked too', () => {
    const spec = podSpec({ securityContext: { runAsNonRoot: true }, initContainers: [container({ name: 'fetch', securityContext: { runAsUser: 1 } })] });
    expect(runtime(pod(spec)).map(([, p]) => p)).toEqual(['spec.securityContext.runAsNonRoot']);
  });
});

describe('ports below 1024', () => {
  const port80 = (securityContext: Obj = {}, pod: Obj = {}) =>
    podSpec(pod, [container({ ports: [{ name: 'http', containerPort: 80 }], securityContext: { allowPrivilegeEscalation: false, ...securityContext } })]);

  test('are fine for root', () => {
    expect(runtime(pod(port80({}, ROOT_POD)))).toEqual([]);
  });

  test('fail for a non-root user, known by runAsUser alone too', () => {
    expect(runtime(pod(port80()))).toEqual([['runtime/privileged-port', 'spec.containers[0].ports[0].containerPort']]);
    expect(runtime(pod(port80({ runAsUser: 101 }, ROOT_POD)))).toEqual([['runtime/privileged-port', 'spec.containers[0].ports[0].containerPort']]);
  });

  test('NET_BIND_SERVICE does not help a non-root process, and the message says so', () => {
    const [finding] = checkObjects([pod(port80({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }))]).filter(f => f.ruleId === 'runtime/privileged-port');
    expect(finding.message).toContain('Adding NET_BIND_SERVICE does not help: Kubernetes sets no ambient capabilities');
  });

  test('the unprivileged port sysctl at or below the port fixes it', () => {
    const sysctl = (value: string) => port80({}, {
      securityContext: {
        runAsNonRoot: true, runAsUser: 101, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value }],
      },
    });
    expect(runtime(pod(sysctl('80')))).toEqual([]);
    expect(runtime(pod(sysctl('0')))).toEqual([]);
    expect(runtime(pod(sysctl('81')))).toEqual([['runtime/privileged-port', 'spec.containers[0].ports[0].containerPort']]);
  });
});

describe('read-only root filesystem', () => {
  const readOnly = (mounts: Obj[], volumes: Obj[]) => podSpec({ volumes }, [container({
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
    volumeMounts: mounts,
  })]);

  test('an emptyDir or a claim at /tmp is writable', () => {
    expect(runtime(pod(readOnly([{ name: 'tmp', mountPath: '/tmp/' }], [{ name: 'tmp', emptyDir: { medium: 'Memory' } }])))).toEqual([]);
    expect(runtime(pod(readOnly([{ name: 'tmp', mountPath: '/tmp' }], [{ name: 'tmp', persistentVolumeClaim: { claimName: 'scratch' } }])))).toEqual([]);
  });

  test('a read-only mount, a mount elsewhere, or no mount leaves /tmp read-only', () => {
    const finding = [['runtime/read-only-root-tmp', 'spec.containers[0].securityContext.readOnlyRootFilesystem']];
    expect(runtime(pod(readOnly([{ name: 'tmp', mountPath: '/tmp', readOnly: true }], [{ name: 'tmp', emptyDir: {} }])))).toEqual(finding);
    expect(runtime(pod(readOnly([{ name: 'tmp', mountPath: '/scratch' }], [{ name: 'tmp', emptyDir: {} }])))).toEqual(finding);
    expect(runtime(pod(readOnly([], [])))).toEqual(finding);
  });
});

describe('probes', () => {
  test('numbers and names of declared ports pass', () => {
    const c = container({ readinessProbe: { tcpSocket: { port: 8080 } }, livenessProbe: { httpGet: { path: '/', port: 'http' } } });
    expect(runtime(pod(podSpec({}, [c])))).toEqual([]);
  });

  test('an undeclared number, on grpc and startup probes too, is reported', () => {
    const c = container({ startupProbe: { grpc: { port: 9000 } } });
    expect(runtime(pod(podSpec({}, [c])))).toEqual([['runtime/probe-port', 'spec.containers[0].startupProbe.grpc.port']]);
  });

  test('a name declared by another container does not count', () => {
    const probe = { httpGet: { path: '/', port: 'metrics' } };
    const sidecar = container({ name: 'metrics', ports: [{ name: 'metrics', containerPort: 9090 }], readinessProbe: probe, livenessProbe: probe });
    const c = container({ livenessProbe: { httpGet: { path: '/', port: 'metrics' } } });
    expect(runtime(pod(podSpec({}, [c, sidecar])))).toEqual([['runtime/probe-port', 'spec.containers[0].livenessProbe.httpGet.port']]);
  });
});
