import { mayBindAsNonRoot, UNPRIVILEGED_PORT_SYSCTL } from '../kubernetes-rules';
import { Finding, ManifestObject, Severity } from './findings';
import { ContainerAt, containerName, containerPorts, containersOf, effectiveSecurity, PodTemplate, podTemplateOf } from './pods';
import { findingOf } from './rules';
import { asArray, asRecord } from './util';


/** Volume types that are always read-only, whatever the mount says. */
const READ_ONLY_VOLUME_TYPES = ['configMap', 'secret', 'downwardAPI', 'projected'];

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'];

/**
 * Checks for settings the API server accepts but on which the pod fails at run time: runAsNonRoot without a numeric
 * user, a non-root process on a port below 1024, a read-only root filesystem without a writable /tmp (a warning),
 * probes on ports the container does not declare or declares only for UDP, and an environment variable set twice.
 */
export function checkRuntime(item: ManifestObject): Finding[] {
  const template = podTemplateOf(item.object);
  if (!template) {
    return [];
  }
  return containersOf(template).flatMap(c => [
    ...runAsNonRootUid(item, template, c),
    ...privilegedPorts(item, template, c),
    ...readOnlyRootTmp(item, template, c),
    ...probePorts(item, c),
    ...duplicateEnv(item, c),
  ]);
}

function runAsNonRootUid(item: ManifestObject, template: PodTemplate, c: ContainerAt): Finding[] {
  const nonRoot = effectiveSecurity(template, c, 'runAsNonRoot');
  if (nonRoot.value !== true) {
    return [];
  }
  const uid = effectiveSecurity(template, c, 'runAsUser');
  if (uid.value === 0) {
    return [findingOf('runtime/run-as-non-root-uid', item, uid.path,
      `container "${containerName(c)}" has runAsNonRoot true and runAsUser 0: the kubelet refuses to start it`)];
  }
  if (typeof uid.value !== 'number') {
    return [findingOf('runtime/run-as-non-root-uid', item, nonRoot.path,
      `container "${containerName(c)}" has runAsNonRoot true but no numeric runAsUser: the kubelet cannot verify an image whose USER is a name ` +
      '(CreateContainerConfigError); set runAsUser (and runAsGroup) to a non-zero UID')];
  }
  return [];
}

function privilegedPorts(item: ManifestObject, template: PodTemplate, c: ContainerAt): Finding[] {
  const uid = effectiveSecurity(template, c, 'runAsUser').value;
  const nonRoot = typeof uid === 'number' ? uid !== 0 : effectiveSecurity(template, c, 'runAsNonRoot').value === true;
  if (!nonRoot) {
    return [];
  }
  const sysctl = asArray(asRecord(template.spec.securityContext).sysctls).map(asRecord).find(s => s.name === UNPRIVILEGED_PORT_SYSCTL);
  const start = sysctl ? Number(sysctl.value) : undefined;
  const addsBind = asArray(asRecord(asRecord(c.container.securityContext).capabilities).add).includes('NET_BIND_SERVICE');
  const findings: Finding[] = [];
  asArray(c.container.ports).forEach((p, i) => {
    const port = asRecord(p).containerPort;
    if (typeof port === 'number' && !mayBindAsNonRoot(port, start !== undefined && Number.isFinite(start) ? start : undefined)) {
      const capNote = addsBind ? ' Adding NET_BIND_SERVICE does not help: Kubernetes sets no ambient capabilities, so a non-root process never gets it.' : '';
      findings.push(findingOf('runtime/privileged-port', item, `${c.path}.ports[${i}].containerPort`,
        `container "${containerName(c)}" runs as non-root but listens on port ${port}, below 1024: binding fails with EACCES. ` +
        `Listen on a port from 1024 up, or set the pod sysctl ${UNPRIVILEGED_PORT_SYSCTL} to ${port} or less.${capNote}`));
    }
  });
  return findings;
}

function readOnlyRootTmp(item: ManifestObject, template: PodTemplate, c: ContainerAt): Finding[] {
  if (asRecord(c.container.securityContext).readOnlyRootFilesystem !== true) {
    return [];
  }
  const volumes = new Map(asArray(template.spec.volumes).map(asRecord).map(v => [String(v.name), v]));
  const writableTmp = asArray(c.container.volumeMounts).map(asRecord).some(m => {
    const mountPath = String(m.mountPath ?? '').replace(/\/+$/, '');
    const volume = volumes.get(String(m.name));
    return mountPath === '/tmp' && m.readOnly !== true && volume !== undefined && !READ_ONLY_VOLUME_TYPES.some(t => t in volume);
  });
  if (writableTmp) {
    return [];
  }
  return [findingOf('runtime/read-only-root-tmp', item, `${c.path}.securityContext.readOnlyRootFilesystem`,
    `container "${containerName(c)}" has a read-only root filesystem but no writable volume at /tmp: many servers and ML runtimes ` +
    'write temporary files there and crash; mount an emptyDir at /tmp, or waive this for a server that never writes')];
}

function probePorts(item: ManifestObject, c: ContainerAt): Finding[] {
  const { numbers, names } = containerPorts(c.container);
  const declared = asArray(c.container.ports).map(asRecord);
  const findings: Finding[] = [];
  for (const probe of PROBES) {
    const p = asRecord(c.container[probe]);
    for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
      const port = asRecord(p[handler]).port;
      const path = `${c.path}.${probe}.${handler}.port`;
      if (typeof port === 'number' && numbers.length > 0 && !numbers.includes(port)) {
        // A containerPort is informational: the kubelet probes the number whatever the container declares.
        findings.push(findingOf('runtime/probe-port', item, path,
          `${probe} of container "${containerName(c)}" checks port ${port}, which the container does not declare (containerPorts: ${numbers.join(', ')}); ` +
          `it passes only if the server listens on ${port}`, Severity.WARNING));
      } else if (typeof port === 'string' && !names.includes(port)) {
        findings.push(findingOf('runtime/probe-port', item, path,
          `${probe} of container "${containerName(c)}" checks port "${port}", which names no port of the container (names: ${names.map(n => `"${n}"`).join(', ') || 'none'})`));
      } else if (typeof port === 'number' || typeof port === 'string') {
        const matching = declared.filter(d => (typeof port === 'number' ? d.containerPort === port : d.name === port));
        const protocols = matching.map(d => (typeof d.protocol === 'string' ? d.protocol : 'TCP'));
        if (matching.length > 0 && !protocols.includes('TCP')) {
          findings.push(findingOf('runtime/probe-protocol', item, path,
            `${probe} of container "${containerName(c)}" checks port ${JSON.stringify(port)} over TCP, but the container declares it only for ${[...new Set(protocols)].join(', ')}: ` +
            'the probe fails. Probe a TCP port, or declare the port for TCP too'));
        }
      }
    }
  }
  return findings;
}

function duplicateEnv(item: ManifestObject, c: ContainerAt): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  asArray(c.container.env).forEach((e, i) => {
    const name = asRecord(e).name;
    if (typeof name !== 'string') {
      return;
    }
    if (seen.has(name)) {
      findings.push(findingOf('runtime/duplicate-env', item, `${c.path}.env[${i}].name`,
        `container "${containerName(c)}" sets environment variable ${name} twice: the last one wins, and kubectl apply may drop one of them; set it once`));
    }
    seen.add(name);
  });
  return findings;
}
