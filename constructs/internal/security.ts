// Security defaults that pass the Pod Security Standards 'restricted' profile, and the explicit ways out of it.
import { k8s } from 'cdk8s-plus-28';

import { UNPRIVILEGED_PORT_SYSCTL, unprivilegedPortStartFor, waiverAnnotation } from '../kubernetes-rules';
import { ResolvedSecurity } from '../serving-spec';

export const DEFAULT_UID = 10001;
export const DEFAULT_WRITABLE_PATHS = ['/tmp'];

export function podSecurityContext(security: ResolvedSecurity, containerPorts: number[]): k8s.PodSecurityContext {
  const root = security.runAsRoot !== undefined;
  const portStart = containerPorts.length > 0 ? unprivilegedPortStartFor(containerPorts) : undefined;
  const sysctls = !root && portStart !== undefined ? [{ name: UNPRIVILEGED_PORT_SYSCTL, value: String(portStart) }] : undefined;
  return {
    runAsNonRoot: !root,
    runAsUser: security.runAsUser,
    runAsGroup: security.runAsGroup,
    fsGroup: security.runAsGroup,
    seccompProfile: { type: 'RuntimeDefault' },
    sysctls,
  };
}

/** The same for every container of the pod: the server, init containers and sidecars. */
export function containerSecurityContext(security: ResolvedSecurity): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    privileged: false,
    readOnlyRootFilesystem: security.readOnlyRootFilesystem,
  };
}

/** Waiver annotations, read by `cdk8s-model-serving check`, for the policy rules each opt-out breaks, with the user's reason. */
export function securityWaivers(security: ResolvedSecurity, automountToken: string | undefined): Record<string, string> {
  const waivers: Record<string, string> = {};
  if (security.runAsRoot) {
    waivers[waiverAnnotation('pss-restricted/run-as-non-root')] = security.runAsRoot;
    waivers[waiverAnnotation('pss-restricted/run-as-user')] = security.runAsRoot;
  }
  if (automountToken) {
    waivers[waiverAnnotation('service-account/automount-token')] = automountToken;
  }
  return waivers;
}
