// Strict validation of custom resources against the upstream CRDs in crds/, for tests of the objects the constructs emit.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

import { BUILTIN_CRDS_FILE } from '../constructs/check/builtin-crds';
import { SchemaValidator } from '../constructs/check/schema';
import { CRDS_DIR } from './compact-crds';
import { KubeObject } from './util';

let validator: SchemaValidator | undefined;
let index: KubeObject[] | undefined;
const added = new Set<string>();

/**
 * The upstream file (`<group>_<plural>.yaml`) of the CRD that serves this apiVersion and kind. The compact index only
 * says which file to read, as parsing all of crds/ takes seconds under jest; the schema comes from the file itself.
 */
function crdFileOf(apiVersion: string, kind: string): string | undefined {
  index = index ?? JSON.parse(fs.readFileSync(BUILTIN_CRDS_FILE, 'utf-8')) as KubeObject[];
  const crd = index.find(c => c.spec.names.kind === kind && c.spec.versions.some((v: KubeObject) => `${c.spec.group}/${v.name}` === apiVersion));
  return crd && path.join(CRDS_DIR, `${crd.spec.group}_${crd.spec.names.plural}.yaml`);
}

/**
 * The problems of one custom resource against the `openAPIV3Schema` of its CRD in crds/ (status included), as
 * `path: message` lines: types, required fields, enums, patterns, and unknown fields, which are refused unless the
 * schema preserves them; then the API server's rules for metadata. Throws for a kind that no CRD in crds/ serves,
 * so that a test can never pass because an object was not checked.
 */
export function customResourceProblems(object: KubeObject): string[] {
  const file = crdFileOf(object.apiVersion, object.kind);
  if (!file) {
    throw new Error(`no CRD in crds/ serves ${object.kind} (apiVersion "${object.apiVersion}")`);
  }
  validator = validator ?? new SchemaValidator();
  if (!added.has(file)) {
    // Added explicitly, so the full upstream schema is used, not the compact one the checker knows built in.
    validator.addCustomResourceDefinition(YAML.parse(fs.readFileSync(file, 'utf-8')));
    added.add(file);
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
