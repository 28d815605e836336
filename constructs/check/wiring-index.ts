import { KubeObject, ManifestObject } from './findings';
import { matchesLabels, matchesLabelSelector, nameOf, namespaceOf, PodTemplate, podTemplateOf, stringMap } from './pods';
import { append, asRecord } from './util';

/**
 * An object with a pod template (or a Pod), in its namespace.
 */
export interface Workload {
  readonly item: ManifestObject;
  readonly template: PodTemplate;
  readonly namespace: string;
}

/**
 * Lookups built once per check, so that checking thousands of objects stays linear.
 */
export class WiringIndex {
  public readonly workloads: Workload[] = [];
  private readonly byLabel = new Map<string, Workload[]>();
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byName = new Map<string, ManifestObject>();
  private readonly workloadByName = new Map<string, Workload>();
  private readonly servicesByNamespace = new Map<string, ManifestObject[]>();

  public constructor(items: readonly ManifestObject[]) {
    for (const item of items) {
      const namespace = namespaceOf(item.object);
      const key = this.key(String(item.object.kind), namespace, nameOf(item.object));
      if (!this.byName.has(key)) {
        this.byName.set(key, item);
      }
      if (item.object.kind === 'Service') {
        append(this.servicesByNamespace, namespace, item);
      }
      const template = podTemplateOf(item.object) ?? customPodTemplate(item.object);
      if (!template) {
        continue;
      }
      const workload = { item, template, namespace };
      this.workloads.push(workload);
      if (!this.workloadByName.has(key)) {
        this.workloadByName.set(key, workload);
      }
      append(this.byNamespace, namespace, workload);
      for (const [k, v] of Object.entries(template.labels)) {
        append(this.byLabel, `${namespace}|${k}=${v}`, workload);
      }
    }
  }

  /** The object of this kind, namespace and name. */
  public find(kind: string, namespace: string, name: string): ManifestObject | undefined {
    return this.byName.get(this.key(kind, namespace, name));
  }

  /** The workload of this kind, namespace and name. */
  public findWorkload(kind: string, namespace: string, name: string): Workload | undefined {
    return this.workloadByName.get(this.key(kind, namespace, name));
  }

  /** The workloads of a namespace whose pod labels match an equality selector. */
  public selectedBy(selector: Record<string, string>, namespace: string): Workload[] {
    const [first] = Object.entries(selector);
    if (!first) {
      return [];
    }
    return this.withLabel(namespace, first[0], first[1]).filter(w => matchesLabels(selector, w.template.labels));
  }

  /** The workloads of a namespace with this pod label. */
  public withLabel(namespace: string, key: string, value: string): Workload[] {
    return this.byLabel.get(`${namespace}|${key}=${value}`) ?? [];
  }

  /** The Services of a namespace whose labels match a LabelSelector. */
  public servicesSelectedBy(selector: unknown, namespace: string): ManifestObject[] {
    return (this.servicesByNamespace.get(namespace) ?? []).filter(s => matchesLabelSelector(selector, stringMap(asRecord(s.object.metadata).labels)));
  }

  /** The namespaces that hold Services. */
  public serviceNamespaces(): string[] {
    return [...this.servicesByNamespace.keys()];
  }

  /** The workloads of a namespace. */
  public inNamespace(namespace: string): Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  private key(kind: string, namespace: string, name: string): string {
    return `${kind}|${namespace}|${name}`;
  }
}


/**
 * The pod template of a custom workload that keeps one at `spec.template`, as an Argo Rollout does, so that the
 * Services, budgets and autoscalers aimed at its pods find them.
 */
function customPodTemplate(obj: KubeObject): PodTemplate | undefined {
  const template = asRecord(asRecord(obj.spec).template);
  const spec = asRecord(template.spec);
  if (!String(obj.apiVersion).includes('/') || !Array.isArray(spec.containers)) {
    return undefined;
  }
  const meta = asRecord(template.metadata);
  return { spec, specPath: 'spec.template.spec', labels: stringMap(meta.labels), annotations: asRecord(meta.annotations) };
}
