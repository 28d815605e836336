import { QUANTITY_PATTERN } from '../kubernetes-rules';
import { KUBERNETES_ENUMS } from './enums';
import { KubeObject } from './findings';
import { asArray, asRecord } from './util';

/** A JSON schema, as plain data. */
export type JsonSchema = Record<string, unknown>;

/** The id under which the Kubernetes definitions are added to ajv. */
export const DOCUMENT_ID = 'k8s';


const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/**
 * Rewrites one definition for strict validation: closes objects, restores enums, and types int-or-string and
 * quantity values so that one error explains them.
 */
export function prepareDefinition(name: string, definition: JsonSchema): JsonSchema {
  if (name === INT_OR_STRING) {
    // The API server stores the integer as an int32; the format applies to numbers only.
    return { type: ['string', 'integer'], format: 'int32' };
  }
  if (name === QUANTITY) {
    return { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
  }
  const prepared = closeObjects(definition, false);
  const enums = KUBERNETES_ENUMS[name];
  const properties = asRecord(prepared.properties);
  for (const [property, values] of Object.entries(enums ?? {})) {
    const schema = asRecord(properties[property]);
    if (schema.type === 'array') {
      schema.items = { ...asRecord(schema.items), enum: [...values] };
    } else {
      schema.enum = [...values];
    }
  }
  return prepared;
}

export function prepareCustomResourceSchema(schema: JsonSchema, apiVersion: string, kind: string): JsonSchema {
  const prepared = closeObjects(schema, true);
  const properties = { ...asRecord(prepared.properties) };
  properties.apiVersion = { type: 'string', enum: [apiVersion] };
  properties.kind = { type: 'string', enum: [kind] };
  properties.metadata = { $ref: `${DOCUMENT_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` };
  const open = schema['x-kubernetes-preserve-unknown-fields'] === true;
  return { ...prepared, type: 'object', properties, ...(open ? {} : { additionalProperties: prepared.additionalProperties ?? false }) };
}

const SCHEMA_KEYWORDS = new Set([
  '$ref', 'type', 'format', 'enum', 'properties', 'additionalProperties', 'items', 'required', 'oneOf', 'anyOf', 'allOf', 'not',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
  'uniqueItems', 'minProperties', 'maxProperties', 'multipleOf', 'nullable', 'default',
]);

/**
 * A copy of a schema without descriptions and extensions, where every object with known properties rejects others.
 * In custom resource schemas, `x-kubernetes-preserve-unknown-fields` keeps an object open, `x-kubernetes-int-or-string`
 * accepts both, and `nullable` accepts null. The branches of `oneOf`, `anyOf`, `allOf` and `not` only add value
 * checks (as in a structural schema, the fields they name are declared outside them), so they are not closed.
 */
function closeObjects(schema: JsonSchema, customResource: boolean, inBranch: boolean = false): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_KEYWORDS.has(key) || key === 'nullable' || key === 'default') {
      continue;
    }
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(asRecord(value)).map(([k, v]) => [k, closeObjects(asRecord(v), customResource, inBranch)]));
    } else if ((key === 'items' || key === 'additionalProperties') && value !== null && typeof value === 'object') {
      out[key] = closeObjects(value as JsonSchema, customResource, inBranch);
    } else if (key === 'not' && value !== null && typeof value === 'object') {
      out[key] = closeObjects(value as JsonSchema, customResource, true);
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
      out[key] = asArray(value).map(v => closeObjects(asRecord(v), customResource, true));
    } else if (key === 'format' && !['int32', 'int64', 'double', 'byte', 'date-time', 'float'].includes(String(value))) {
      continue;
    } else {
      out[key] = value;
    }
  }
  if (customResource && schema['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.type = ['string', 'integer'];
  }
  const open = customResource && schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !open && !inBranch) {
    out.additionalProperties = false;
  }
  if (customResource && schema.nullable === true && typeof out.type === 'string') {
    out.type = [out.type, 'null'];
  }
  return out;
}

/**
 * A copy of an object without null-valued fields: the API server treats `field: null` (an empty YAML value) as unset.
 */
export function withoutNulls(value: KubeObject): KubeObject {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      return v.map(strip);
    }
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => [k, strip(x)]));
    }
    return v;
  };
  return strip(value) as KubeObject;
}
