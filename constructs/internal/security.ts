// Security defaults that pass the Pod Security Standards 'restricted' profile, and the explicit ways out of it.
import { k8s } from 'cdk8s-plus-28';

import { UNPRIVILEGED_PORT_SYSCTL, unprivilegedPortStartFor, waiverAnnotation } from '../kubernetes-rules';
import { SecurityProps } from '../serving-props';

export const DEFAULT_UID = 10001;
export const DEFAULT_WRITABLE_PATHS = ['/tmp'];

export function podSecurityContext(security: SecurityProps | undefined, containerPorts: number[]): k8s.PodSecurityContext {
  const root = security?.runAsRoot !== undefined;
  const uid = root ? 0 : (security?.runAsUser ?? DEFAULT_UID);
  const gid = root ? 0 : (security?.runAsGroup ?? DEFAULT_UID);
  const portStart = unprivilegedPortStartFor(containerPorts);
  const sysctls = !root && portStart !== undefined ? [{ name: UNPRIVILEGED_PORT_SYSCTL, value: String(portStart) }] : undefined;
  return {
    runAsNonRoot: !root,
    runAsUser: uid,
    runAsGroup: gid,
    fsGroup: gid,
    seccompProfile: { type: 'RuntimeDefault' },
    sysctls,
  };
}

export function containerSecurityContext(security: SecurityProps | undefined): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: security?.readOnlyRootFilesystem ?? true,
  };
}

/** An emptyDir per writable path, so a read-only root file system still has its scratch space. */
export function writableVolumes(security: SecurityProps | undefined): { volumes: k8s.Volume[]; mounts: k8s.VolumeMount[] } {
  const paths = security?.writablePaths ?? DEFAULT_WRITABLE_PATHS;
  const names = paths.map((path, i) => (path === '/tmp' ? 'tmp' : `writable-${i}`));
  return {
    volumes: names.map(name => ({ name, emptyDir: {} })),
    mounts: paths.map((mountPath, i) => ({ name: names[i], mountPath })),
  };
}

/** Waiver annotations, read by `cdk8s-model-serving check`, for the policy rules each opt-out breaks, with the user's reason. */
export function securityWaivers(security: SecurityProps | undefined): Record<string, string> {
  const waivers: Record<string, string> = {};
  const rootReason = security?.runAsRoot?.reason;
  if (rootReason) {
    waivers[waiverAnnotation('pss-restricted/run-as-non-root')] = rootReason;
    waivers[waiverAnnotation('pss-restricted/run-as-user')] = rootReason;
  }
  return waivers;
}
