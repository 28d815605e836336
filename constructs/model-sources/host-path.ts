// A model in a folder of the node, for minikube and kind. The only place that knows the hostPath waiver.
import { ModelSourceConfig, ModelSourceContext } from './context';
import { sourceProblem } from './problem';
import { volumeScopedReason } from './waiver-scope';

const HOST_PATH_RULE = 'pss-restricted/host-path';
const HOST_PATH_REASON = 'ModelSource.fromHostPath: the model is a folder on the node, for minikube or kind only';

/** Folders whose contents (or anything below them) give a pod the node: its configuration, kernel, runtime or other pods' secrets. */
const SENSITIVE_FOLDERS = ['/etc', '/proc', '/sys', '/root', '/var/run', '/run', '/dev', '/boot', '/var/lib/kubelet', '/var/lib/docker', '/var/log'];
/** Container runtime sockets and state, wherever they live. */
const SENSITIVE_NAMES = ['docker.sock', 'containerd', 'crio.sock', 'cri-dockerd.sock'];

/** `/etc/../etc//` is `/etc`: collapses repeated slashes, `.` and `..`, and drops a trailing slash. */
export function normalizeHostPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') {
      parts.pop();
    } else if (part !== '' && part !== '.') {
      parts.push(part);
    }
  }
  return `/${parts.join('/')}`;
}

/** The rule a host folder breaks, or undefined when it may hold a model. */
export function sensitiveHostPathRule(normalized: string): string | undefined {
  if (normalized === '/') {
    return "is the node's root folder";
  }
  const folder = SENSITIVE_FOLDERS.find(f => normalized === f || normalized.startsWith(`${f}/`));
  if (folder) {
    return `is in ${folder}, a system folder of the node`;
  }
  const name = SENSITIVE_NAMES.find(n => normalized.includes(n));
  if (name) {
    return `names the container runtime (${name}): mounting it gives the pod the node`;
  }
  const holds = SENSITIVE_FOLDERS.find(f => f.startsWith(`${normalized}/`));
  return holds ? `holds ${holds}, a system folder of the node` : undefined;
}

export class HostPathModelSource {
  constructor(private readonly path: string) {}

  public bind(context: ModelSourceContext): ModelSourceConfig {
    if (!(typeof this.path === 'string' && /^\/\S*$/.test(this.path))) {
      return { problems: [sourceProblem(context, 'hostPath', this.path, "must be an absolute path starting with '/'")] };
    }
    const path = normalizeHostPath(this.path);
    const sensitive = sensitiveHostPathRule(path);
    if (sensitive) {
      const shown = path === this.path ? '' : ` (${path})`;
      return { problems: [`${sourceProblem(context, 'hostPath', this.path, '').trimEnd()}${shown} ${sensitive}; copy the model to a folder of its own`] };
    }
    return {
      volumes: [{ name: context.volumeName, hostPath: { path, type: 'Directory' } }],
      // Scoped to the model's volume, so the waiver covers no other hostPath of the pod.
      waivers: { [HOST_PATH_RULE]: volumeScopedReason([context.volumeName], HOST_PATH_REASON) },
    };
  }
}
