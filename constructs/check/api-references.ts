import { Finding, KubeObject, objectRef, Severity } from './findings';
import { containersOf, podTemplateOf } from './pods';
import { asArray, asRecord } from './util';

/**
 * Checks the names inside one object that the API server requires to be unique or to resolve: container, volume and
 * port names, volume mounts that name a volume (or a StatefulSet's claim template), and the names every port of a
 * multi-port Service needs.
 */
export function validateApiReferences(obj: KubeObject): Finding[] {
  const findings: Finding[] = [];
  const ref = objectRef(obj);
  const add: Add = (ruleId, path, message) => findings.push({ ruleId, severity: Severity.ERROR, message, path, object: ref });
  const template = podTemplateOf(obj);
  if (template) {
    const volumes = asArray(template.spec.volumes).map(v => asRecord(v).name);
    duplicates(volumes, i => `${template.specPath}.volumes[${i}].name`, 'volume', add);
    // The StatefulSet controller adds a volume for each claim template, so mounts may name those too.
    const claimTemplates = obj.kind === 'StatefulSet' ? asArray(asRecord(obj.spec).volumeClaimTemplates).map(t => asRecord(asRecord(t).metadata).name) : [];
    const mountable = [...volumes, ...claimTemplates];
    const containers = containersOf(template);
    duplicates(containers.map(c => c.container.name), i => `${containers[i].path}.name`, 'container', add);
    for (const c of containers) {
      duplicates(asArray(c.container.ports).map(p => asRecord(p).name), i => `${c.path}.ports[${i}].name`, 'port', add);
      asArray(c.container.volumeMounts).forEach((m, i) => {
        const name = asRecord(m).name;
        if (typeof name === 'string' && !mountable.includes(name)) {
          add('schema/volume-ref', `${c.path}.volumeMounts[${i}].name`, `volume mount "${name}" names no volume of the pod (volumes: ${
            mountable.filter(v => typeof v === 'string').map(v => `"${v}"`).join(', ') || 'none'})`);
        }
      });
    }
  }
  if (obj.kind === 'Service') {
    const ports = asArray(asRecord(obj.spec).ports).map(asRecord);
    duplicates(ports.map(p => p.name), i => `spec.ports[${i}].name`, 'port', add);
    if (ports.length > 1) {
      ports.forEach((p, i) => {
        if (typeof p.name !== 'string' || p.name === '') {
          add('schema/required', `spec.ports[${i}].name`, 'a Service with several ports must name each of them');
        }
      });
    }
  }
  return findings;
}

type Add = (ruleId: string, path: string, message: string) => void;

function duplicates(names: readonly unknown[], pathOf: (index: number) => string, what: string, add: Add): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (typeof name !== 'string') {
      return;
    }
    if (seen.has(name)) {
      add('schema/duplicate-name', pathOf(i), `${what} name "${name}" is used twice; the API server rejects the object`);
    }
    seen.add(name);
  });
}
