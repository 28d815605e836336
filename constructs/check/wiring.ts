import { describeObject, Finding, ManifestObject, objectRef, Severity } from './findings';
import {
  containerName, containerPorts, containersOf, describeSelector, isEmptySelector, matchesLabels, matchesLabelSelector, namespaceOf, requests,
  SELECTOR_WORKLOADS, stringMap,
} from './pods';
import { checkReferences } from './references';
import { findingOf } from './rules';
import { asArray, asRecord, joinPath } from './util';
import { WiringIndex, Workload } from './wiring-index';
import { checkRoutes } from './wiring-routes';

/**
 * Options of the wiring checks.
 */
export interface WiringOptions {
  /**
   * The objects are all that is deployed together, so a target that is not among them does not exist (an error),
   * rather than perhaps being defined elsewhere (a warning).
   * @default false
   */
  readonly complete?: boolean;
}

/**
 * Checks that objects which refer to each other by selector or by name fit together: Services and PodDisruptionBudgets
 * select pods, Service target ports exist on those pods, Ingress and HTTPRoute backends name existing Service ports,
 * ServiceMonitors select Services, autoscalers target existing workloads with the requests they scale on, the
 * Secrets, ConfigMaps, ServiceAccounts, claims and PriorityClasses that pods use exist, and workload selectors match
 * their own templates. A target outside the set is an error when the set is complete, else a warning; a Secret or
 * another object that usually lives outside the manifests is an info finding: it must exist before apply.
 */
export function checkWiring(items: readonly ManifestObject[], options: WiringOptions = {}): Finding[] {
  const index = new WiringIndex(items);
  const missing = options.complete ? Severity.ERROR : Severity.WARNING;
  return [
    ...duplicateObjects(items),
    ...index.workloads.flatMap(workloadSelector),
    ...items.filter(i => i.object.kind === 'Service').flatMap(i => service(i, index, missing)),
    ...items.filter(i => i.object.kind === 'Ingress').flatMap(i => ingress(i, index, missing)),
    ...items.filter(i => i.object.kind === 'HorizontalPodAutoscaler').flatMap(i => autoscaler(i, index, missing)),
    ...items.filter(i => i.object.kind === 'PodDisruptionBudget').flatMap(i => disruptionBudget(i, index, missing)),
    ...checkRoutes(items, index, missing),
    ...checkReferences(items, index),
  ];
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

function service(item: ManifestObject, index: WiringIndex, missing: Severity): Finding[] {
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
      `selector ${describeSelector(selector)} matches no pod template in namespace "${namespace}"${hint}`, missing)];
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
      const field = port.targetPort !== undefined ? 'targetPort' : 'port';
      const at = joinPath(joinPath(joinPath('spec', 'ports'), i), field);
      const declared = describePorts(ports);
      if (typeof target === 'string' && !ports.some(p2 => p2.names.includes(target))) {
        findings.push(findingOf('wiring/service-target-port', item, at, `targetPort "${target}" is not a port name of ${describeObject(objectRef(w.item.object))} (declared: ${declared})`));
      } else if (typeof target === 'number' && declared !== 'none' && !ports.some(p2 => p2.numbers.includes(target))) {
        // A containerPort is informational: the Service forwards to the number whatever the container declares.
        findings.push(findingOf('wiring/service-target-port', item, at,
          `targetPort ${target} is not a containerPort of ${describeObject(objectRef(w.item.object))} (declared: ${declared}); ` +
          `traffic reaches it only if the server listens on ${target}`, Severity.WARNING));
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

function ingress(item: ManifestObject, index: WiringIndex, missing: Severity): Finding[] {
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
      findings.push(findingOf('wiring/ingress-backend', item, `${path}.service.name`, `backend Service "${svc.name}" does not exist in namespace "${namespace}"`, missing));
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

function autoscaler(item: ManifestObject, index: WiringIndex, missing: Severity): Finding[] {
  const spec = asRecord(item.object.spec);
  const ref = asRecord(spec.scaleTargetRef);
  const namespace = namespaceOf(item.object);
  const named = typeof ref.kind === 'string' && typeof ref.name === 'string';
  const target = named ? index.findWorkload(String(ref.kind), namespace, String(ref.name)) : undefined;
  if (!target) {
    // A scalable custom resource (an Argo Rollout, say) exists, but its pods' requests are not known here.
    if (named && index.find(String(ref.kind), namespace, String(ref.name))) {
      return [];
    }
    return [findingOf('wiring/hpa-target', item, 'spec.scaleTargetRef',
      `scale target ${String(ref.kind)}/${String(ref.name)} does not exist in namespace "${namespace}"`, missing)];
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

function disruptionBudget(item: ManifestObject, index: WiringIndex, missing: Severity): Finding[] {
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
    `selector matches no pod template in namespace "${namespace}"${hintLabels(index.inNamespace(namespace))}`, missing)];
}
