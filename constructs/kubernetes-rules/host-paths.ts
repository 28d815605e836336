// Host folders a hostPath volume may never mount: the constructs refuse them, and no waiver covers them in the checker.
import * as posixPath from 'path/posix';

/**
 * Host folders a hostPath volume may never mount, waiver or not: the node's root, its configuration, the container
 * runtime and kubelet state, and the kernel's interfaces. A folder inside one of them, or one that holds one of them
 * (`/var` holds `/var/run`), is just as sensitive.
 */
export const SENSITIVE_HOST_FOLDERS: readonly string[] = [
  '/etc', '/var/run', '/run', '/proc', '/sys', '/dev', '/root', '/boot', '/var/lib/kubelet', '/var/lib/docker', '/var/log',
];

/** Parts of a host path that name a container runtime's socket or state, wherever they are. */
const SENSITIVE_HOST_PATH_PARTS: readonly string[] = ['docker.sock', 'containerd', 'crio.sock', 'cri-dockerd.sock'];

/**
 * Why a hostPath may never be mounted (`/var/run/docker.sock is the container runtime's socket`), or undefined when
 * it is not one of the sensitive host folders.
 */
export function sensitiveHostPath(hostPath: string): string | undefined {
  const normalized = posixPath.normalize(`/${hostPath}`).replace(/(.)\/+$/, '$1');
  if (normalized === '/') {
    return 'it is the root of the node';
  }
  const part = SENSITIVE_HOST_PATH_PARTS.find(p => normalized.includes(p));
  if (part) {
    return `it names the container runtime (${part})`;
  }
  const inside = SENSITIVE_HOST_FOLDERS.find(f => normalized === f || normalized.startsWith(`${f}/`));
  if (inside) {
    return `it is ${normalized === inside ? '' : 'inside '}the sensitive host folder ${inside}`;
  }
  const holds = SENSITIVE_HOST_FOLDERS.find(f => f.startsWith(`${normalized}/`));
  return holds ? `it holds the sensitive host folder ${holds}` : undefined;
}
