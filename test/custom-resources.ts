// Strict validation of custom resources against the upstream CRDs in crds/, for tests of the objects the constructs emit.
import { SchemaValidator } from '../constructs/check/schema';
import { shippedCustomResourceDefinitions } from './compact-crds';
import { KubeObject } from './util';

let crdsByKind: Map<string, Record<string, any>> | undefined;
let validator: SchemaValidator | undefined;
const added = new Set<Record<string, any>>();

/** The upstream CRDs (status included) by `apiVersion|kind`; the YAML is read once per test file. */
function shippedKinds(): Map<string, Record<string, any>> {
  if (!crdsByKind) {
    crdsByKind = new Map();
    for (const crd of shippedCustomResourceDefinitions().values()) {
      for (const version of crd.spec.versions) {
        crdsByKind.set(`${crd.spec.group}/${version.name}|${crd.spec.names.kind}`, crd);
      }
    }
  }
  return crdsByKind;
}

/**
 * The problems of one custom resource against the `openAPIV3Schema` of its CRD in crds/, as `path: message` lines:
 * types, required fields, enums, patterns, and unknown fields, which are refused unless the schema preserves them;
 * then the API server's rules for metadata. Throws for a kind that no CRD in crds/ defines, so that a test can never
 * pass because an object was not checked.
 */
export function customResourceProblems(object: KubeObject): string[] {
  const crd = shippedKinds().get(`${object.apiVersion}|${object.kind}`);
  if (!crd) {
    throw new Error(`no CRD in crds/ defines ${object.kind} (apiVersion "${object.apiVersion}"); known: ${[...shippedKinds().keys()].join(', ')}`);
  }
  validator = validator ?? new SchemaValidator();
  if (!added.has(crd)) {
    // Added explicitly, so the full upstream schema is used, not the compact one the checker knows built in.
    validator.addCustomResourceDefinition(crd);
    added.add(crd);
  }
  return validator.validate(object).map(f => `${f.path}: ${f.message}`);
}

/**
 * Asserts that every object of these kinds is valid for its CRD (see `customResourceProblems`), and that there is
 * at least one of each kind named, so a test cannot pass on objects that were never emitted.
 * @param kinds the custom kinds to check, e.g. `['ServiceMonitor', 'HTTPRoute']`; other objects are skipped.
 */
export function expectValidCustomResources(objects: KubeObject[], kinds: string[]): void {
  const missing = kinds.filter(kind => !objects.some(o => o.kind === kind));
  expect(missing).toEqual([]);
  const problems = objects.filter(o => kinds.includes(o.kind)).flatMap(o => customResourceProblems(o).map(p => `${o.kind}/${o.metadata?.name}: ${p}`));
  expect(problems).toEqual([]);
}
