import { Finding, ManifestObject, Severity } from './findings';
import { containersOf, namespaceOf } from './pods';
import { findingOf } from './rules';
import { asArray, asRecord } from './util';
import { WiringIndex, Workload } from './wiring-index';

/** A reference from one object to a Secret, ConfigMap, ServiceAccount, claim or PriorityClass, by name. */
interface Reference {
  readonly kind: 'Secret' | 'ConfigMap' | 'ServiceAccount' | 'PersistentVolumeClaim' | 'PriorityClass';
  readonly name: unknown;
  /** The path of the name. */
  readonly path: string;
  /** Keys the object must hold, with their paths. */
  readonly keys?: readonly { readonly key: unknown; readonly path: string }[];
  readonly optional?: boolean;
}

const RULE_OF_KIND: Readonly<Record<Reference['kind'], string>> = {
  Secret: 'wiring/secret-ref',
  ConfigMap: 'wiring/configmap-ref',
  ServiceAccount: 'wiring/service-account-ref',
  PersistentVolumeClaim: 'wiring/pvc-ref',
  PriorityClass: 'wiring/priority-class-ref',
};

/** What a pod lacks when the object is missing at apply time. */
const CONSEQUENCE: Readonly<Record<Reference['kind'], string>> = {
  Secret: 'or the pod cannot start',
  ConfigMap: 'or the pod cannot start',
  ServiceAccount: 'or the pod is not created',
  PersistentVolumeClaim: 'or the pod stays Pending',
  PriorityClass: 'or the pod is refused',
};

/** Objects every cluster has, which are never in the manifests. */
function isBuiltIn(kind: Reference['kind'], name: string): boolean {
  switch (kind) {
    case 'ServiceAccount': return name === 'default';
    case 'ConfigMap': return name === 'kube-root-ca.crt';
    case 'PriorityClass': return /^system-.+-critical$/.test(name);
    default: return false;
  }
}

/**
 * Checks the references of pods (and of Ingress TLS) to Secrets, ConfigMaps, ServiceAccounts, PersistentVolumeClaims
 * and PriorityClasses. Such objects usually live outside the manifests (Secrets are rarely in git), so one that is not
 * in the set is an info finding, once per object and target: it must exist before apply. A key that an object of the
 * set lacks is an error. Optional references and the built-ins (the `default` ServiceAccount, `kube-root-ca.crt`, the
 * `system-*-critical` PriorityClasses) are not reported.
 */
export function checkReferences(items: readonly ManifestObject[], index: WiringIndex): Finding[] {
  const findings: Finding[] = [];
  for (const w of index.workloads) {
    findings.push(...resolve(w.item, w.namespace, podReferences(w), index));
  }
  for (const item of items.filter(i => i.object.kind === 'Ingress')) {
    findings.push(...resolve(item, namespaceOf(item.object), ingressReferences(item), index));
  }
  return findings;
}

function resolve(item: ManifestObject, namespace: string, references: readonly Reference[], index: WiringIndex): Finding[] {
  const findings: Finding[] = [];
  const reported = new Set<string>();
  for (const ref of references) {
    if (typeof ref.name !== 'string' || ref.name === '' || ref.optional === true || isBuiltIn(ref.kind, ref.name)) {
      continue;
    }
    const ruleId = RULE_OF_KIND[ref.kind];
    // PriorityClasses are cluster-scoped: looked up without a namespace, which the index files under the default.
    const target = index.find(ref.kind, ref.kind === 'PriorityClass' ? namespaceOf({}) : namespace, ref.name)?.object;
    if (!target) {
      if (!reported.has(`${ref.kind}|${ref.name}`)) {
        reported.add(`${ref.kind}|${ref.name}`);
        const where = ref.kind === 'PriorityClass' ? 'in the cluster' : `in namespace "${namespace}"`;
        findings.push(findingOf(ruleId, item, ref.path, `${ref.kind} "${ref.name}" is not in the manifests: it must exist ${where} before apply, ${CONSEQUENCE[ref.kind]}`));
      }
      continue;
    }
    const keys = new Set(['data', 'binaryData', 'stringData'].flatMap(field => Object.keys(asRecord(target[field]))));
    for (const k of ref.keys ?? []) {
      if (typeof k.key === 'string' && !keys.has(k.key)) {
        findings.push(findingOf(ruleId, item, k.path, `${ref.kind} "${ref.name}" has no key "${k.key}" (keys: ${[...keys].map(x => `"${x}"`).join(', ') || 'none'})`,
          Severity.ERROR));
      }
    }
  }
  return findings;
}

function podReferences(w: Workload): Reference[] {
  const spec = w.template.spec;
  const at = w.template.specPath;
  const refs: Reference[] = [];
  const account = spec.serviceAccountName ?? spec.serviceAccount;
  refs.push({ kind: 'ServiceAccount', name: account, path: `${at}.${spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount'}` });
  refs.push({ kind: 'PriorityClass', name: spec.priorityClassName, path: `${at}.priorityClassName` });
  asArray(spec.imagePullSecrets).forEach((s, i) => refs.push({ kind: 'Secret', name: asRecord(s).name, path: `${at}.imagePullSecrets[${i}].name` }));
  for (const c of containersOf(w.template)) {
    asArray(c.container.envFrom).forEach((e, i) => {
      for (const [field, kind] of [['configMapRef', 'ConfigMap'], ['secretRef', 'Secret']] as const) {
        const ref = asRecord(asRecord(e)[field]);
        refs.push({ kind, name: ref.name, path: `${c.path}.envFrom[${i}].${field}.name`, optional: ref.optional === true });
      }
    });
    asArray(c.container.env).forEach((e, i) => {
      for (const [field, kind] of [['configMapKeyRef', 'ConfigMap'], ['secretKeyRef', 'Secret']] as const) {
        const ref = asRecord(asRecord(asRecord(e).valueFrom)[field]);
        const path = `${c.path}.env[${i}].valueFrom.${field}`;
        refs.push({ kind, name: ref.name, path: `${path}.name`, keys: [{ key: ref.key, path: `${path}.key` }], optional: ref.optional === true });
      }
    });
  }
  asArray(spec.volumes).forEach((v, i) => {
    const volume = asRecord(v);
    const path = `${at}.volumes[${i}]`;
    const items = (ref: Record<string, unknown>, base: string) => asArray(ref.items).map((it, j) => ({ key: asRecord(it).key, path: `${base}.items[${j}].key` }));
    const configMap = asRecord(volume.configMap);
    refs.push({ kind: 'ConfigMap', name: configMap.name, path: `${path}.configMap.name`, keys: items(configMap, `${path}.configMap`), optional: configMap.optional === true });
    const secret = asRecord(volume.secret);
    refs.push({ kind: 'Secret', name: secret.secretName, path: `${path}.secret.secretName`, keys: items(secret, `${path}.secret`), optional: secret.optional === true });
    const claim = asRecord(volume.persistentVolumeClaim);
    refs.push({ kind: 'PersistentVolumeClaim', name: claim.claimName, path: `${path}.persistentVolumeClaim.claimName` });
    asArray(asRecord(volume.projected).sources).forEach((s, j) => {
      for (const [field, kind] of [['configMap', 'ConfigMap'], ['secret', 'Secret']] as const) {
        const ref = asRecord(asRecord(s)[field]);
        const base = `${path}.projected.sources[${j}].${field}`;
        refs.push({ kind, name: ref.name, path: `${base}.name`, keys: items(ref, base), optional: ref.optional === true });
      }
    });
  });
  return refs;
}

function ingressReferences(item: ManifestObject): Reference[] {
  return asArray(asRecord(item.object.spec).tls).map((t, i) => {
    const path = `spec.tls[${i}].secretName`;
    // An Ingress controller serves a TLS Secret's certificate and key under these two keys.
    return { kind: 'Secret', name: asRecord(t).secretName, path, keys: [{ key: 'tls.crt', path }, { key: 'tls.key', path }] };
  });
}
