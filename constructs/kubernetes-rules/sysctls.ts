// Sysctls: which ones a pod may set under the Pod Security Standards, and the one that opens low ports to non-root.

/** The sysctl that lets non-root processes bind ports from its value up. */
export const UNPRIVILEGED_PORT_SYSCTL = 'net.ipv4.ip_unprivileged_port_start';

/** Without that sysctl, only root may bind ports below this one. */
export const FIRST_UNPRIVILEGED_PORT = 1024;

/** Sysctls the Pod Security Standards allow for Kubernetes 1.28. */
export const SAFE_SYSCTLS: readonly string[] = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  UNPRIVILEGED_PORT_SYSCTL,
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
];

/**
 * The sysctl value a non-root pod needs to listen on all of `ports`, or undefined when none is below 1024.
 * Kubernetes grants no ambient capabilities, so NET_BIND_SERVICE would not help; this sysctl is namespaced and 'safe'.
 */
export function unprivilegedPortStartFor(ports: readonly number[]): number | undefined {
  const lowest = Math.min(...ports);
  return lowest < FIRST_UNPRIVILEGED_PORT ? lowest : undefined;
}

/** True when a non-root process may bind `port`, given the pod's sysctl value (undefined when unset). */
export function mayBindAsNonRoot(port: number, unprivilegedPortStart: number | undefined): boolean {
  return port >= (unprivilegedPortStart ?? FIRST_UNPRIVILEGED_PORT);
}
