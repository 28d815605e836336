import { describeObject, Finding, ManifestObject, objectRef } from './findings';
import {
  containerName, containerPorts, containersOf, describeSelector, isEmptySelector, matchesLabels, matchesLabelSelector, nameOf,
  namespaceOf, PodTemplate, podTemplateOf, requests, SELECTOR_WORKLOADS, stringMap,
} from './pods';
import { findingOf } from './rules';
import { append, asArray, asRecord, joinPath } from './util';

interface Workload {
  readonly item: ManifestObject;
  readonly template: PodTemplate;
  readonly namespace: string;
}

/**
 * Checks that objects which refer to each other by selector or by name fit together: Services and PodDisruptionBudgets
 * select pods, Service target ports exist on those pods, Ingress backends name existing Service ports, autoscalers
 * target existing workloads with the requests they scale on, ConfigMaps that pods use exist, and workload selectors
 * match their own templates. Objects outside the set are unknown, so a reference to one is reported.
 */
export function checkWiring(items: readonly ManifestObject[]): Finding[] {
  const index = new WiringIndex(items);
  return [
    ...duplicateObjects(items),
    ...index.workloads.flatMap(workloadSelector),
    ...items.filter(i => i.object.kind === 'Service').flatMap(i => service(i, index)),
    ...items.filter(i => i.object.kind === 'Ingress').flatMap(i => ingress(i, index)),
    ...items.filter(i => i.object.kind === 'HorizontalPodAutoscaler').flatMap(i => autoscaler(i, index)),
    ...items.filter(i => i.object.kind === 'PodDisruptionBudget').flatMap(i => disruptionBudget(i, index)),
    ...index.workloads.flatMap(w => configMapReferences(w, index)),
  ];
}

/**
 * Lookups built once per check, so that checking thousands of objects stays linear.
 */
class WiringIndex {
  public readonly workloads: Workload[] = [];
  private readonly byLabel = new Map<string, Workload[]>();
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byName = new Map<string, ManifestObject>();
  private readonly workloadByName = new Map<string, Workload>();

  public constructor(items: readonly ManifestObject[]) {
    for (const item of items) {
      const namespace = namespaceOf(item.object);
      const key = this.key(String(item.object.kind), namespace, nameOf(item.object));
      if (!this.byName.has(key)) {
        this.byName.set(key, item);
      }
      const template = podTemplateOf(item.object);
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

  /** The workloads of a namespace. */
  public inNamespace(namespace: string): Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  private key(kind: string, namespace: string, name: string): string {
    return `${kind}|${namespace}|${name}`;
  }
}

function duplicateObjects(items: readonly ManifestObject[]): Finding[] {
  const seen = new Map<string, ManifestObject>();
  const findings: Finding[] = [];
  for (const item of items) {
    const { kind, name } = objectRef(item.object);
    if (!kind || !name) {
      continue;
    }
    const key = `${String(item.object.apiVersion).split('/')[0]}|${kind}|${namespaceOf(item.object)}|${name}`;
    const first = seen.get(key);
    if (first) {
      const where = first.file !== undefined && first.file !== item.file ? ` (first in ${first.file})` : '';
      findings.push(findingOf('wiring/duplicate-object', item, 'metadata.name',
        `${describeObject(objectRef(item.object))} is defined twice${where}; the later one overwrites the first`));
    } else {
      seen.set(key, item);
    }
  }
  return findings;
}

function workloadSelector(w: Workload): Finding[] {
  const kind = String(w.item.object.kind);
  const selector = asRecord(w.item.object.spec).selector;
  if (!SELECTOR_WORKLOADS.includes(kind) || selector === undefined || selector === null) {
    return [];
  }
  if (isEmptySelector(selector)) {
    return [findingOf('wiring/workload-selector', w.item, 'spec.selector', `${kind} selector is empty; the API server rejects it. Select the pod template labels`)];
  }
  if (!matchesLabelSelector(selector, w.template.labels)) {
    return [findingOf('wiring/workload-selector', w.item, 'spec.selector',
      `${kind} selector does not match its pod template labels (${describeSelector(w.template.labels) || 'none'}); the API server rejects it`)];
  }
  return [];
}

function service(item: ManifestObject, index: WiringIndex): Finding[] {
  const spec = asRecord(item.object.spec);
  const selector = stringMap(spec.selector);
  if (spec.type === 'ExternalName' || Object.keys(selector).length === 0) {
    return [];
  }
  const namespace = namespaceOf(item.object);
  const selected = index.selectedBy(selector, namespace);
  if (selected.length === 0) {
    const elsewhere = index.workloads.find(w => matchesLabels(selector, w.template.labels));
    const hint = elsewhere
      ? `; ${describeObject(objectRef(elsewhere.item.object))} matches but is in namespace "${elsewhere.namespace}", and a Service only selects pods in its own`
      : hintLabels(index.inNamespace(namespace));
    return [findingOf('wiring/service-selector', item, 'spec.selector',
      `selector ${describeSelector(selector)} matches no pod template in namespace "${namespace}"${hint}`)];
  }
  const findings: Finding[] = [];
  asArray(spec.ports).forEach((p, i) => {
    const port = asRecord(p);
    const target = port.targetPort ?? port.port;
    if (typeof target !== 'number' && typeof target !== 'string') {
      return;
    }
    for (const w of selected) {
      const ports = containersOf(w.template).filter(c => !c.init).map(c => containerPorts(c.container));
      const found = typeof target === 'number' ? ports.some(p2 => p2.numbers.includes(target)) : ports.some(p2 => p2.names.includes(target));
      if (!found) {
        const field = port.targetPort !== undefined ? 'targetPort' : 'port';
        const declared = describePorts(ports);
        findings.push(findingOf('wiring/service-target-port', item, joinPath(joinPath(joinPath('spec', 'ports'), i), field),
          `targetPort ${JSON.stringify(target)} is not a ${typeof target === 'number' ? 'containerPort' : 'port name'} of ${describeObject(objectRef(w.item.object))} (declared: ${declared})`));
      }
    }
  });
  return findings;
}

function hintLabels(workloads: readonly Workload[]): string {
  if (workloads.length === 0) {
    return '';
  }
  const shown = workloads.slice(0, 3).map(w => `${describeObject(objectRef(w.item.object))} has ${describeSelector(w.template.labels) || 'no labels'}`);
  return ` (${shown.join('; ')})`;
}

function describePorts(ports: readonly { numbers: number[]; names: string[] }[]): string {
  const numbers = ports.flatMap(p => p.numbers);
  const names = ports.flatMap(p => p.names);
  if (numbers.length === 0 && names.length === 0) {
    return 'none';
  }
  return [...numbers.map(String), ...names.map(n => `"${n}"`)].join(', ');
}

function ingress(item: ManifestObject, index: WiringIndex): Finding[] {
  const spec = asRecord(item.object.spec);
  const namespace = namespaceOf(item.object);
  const backends: { backend: unknown; path: string }[] = [];
  if (spec.defaultBackend) {
    backends.push({ backend: spec.defaultBackend, path: 'spec.defaultBackend' });
  }
  asArray(spec.rules).forEach((r, i) => {
    asArray(asRecord(asRecord(r).http).paths).forEach((p, j) => {
      backends.push({ backend: asRecord(p).backend, path: `spec.rules[${i}].http.paths[${j}].backend` });
    });
  });
  const findings: Finding[] = [];
  for (const { backend, path } of backends) {
    const svc = asRecord(asRecord(backend).service);
    if (typeof svc.name !== 'string') {
      continue;
    }
    const target = index.find('Service', namespace, svc.name);
    if (!target) {
      findings.push(findingOf('wiring/ingress-backend', item, `${path}.service.name`, `backend Service "${svc.name}" does not exist in namespace "${namespace}"`));
      continue;
    }
    const servicePorts = asArray(asRecord(target.object.spec).ports).map(asRecord);
    const port = asRecord(svc.port);
    if (typeof port.number === 'number' && !servicePorts.some(p => p.port === port.number)) {
      findings.push(findingOf('wiring/ingress-backend', item, `${path}.service.port.number`,
        `Service "${svc.name}" has no port ${port.number} (ports: ${servicePorts.map(p => String(p.port)).join(', ') || 'none'})`));
    }
    if (typeof port.name === 'string' && !servicePorts.some(p => p.name === port.name)) {
      findings.push(findingOf('wiring/ingress-backend', item, `${path}.service.port.name`,
        `Service "${svc.name}" has no port named "${port.name}" (names: ${servicePorts.map(p => p.name).filter(n => n).map(n => `"${String(n)}"`).join(', ') || 'none'})`));
    }
  }
  return findings;
}

function autoscaler(item: ManifestObject, index: WiringIndex): Finding[] {
  const spec = asRecord(item.object.spec);
  const ref = asRecord(spec.scaleTargetRef);
  const namespace = namespaceOf(item.object);
  const target = typeof ref.kind === 'string' && typeof ref.name === 'string' ? index.findWorkload(ref.kind, namespace, ref.name) : undefined;
  if (!target) {
    return [findingOf('wiring/hpa-target', item, 'spec.scaleTargetRef',
      `scale target ${String(ref.kind)}/${String(ref.name)} does not exist in namespace "${namespace}"`)];
  }
  const needs: { resource: string; container?: string; path: string }[] = [];
  if (String(item.object.apiVersion).startsWith('autoscaling/v1')) {
    needs.push({ resource: 'cpu', path: 'spec.targetCPUUtilizationPercentage' });
  } else if (spec.metrics === undefined || spec.metrics === null) {
    needs.push({ resource: 'cpu', path: 'spec' });
  } else {
    asArray(spec.metrics).forEach((m, i) => {
      const metric = asRecord(m);
      const source = metric.type === 'Resource' ? asRecord(metric.resource) : metric.type === 'ContainerResource' ? asRecord(metric.containerResource) : undefined;
      if (source && asRecord(source.target).type === 'Utilization' && typeof source.name === 'string') {
        const container = typeof source.container === 'string' ? source.container : undefined;
        needs.push({ resource: source.name, container, path: `spec.metrics[${i}]` });
      }
    });
  }
  const findings: Finding[] = [];
  for (const need of needs) {
    const containers = containersOf(target.template).filter(c => !c.init && (need.container === undefined || c.container.name === need.container));
    const missing = containers.filter(c => !requests(c.container, need.resource)).map(containerName);
    if (missing.length > 0) {
      findings.push(findingOf('wiring/hpa-requests', item, need.path,
        `scales on ${need.resource} utilization but container${missing.length > 1 ? 's' : ''} ${missing.map(n => `"${n}"`).join(', ')} of ${describeObject(objectRef(target.item.object))} request${missing.length > 1 ? '' : 's'} no ${need.resource}; utilization is undefined and the autoscaler never acts`));
    }
  }
  return findings;
}

function disruptionBudget(item: ManifestObject, index: WiringIndex): Finding[] {
  const selector = asRecord(item.object.spec).selector;
  const namespace = namespaceOf(item.object);
  if (selector === undefined || selector === null) {
    return [];
  }
  // One matchLabels entry narrows the candidates through the label index; only a selector without any scans the namespace.
  const [first] = Object.entries(stringMap(asRecord(selector).matchLabels));
  const candidates = first ? index.withLabel(namespace, first[0], first[1]) : index.inNamespace(namespace);
  if (candidates.some(w => matchesLabelSelector(selector, w.template.labels))) {
    return [];
  }
  return [findingOf('wiring/pdb-selector', item, 'spec.selector',
    `selector matches no pod template in namespace "${namespace}"${hintLabels(index.inNamespace(namespace))}`)];
}

function configMapReferences(w: Workload, index: WiringIndex): Finding[] {
  const findings: Finding[] = [];
  const check = (ref: Record<string, unknown>, path: string, keys: readonly { key: unknown; path: string }[]) => {
    if (typeof ref.name !== 'string' || ref.optional === true) {
      return;
    }
    const cm = index.find('ConfigMap', w.namespace, ref.name)?.object;
    if (!cm) {
      findings.push(findingOf('wiring/configmap-ref', w.item, `${path}.name`,
        `ConfigMap "${ref.name}" does not exist in namespace "${w.namespace}"; the pod cannot start (mark it optional if that is intended)`));
      return;
    }
    for (const k of keys) {
      if (typeof k.key === 'string' && !Object.hasOwn(asRecord(cm.data), k.key) && !Object.hasOwn(asRecord(cm.binaryData), k.key)) {
        findings.push(findingOf('wiring/configmap-ref', w.item, k.path, `ConfigMap "${ref.name}" has no key "${k.key}"`));
      }
    }
  };
  for (const c of containersOf(w.template)) {
    asArray(c.container.envFrom).forEach((e, i) => check(asRecord(asRecord(e).configMapRef), `${c.path}.envFrom[${i}].configMapRef`, []));
    asArray(c.container.env).forEach((e, i) => {
      const path = `${c.path}.env[${i}].valueFrom.configMapKeyRef`;
      const ref = asRecord(asRecord(asRecord(e).valueFrom).configMapKeyRef);
      check(ref, path, [{ key: ref.key, path: `${path}.key` }]);
    });
  }
  asArray(w.template.spec.volumes).forEach((v, i) => {
    const volume = asRecord(v);
    const path = `${w.template.specPath}.volumes[${i}]`;
    const itemKeys = (ref: Record<string, unknown>, at: string) => asArray(ref.items).map((it, j) => ({ key: asRecord(it).key, path: `${at}.items[${j}].key` }));
    const cm = asRecord(volume.configMap);
    check(cm, `${path}.configMap`, itemKeys(cm, `${path}.configMap`));
    asArray(asRecord(volume.projected).sources).forEach((s, j) => {
      const projected = asRecord(asRecord(s).configMap);
      const at = `${path}.projected.sources[${j}].configMap`;
      check(projected, at, itemKeys(projected, at));
    });
  });
  return findings;
}
