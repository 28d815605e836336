// A model in a folder of the node, for minikube and kind. The only place that knows the hostPath waiver.
import { sensitiveHostPath } from '../kubernetes-rules';
import { ModelSourceConfig, ModelSourceContext } from './context';
import { sourceProblem } from './problem';

const HOST_PATH_RULE = 'pss-restricted/host-path';
const HOST_PATH_REASON = 'ModelSource.fromHostPath: the model is a folder on the node, for minikube or kind only';

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

export class HostPathModelSource {
  constructor(private readonly path: string) {}

  public bind(context: ModelSourceContext): ModelSourceConfig {
    if (!(typeof this.path === 'string' && /^\/\S*$/.test(this.path))) {
      return { problems: [sourceProblem(context, 'hostPath', this.path, "must be an absolute path starting with '/'")] };
    }
    const path = normalizeHostPath(this.path);
    const sensitive = sensitiveHostPath(path);
    if (sensitive) {
      const shown = path === this.path ? '' : ` (${path})`;
      return { problems: [`${sourceProblem(context, 'hostPath', this.path, '').trimEnd()}${shown} must not be a sensitive host folder: ${sensitive}; `
        + 'copy the model to a folder of its own'] };
    }
    return {
      volumes: [{ name: context.volumeName, hostPath: { path, type: 'Directory' } }],
      // The binding scopes it to this source's volume, so the waiver covers no other hostPath of the pod.
      waivers: { [HOST_PATH_RULE]: HOST_PATH_REASON },
    };
  }
}
