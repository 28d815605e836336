import { SAFE_SYSCTLS } from '../kubernetes-rules';
import { Finding, ManifestObject } from './findings';
import { ContainerAt, containerName, containersOf, effectiveSecurity, PodTemplate } from './pods';
import { findingOf } from './rules';
import { asArray, asRecord, joinPath } from './util';

/** Volume types the Pod Security Standards 'restricted' profile allows. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret',
];

/**
 * Checks a pod template against the Pod Security Standards 'restricted' profile (which includes 'baseline').
 */
export function checkPodSecurity(item: ManifestObject, template: PodTemplate): Finding[] {
  const containers = containersOf(template);
  return [
    ...podOrContainers(item, template, containers, 'pss-restricted/run-as-non-root', 'runAsNonRoot', v => v === true,
      'must set securityContext.runAsNonRoot to true'),
    ...podOrContainers(item, template, containers, 'pss-restricted/seccomp', 'seccompProfile',
      v => ['RuntimeDefault', 'Localhost'].includes(String(asRecord(v).type)), 'must set securityContext.seccompProfile.type to RuntimeDefault (or Localhost)'),
    ...runAsUser(item, template, containers),
    ...hostNamespaces(item, template),
    ...volumes(item, template),
    ...sysctls(item, template),
    ...baselineContexts(item, template, containers),
    ...appArmor(item, template),
    ...containers.flatMap(c => containerSecurity(item, c)),
  ];
}

/**
 * A rule satisfied by a pod-level setting or by every container's own. Reported once at the pod when no container
 * sets it, otherwise once per container that breaks it.
 */
function podOrContainers(item: ManifestObject, template: PodTemplate, containers: readonly ContainerAt[], ruleId: string, field: string,
  ok: (value: unknown) => boolean, what: string): Finding[] {
  const failing = containers.filter(c => !ok(effectiveSecurity(template, c, field).value));
  if (failing.length === 0) {
    return [];
  }
  const setByContainer = (c: ContainerAt) => asRecord(c.container.securityContext)[field] !== undefined;
  if (!failing.some(setByContainer) && failing.length === containers.length) {
    return [findingOf(ruleId, item, `${template.specPath}.securityContext.${field}`, `the pod ${what}`)];
  }
  return failing.map(c => findingOf(ruleId, item, `${c.path}.securityContext.${field}`, `container "${containerName(c)}" ${what}`));
}

function runAsUser(item: ManifestObject, template: PodTemplate, containers: readonly ContainerAt[]): Finding[] {
  const findings: Finding[] = [];
  if (asRecord(template.spec.securityContext).runAsUser === 0) {
    findings.push(findingOf('pss-restricted/run-as-user', item, `${template.specPath}.securityContext.runAsUser`, 'the pod runs as root (runAsUser 0)'));
  }
  for (const c of containers) {
    if (asRecord(c.container.securityContext).runAsUser === 0) {
      findings.push(findingOf('pss-restricted/run-as-user', item, `${c.path}.securityContext.runAsUser`, `container "${containerName(c)}" runs as root (runAsUser 0)`));
    }
  }
  return findings;
}

function containerSecurity(item: ManifestObject, c: ContainerAt): Finding[] {
  const sc = asRecord(c.container.securityContext);
  const name = containerName(c);
  const findings: Finding[] = [];
  if (sc.allowPrivilegeEscalation !== false) {
    findings.push(findingOf('pss-restricted/privilege-escalation', item, `${c.path}.securityContext.allowPrivilegeEscalation`,
      `container "${name}" must set securityContext.allowPrivilegeEscalation to false`));
  }
  const caps = asRecord(sc.capabilities);
  if (!asArray(caps.drop).includes('ALL')) {
    findings.push(findingOf('pss-restricted/capabilities', item, `${c.path}.securityContext.capabilities.drop`,
      `container "${name}" must drop ALL capabilities (securityContext.capabilities.drop: [ALL])`));
  }
  const added = asArray(caps.add).filter(a => a !== 'NET_BIND_SERVICE');
  if (added.length > 0) {
    findings.push(findingOf('pss-restricted/capabilities', item, `${c.path}.securityContext.capabilities.add`,
      `container "${name}" adds ${added.map(String).join(', ')}; only NET_BIND_SERVICE may be added`));
  }
  if (sc.privileged === true) {
    findings.push(findingOf('pss-restricted/privileged', item, `${c.path}.securityContext.privileged`, `container "${name}" is privileged`));
  }
  asArray(c.container.ports).forEach((p, i) => {
    const hostPort = asRecord(p).hostPort;
    if (typeof hostPort === 'number' && hostPort !== 0) {
      findings.push(findingOf('pss-restricted/host-ports', item, `${c.path}.ports[${i}].hostPort`, `container "${name}" binds host port ${hostPort}`));
    }
  });
  return findings;
}

function hostNamespaces(item: ManifestObject, template: PodTemplate): Finding[] {
  return ['hostNetwork', 'hostPID', 'hostIPC']
    .filter(field => template.spec[field] === true)
    .map(field => findingOf('pss-restricted/host-namespaces', item, `${template.specPath}.${field}`, `the pod shares the host's namespaces (${field}: true)`));
}

function volumes(item: ManifestObject, template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  asArray(template.spec.volumes).forEach((v, i) => {
    const volume = asRecord(v);
    const path = `${template.specPath}.volumes[${i}]`;
    const types = Object.keys(volume).filter(k => k !== 'name');
    if (types.includes('hostPath')) {
      findings.push(findingOf('pss-restricted/host-path', item, `${path}.hostPath`,
        `volume "${String(volume.name)}" mounts a host path (${String(asRecord(volume.hostPath).path)}); use a PersistentVolumeClaim, or an image or init container that holds the files`));
      return;
    }
    for (const type of types.filter(t => !RESTRICTED_VOLUME_TYPES.includes(t))) {
      findings.push(findingOf('pss-restricted/volume-types', item, `${path}.${type}`,
        `volume "${String(volume.name)}" has type ${type}; the restricted profile allows ${RESTRICTED_VOLUME_TYPES.join(', ')}`));
    }
  });
  return findings;
}

/** SELinux types the Pod Security Standards allow. */
export const ALLOWED_SELINUX_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t'];

/**
 * The baseline rules on security contexts that pods and containers share: SELinux options, procMount, HostProcess.
 */
function baselineContexts(item: ManifestObject, template: PodTemplate, containers: readonly ContainerAt[]): Finding[] {
  const findings: Finding[] = [];
  const contexts = [
    { sc: asRecord(template.spec.securityContext), path: `${template.specPath}.securityContext`, who: 'the pod' },
    ...containers.map(c => ({ sc: asRecord(c.container.securityContext), path: `${c.path}.securityContext`, who: `container "${containerName(c)}"` })),
  ];
  for (const { sc, path, who } of contexts) {
    const selinux = asRecord(sc.seLinuxOptions);
    if (selinux.type !== undefined && !ALLOWED_SELINUX_TYPES.includes(String(selinux.type))) {
      findings.push(findingOf('pss-restricted/selinux', item, `${path}.seLinuxOptions.type`,
        `${who} sets SELinux type ${String(selinux.type)}; only ${ALLOWED_SELINUX_TYPES.filter(t => t).join(', ')} are allowed`));
    }
    for (const field of ['user', 'role']) {
      if (selinux[field] !== undefined && selinux[field] !== '') {
        findings.push(findingOf('pss-restricted/selinux', item, `${path}.seLinuxOptions.${field}`, `${who} sets a custom SELinux ${field}`));
      }
    }
    if (sc.procMount !== undefined && sc.procMount !== 'Default') {
      findings.push(findingOf('pss-restricted/proc-mount', item, `${path}.procMount`, `${who} unmasks /proc (procMount ${String(sc.procMount)})`));
    }
    if (asRecord(sc.windowsOptions).hostProcess === true) {
      findings.push(findingOf('pss-restricted/host-process', item, `${path}.windowsOptions.hostProcess`, `${who} runs as a Windows HostProcess container`));
    }
  }
  return findings;
}

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function appArmor(item: ManifestObject, template: PodTemplate): Finding[] {
  const annotationsPath = item.object.kind === 'Pod' ? 'metadata.annotations' : `${template.specPath.replace(/\.spec$/, '')}.metadata.annotations`;
  return Object.entries(template.annotations)
    .filter(([key, value]) => key.startsWith(APPARMOR_PREFIX) && !(value === 'runtime/default' || String(value).startsWith('localhost/')))
    .map(([key, value]) => findingOf('pss-restricted/apparmor', item, joinPath(annotationsPath, key),
      `AppArmor profile ${String(value)} for container "${key.slice(APPARMOR_PREFIX.length)}" is not allowed; use runtime/default or localhost/<profile>`));
}

function sysctls(item: ManifestObject, template: PodTemplate): Finding[] {
  const findings: Finding[] = [];
  asArray(asRecord(template.spec.securityContext).sysctls).forEach((s, i) => {
    const name = asRecord(s).name;
    if (typeof name === 'string' && !SAFE_SYSCTLS.includes(name)) {
      findings.push(findingOf('pss-restricted/sysctls', item, `${template.specPath}.securityContext.sysctls[${i}].name`,
        `sysctl ${name} is not one of the safe sysctls (${SAFE_SYSCTLS.join(', ')})`));
    }
  });
  return findings;
}
