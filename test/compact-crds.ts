// Writes schemas/custom-resource-definitions.json, the compact form of crds/ that the checker loads: parsing the
// upstream YAML (1.2 MB, mostly descriptions) would cost a check about 300 ms, the compact JSON about 2 ms.
// Run `npm run crds` after changing crds/; test/check/builtin-crds.test.ts fails while the two disagree.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

import { BUILTIN_CRDS_FILE } from '../constructs/check/builtin-crds';

export const CRDS_DIR = path.join(__dirname, '..', 'crds');

/** The upstream CustomResourceDefinitions the package ships, by file name. */
export function shippedCustomResourceDefinitions(): Map<string, Record<string, any>> {
  const files = fs.readdirSync(CRDS_DIR).filter(f => f.endsWith('.yaml')).sort();
  return new Map(files.map(f => [f, YAML.parse(fs.readFileSync(path.join(CRDS_DIR, f), 'utf-8'))]));
}

/**
 * What the checker needs of a CRD: its group, kind, scope and the schema of each served version, without descriptions
 * and without `status`, which the controller writes, not the manifest: the Application's status is two thirds of its
 * schema and takes three quarters of the time to compile it.
 */
export function compactCustomResourceDefinition(crd: Record<string, any>): Record<string, unknown> {
  const { group, names, scope, versions } = crd.spec;
  return {
    apiVersion: crd.apiVersion,
    kind: crd.kind,
    metadata: { name: crd.metadata.name },
    spec: {
      group,
      names: { kind: names.kind, plural: names.plural },
      scope,
      versions: versions.filter((v: any) => v.served).map((v: any) => ({
        name: v.name, served: true, storage: v.storage, schema: { openAPIV3Schema: withoutStatus(withoutDescriptions(v.schema.openAPIV3Schema)) },
      })),
    },
  };
}

/** The text of the compact file: one CRD a line, so that a change to one shows as a change to one line. */
export function compactFileText(): string {
  const crds = [...shippedCustomResourceDefinitions().values()].map(crd => JSON.stringify(compactCustomResourceDefinition(crd)));
  return `[\n${crds.join(',\n')}\n]\n`;
}

function withoutStatus(schema: any): unknown {
  if (schema.properties?.status === undefined) {
    return schema;
  }
  return { ...schema, properties: { ...schema.properties, status: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } } };
}

/** Keywords whose values are data, not schemas: nothing in them is removed. */
const DATA_KEYWORDS = new Set(['default', 'enum', 'example', 'x-kubernetes-validations']);

/** A schema without `description` keywords; a property that happens to be called `description` stays. */
function withoutDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) {
    return schema.map(withoutDescriptions);
  }
  if (schema === null || typeof schema !== 'object') {
    return schema;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description') {
      continue;
    }
    if (DATA_KEYWORDS.has(key)) {
      out[key] = value;
    } else if (key === 'properties') {
      out[key] = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, s]) => [name, withoutDescriptions(s)]));
    } else {
      out[key] = withoutDescriptions(value);
    }
  }
  return out;
}

if (require.main === module) {
  fs.writeFileSync(BUILTIN_CRDS_FILE, compactFileText());
  console.log(`wrote ${path.relative(process.cwd(), BUILTIN_CRDS_FILE)}`);
}
