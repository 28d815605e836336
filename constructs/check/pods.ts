import { KubeObject } from './findings';
import { asArray, asRecord, joinPath } from './util';

/** The namespace an object without one lands in. */
export const DEFAULT_NAMESPACE = 'default';

/**
 * The pod template of a workload (or the spec of a Pod), with the paths to report findings at.
 */
export interface PodTemplate {
  /** The pod spec. */
  readonly spec: Record<string, unknown>;
  /** The path of the pod spec in its object, such as `spec.template.spec`. */
  readonly specPath: string;
  /** The pod labels. */
  readonly labels: Record<string, string>;
  /** The pod annotations. */
  readonly annotations: Record<string, unknown>;
}

/**
 * A container of a pod spec, with its path.
 */
export interface ContainerAt {
  readonly container: Record<string, unknown>;
  readonly path: string;
  readonly init: boolean;
}

const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

/** Kinds whose `spec.selector` must match their own pod template labels. */
export const SELECTOR_WORKLOADS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'];

/**
 * The pod template of a Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job or CronJob.
 */
export function podTemplateOf(obj: KubeObject): PodTemplate | undefined {
  if (obj.kind === 'Pod') {
    const meta = asRecord(obj.metadata);
    return { spec: asRecord(obj.spec), specPath: 'spec', labels: stringMap(meta.labels), annotations: asRecord(meta.annotations) };
  }
  const keys = typeof obj.kind === 'string' ? TEMPLATE_PATHS[obj.kind] : undefined;
  if (!keys) {
    return undefined;
  }
  let template: unknown = obj;
  for (const key of keys) {
    template = asRecord(template)[key];
  }
  const t = asRecord(template);
  const meta = asRecord(t.metadata);
  return { spec: asRecord(t.spec), specPath: `${keys.join('.')}.spec`, labels: stringMap(meta.labels), annotations: asRecord(meta.annotations) };
}

/**
 * The init containers and containers of a pod spec.
 */
export function containersOf(template: PodTemplate): ContainerAt[] {
  const out: ContainerAt[] = [];
  for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
    asArray(template.spec[field]).forEach((c, i) => {
      out.push({ container: asRecord(c), path: joinPath(joinPath(template.specPath, field), i), init });
    });
  }
  return out;
}

/**
 * The name of a container, for messages.
 */
export function containerName(c: ContainerAt): string {
  return typeof c.container.name === 'string' ? c.container.name : '(unnamed)';
}

/**
 * The namespace of an object, `default` when it has none.
 */
export function namespaceOf(obj: KubeObject): string {
  const ns = asRecord(obj.metadata).namespace;
  return typeof ns === 'string' && ns !== '' ? ns : DEFAULT_NAMESPACE;
}

/**
 * The name of an object, or an empty string.
 */
export function nameOf(obj: KubeObject): string {
  const name = asRecord(obj.metadata).name;
  return typeof name === 'string' ? name : '';
}

/**
 * A map of strings, keeping only string values.
 */
export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asRecord(value))) {
    if (typeof v === 'string') {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Whether labels match an equality selector (a Service selector). An empty selector matches nothing here.
 */
export function matchesLabels(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * Whether labels match a LabelSelector (`matchLabels` and `matchExpressions`). An empty selector matches everything.
 */
export function matchesLabelSelector(selector: unknown, labels: Record<string, string>): boolean {
  const s = asRecord(selector);
  for (const [k, v] of Object.entries(stringMap(s.matchLabels))) {
    if (labels[k] !== v) {
      return false;
    }
  }
  for (const expression of asArray(s.matchExpressions)) {
    const e = asRecord(expression);
    const key = String(e.key);
    const values = asArray(e.values).map(String);
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * Whether a LabelSelector has any requirement at all.
 */
export function isEmptySelector(selector: unknown): boolean {
  const s = asRecord(selector);
  return Object.keys(asRecord(s.matchLabels)).length === 0 && asArray(s.matchExpressions).length === 0;
}

/**
 * The declared ports of a container: numbers and names.
 */
export function containerPorts(container: Record<string, unknown>): { numbers: number[]; names: string[] } {
  const ports = asArray(container.ports).map(asRecord);
  return {
    numbers: ports.map(p => p.containerPort).filter((p): p is number => typeof p === 'number'),
    names: ports.map(p => p.name).filter((n): n is string => typeof n === 'string'),
  };
}

/**
 * The effective value of a security context field for a container, and the field path it comes from: the
 * container's own setting, else the pod's (the path of the pod's field also when neither sets it).
 */
export function effectiveSecurity(template: PodTemplate, c: ContainerAt, field: string): { readonly value: unknown; readonly path: string } {
  const own = asRecord(c.container.securityContext)[field];
  if (own !== undefined && own !== null) {
    return { value: own, path: `${c.path}.securityContext.${field}` };
  }
  return { value: asRecord(template.spec.securityContext)[field], path: `${template.specPath}.securityContext.${field}` };
}

/**
 * Describes a selector for messages: `app=jokemeter,tier=api`.
 */
export function describeSelector(selector: Record<string, string>): string {
  return Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * Whether a container requests a resource, directly or through a limit (Kubernetes copies a limit into a missing request).
 */
export function requests(container: Record<string, unknown>, resource: string): boolean {
  const res = asRecord(container.resources);
  const has = (v: unknown) => v !== undefined && v !== null && v !== '';
  return has(asRecord(res.requests)[resource]) || has(asRecord(res.limits)[resource]);
}
