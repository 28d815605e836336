// Large CRD schemas repeat whole subtrees: the Argo CD Application's `source` occurs four times, an HTTPRoute's
// `filters` twice. ajv generates code for every copy, so compiling such a schema costs a multiple of its content; a
// subtree compiled once and referenced from each place costs it once, and validates and reports exactly the same.
import type { default as Ajv } from 'ajv';

import type { JsonSchema } from './schema-definitions';
import { asRecord } from './util';

/** Subschemas shorter than this, as JSON, are cheaper to compile inline than as a function of their own. */
const MIN_SHARED_LENGTH = 1000;

/**
 * A copy of a prepared schema in which each large subschema that occurs more than once is a `$ref` to one copy,
 * added to `ajv` under an id from `shared` (by content, so that the schemas of one ajv instance share it too).
 */
export function shareRepeatedSubschemas(schema: JsonSchema, ajv: Ajv, shared: Map<string, string>): JsonSchema {
  const counts = new Map<string, number>();
  forEachSubschema(schema, function count(sub) {
    const key = JSON.stringify(sub);
    if (key.length >= MIN_SHARED_LENGTH) {
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    forEachSubschema(sub, count);
  });
  const rewrite = (sub: JsonSchema): JsonSchema => {
    const key = JSON.stringify(sub);
    if ((counts.get(key) ?? 0) < 2 && !shared.has(key)) {
      return mapSubschemas(sub, rewrite);
    }
    let id = shared.get(key);
    if (id === undefined) {
      id = `shared-subschema-${shared.size}`;
      shared.set(key, id);
      ajv.addSchema({ ...mapSubschemas(sub, rewrite), $id: id });
    }
    return { $ref: id };
  };
  return mapSubschemas(schema, rewrite);
}

/** The keywords whose values are subschemas, as a map of them, one of them, or a list of them. */
const MAPS = ['properties'];
const SINGLES = ['items', 'additionalProperties', 'not'];
const LISTS = ['oneOf', 'anyOf', 'allOf'];

function forEachSubschema(schema: JsonSchema, visit: (sub: JsonSchema) => void): void {
  mapSubschemas(schema, sub => {
    visit(sub);
    return sub;
  });
}

function mapSubschemas(schema: JsonSchema, map: (sub: JsonSchema) => JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema };
  for (const key of MAPS) {
    if (isSchema(schema[key])) {
      out[key] = Object.fromEntries(Object.entries(asRecord(schema[key])).map(([name, sub]) => [name, isSchema(sub) ? map(sub) : sub]));
    }
  }
  for (const key of SINGLES) {
    if (isSchema(schema[key])) {
      out[key] = map(schema[key] as JsonSchema);
    }
  }
  for (const key of LISTS) {
    if (Array.isArray(schema[key])) {
      out[key] = (schema[key] as unknown[]).map(sub => (isSchema(sub) ? map(sub) : sub));
    }
  }
  return out;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
