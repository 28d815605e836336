// The CustomResourceDefinitions the package ships (crds/): those of the kinds the constructs emit (Application,
// ServiceMonitor, HTTPRoute) and of the Gateway API kinds an HTTPRoute refers to. The checker knows them without
// `--crd`, so a consumer's check never reports what the constructs emit as unknown kinds.
import * as fs from 'fs';
import * as path from 'path';

import { asRecord } from './util';

/** The compact form of crds/ (schemas only), relative to this file in source and in lib/. */
export const BUILTIN_CRDS_FILE = path.join(__dirname, '..', '..', 'schemas', 'custom-resource-definitions.json');

let byGroupKind: Map<string, unknown> | undefined;

/**
 * The shipped CustomResourceDefinition that defines `kind` in the group of `apiVersion`, whatever version it names
 * (so that an unserved version is told which ones are served); undefined for other kinds.
 * The file is read on the first call, which only a kind the Kubernetes definitions lack makes.
 */
export function builtinCustomResourceDefinition(apiVersion: string, kind: string): unknown {
  byGroupKind = byGroupKind ?? readBuiltins();
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return byGroupKind.get(`${group}|${kind}`);
}

function readBuiltins(): Map<string, unknown> {
  let crds: unknown[];
  try {
    crds = JSON.parse(fs.readFileSync(BUILTIN_CRDS_FILE, 'utf-8')) as unknown[];
  } catch (e) {
    throw new Error(`cannot read the built-in CustomResourceDefinitions at ${BUILTIN_CRDS_FILE}: ${(e as Error).message}`);
  }
  return new Map(crds.map(crd => {
    const spec = asRecord(asRecord(crd).spec);
    return [`${String(spec.group)}|${String(asRecord(spec.names).kind)}`, crd];
  }));
}
