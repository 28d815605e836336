import { checkObjects } from '../../constructs/check/check';
import { waiverAnnotation } from '../../constructs/kubernetes-rules';
import { container, Obj, pod, podSpec } from './objects';

function runtime(...objects: Obj[]): [string, string][] {
  return checkObjects(objects).filter(f => f.ruleId.startsWith('runtime/')).map(f => [f.ruleId, f.path]);
}

/** The runtime findings of objects, as [rule, severity, path]. */
function severities(...objects: Obj[]): [string, string, string][] {
  return checkObjects(objects).filter(f => f.ruleId.startsWith('runtime/')).map(f => [f.ruleId, f.severity, f.path]);
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

  test('is a warning, as many servers never write, and a waiver with a reason covers it', () => {
    const spec = readOnly([], []);
    expect(severities(pod(spec))).toEqual([['runtime/read-only-root-tmp', 'warning', 'spec.containers[0].securityContext.readOnlyRootFilesystem']]);
    const waived = pod(spec, { annotations: { [waiverAnnotation('runtime/read-only-root-tmp')]: 'the server keeps everything in memory' } });
    expect(checkObjects([waived], { strict: true }).map(f => [f.ruleId, f.waived])).toEqual([['runtime/read-only-root-tmp', 'the server keeps everything in memory']]);
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

  test('an undeclared number, on grpc and startup probes too, is a warning: the kubelet probes the number anyway', () => {
    const c = container({ startupProbe: { grpc: { port: 9000 } } });
    expect(severities(pod(podSpec({}, [c])))).toEqual([['runtime/probe-port', 'warning', 'spec.containers[0].startupProbe.grpc.port']]);
  });

  test('a number on a container that declares no ports is not judged', () => {
    const c = container({ ports: undefined, readinessProbe: { tcpSocket: { port: 8080 } }, livenessProbe: { httpGet: { path: '/', port: 8080 } } });
    expect(severities(pod(podSpec({}, [c])))).toEqual([]);
  });

  test('an undeclared name is an error: the kubelet cannot resolve it', () => {
    const c = container({ livenessProbe: { httpGet: { path: '/', port: 'health' } } });
    expect(severities(pod(podSpec({}, [c])))).toEqual([['runtime/probe-port', 'error', 'spec.containers[0].livenessProbe.httpGet.port']]);
  });

  test('a TCP or HTTP probe on a port declared only for UDP fails, by number or by name', () => {
    const ports = [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }];
    const byName = container({ ports, livenessProbe: { tcpSocket: { port: 'dns' } } });
    expect(severities(pod(podSpec({ securityContext: { ...podSpec().securityContext, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '53' }] } }, [byName]))))
      .toEqual([['runtime/probe-protocol', 'error', 'spec.containers[0].livenessProbe.tcpSocket.port']]);
    const byNumber = container({ ports: [{ name: 'http', containerPort: 8080 }, { name: 'stats', containerPort: 9125, protocol: 'UDP' }], readinessProbe: { httpGet: { path: '/', port: 9125 } } });
    expect(severities(pod(podSpec({}, [byNumber])))).toEqual([['runtime/probe-protocol', 'error', 'spec.containers[0].readinessProbe.httpGet.port']]);
  });

  test('a port declared for both TCP and UDP can be probed', () => {
    const c = container({ ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 8080, protocol: 'UDP' }], livenessProbe: { tcpSocket: { port: 8080 } } });
    expect(severities(pod(podSpec({}, [c])))).toEqual([]);
  });

  test('a name declared by another container does not count', () => {
    const probe = { httpGet: { path: '/', port: 'metrics' } };
    const sidecar = container({ name: 'metrics', ports: [{ name: 'metrics', containerPort: 9090 }], readinessProbe: probe, livenessProbe: probe });
    const c = container({ livenessProbe: { httpGet: { path: '/', port: 'metrics' } } });
    expect(runtime(pod(podSpec({}, [c, sidecar])))).toEqual([['runtime/probe-port', 'spec.containers[0].livenessProbe.httpGet.port']]);
  });
});

describe('environment variables', () => {
  test('one name set twice in a container is reported at the second', () => {
    const c = container({ env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'PORT', value: '8080' }, { name: 'LOG_LEVEL', value: 'debug' }] });
    expect(severities(pod(podSpec({}, [c])))).toEqual([['runtime/duplicate-env', 'error', 'spec.containers[0].env[2].name']]);
  });

  test('the same name in two containers is fine', () => {
    const a = container({ env: [{ name: 'LOG_LEVEL', value: 'info' }] });
    const b = container({ name: 'sidecar', ports: [{ name: 'admin', containerPort: 9000 }], env: [{ name: 'LOG_LEVEL', value: 'info' }],
      readinessProbe: { tcpSocket: { port: 'admin' } }, livenessProbe: { tcpSocket: { port: 'admin' } } });
    expect(severities(pod(podSpec({}, [a, b])))).toEqual([]);
  });
});
