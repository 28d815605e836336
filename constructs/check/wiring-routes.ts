import { Finding, ManifestObject, Severity } from './findings';
import { namespaceOf } from './pods';
import { findingOf } from './rules';
import { asArray, asRecord } from './util';
import { WiringIndex } from './wiring-index';

const GATEWAY_GROUP = 'gateway.networking.k8s.io/';
const MONITORING_GROUP = 'monitoring.coreos.com/';

/**
 * Checks the objects that route or scrape traffic to Services: Gateway API HTTPRoute backends, and Prometheus
 * Operator ServiceMonitors. A Service that is not in the set is reported at the `missing` severity; a port that a
 * Service of the set lacks is an error.
 */
export function checkRoutes(items: readonly ManifestObject[], index: WiringIndex, missing: Severity): Finding[] {
  const findings: Finding[] = [];
  for (const item of items) {
    const apiVersion = String(item.object.apiVersion);
    if (item.object.kind === 'HTTPRoute' && apiVersion.startsWith(GATEWAY_GROUP)) {
      findings.push(...httpRoute(item, index, missing));
    } else if (item.object.kind === 'ServiceMonitor' && apiVersion.startsWith(MONITORING_GROUP)) {
      findings.push(...serviceMonitor(item, index, missing));
    }
  }
  return findings;
}

function httpRoute(item: ManifestObject, index: WiringIndex, missing: Severity): Finding[] {
  const findings: Finding[] = [];
  asArray(asRecord(item.object.spec).rules).forEach((r, i) => {
    asArray(asRecord(r).backendRefs).forEach((b, j) => {
      const ref = asRecord(b);
      const path = `spec.rules[${i}].backendRefs[${j}]`;
      // Only core Services are checked: other kinds (and other groups) are implementation specific.
      if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service' || typeof ref.name !== 'string') {
        return;
      }
      const namespace = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : namespaceOf(item.object);
      const target = index.find('Service', namespace, ref.name);
      if (!target) {
        findings.push(findingOf('wiring/httproute-backend', item, `${path}.name`, `backend Service "${ref.name}" does not exist in namespace "${namespace}"`, missing));
        return;
      }
      const ports = asArray(asRecord(target.object.spec).ports).map(p => asRecord(p).port);
      if (typeof ref.port === 'number' && !ports.includes(ref.port)) {
        findings.push(findingOf('wiring/httproute-backend', item, `${path}.port`,
          `Service "${ref.name}" has no port ${ref.port} (ports: ${ports.map(String).join(', ') || 'none'})`));
      }
    });
  });
  return findings;
}

function serviceMonitor(item: ManifestObject, index: WiringIndex, missing: Severity): Finding[] {
  const spec = asRecord(item.object.spec);
  const namespaces = monitoredNamespaces(asRecord(spec.namespaceSelector), namespaceOf(item.object), index);
  const selected = namespaces.flatMap(ns => index.servicesSelectedBy(spec.selector, ns));
  if (selected.length === 0) {
    return [findingOf('wiring/servicemonitor-selector', item, 'spec.selector',
      `selector matches no Service in namespace${namespaces.length === 1 ? '' : 's'} ${namespaces.map(n => `"${n}"`).join(', ') || '(none)'}: nothing is scraped`, missing)];
  }
  const findings: Finding[] = [];
  asArray(spec.endpoints).forEach((e, i) => {
    const port = asRecord(e).port;
    if (typeof port !== 'string') {
      return;
    }
    const names = selected.flatMap(s => asArray(asRecord(s.object.spec).ports).map(p => asRecord(p).name)).filter((n): n is string => typeof n === 'string');
    if (!names.includes(port)) {
      findings.push(findingOf('wiring/servicemonitor-selector', item, `spec.endpoints[${i}].port`,
        `no selected Service has a port named "${port}" (names: ${[...new Set(names)].map(n => `"${n}"`).join(', ') || 'none'}): nothing is scraped`));
    }
  });
  return findings;
}

/** The namespaces a ServiceMonitor looks in: its own by default, the listed ones, or every one (`any: true`). */
function monitoredNamespaces(selector: Record<string, unknown>, own: string, index: WiringIndex): string[] {
  if (selector.any === true) {
    return index.serviceNamespaces();
  }
  const names = asArray(selector.matchNames).filter((n): n is string => typeof n === 'string');
  return names.length > 0 ? names : [own];
}
