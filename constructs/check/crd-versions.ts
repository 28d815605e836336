import { JsonSchema } from './schema-definitions';
import { asArray, asRecord } from './util';

/** The apiVersion of CustomResourceDefinitions before `apiextensions.k8s.io/v1` (removed from the API in Kubernetes 1.22). */
export const LEGACY_CRD_API_VERSION = 'apiextensions.k8s.io/v1beta1';

/**
 * One served version of a custom resource, with the schema its objects are checked against.
 */
export interface CustomResourceVersion {
  /** `group/version`. */
  readonly apiVersion: string;
  readonly kind: string;
  readonly schema: JsonSchema;
}

/**
 * The versions a CustomResourceDefinition declares, `apiextensions.k8s.io/v1` or `v1beta1`, with their schemas.
 * A v1beta1 definition may give one schema for every version (`spec.validation.openAPIV3Schema`) and a single
 * `spec.version`; and unless it sets `spec.preserveUnknownFields: false`, the API server keeps unknown fields, so its
 * schema checks the fields it declares and lets others pass, as the API server did.
 */
export function customResourceVersions(crd: unknown): CustomResourceVersion[] {
  const o = asRecord(crd);
  const spec = asRecord(o.spec);
  const group = spec.group;
  const kind = asRecord(spec.names).kind;
  if (typeof group !== 'string' || typeof kind !== 'string') {
    throw new Error('CustomResourceDefinition must have spec.group and spec.names.kind');
  }
  const legacy = o.apiVersion === LEGACY_CRD_API_VERSION;
  const declared = asArray(spec.versions).map(asRecord);
  const versions = declared.length > 0 || !legacy ? declared : [{ name: spec.version }];
  const shared = asRecord(asRecord(spec.validation).openAPIV3Schema);
  const open = legacy && spec.preserveUnknownFields !== false;
  return versions.filter(v => typeof v.name === 'string').map(v => {
    const own = asRecord(asRecord(v.schema).openAPIV3Schema);
    const schema = legacy && Object.keys(own).length === 0 ? shared : own;
    return { apiVersion: `${group}/${String(v.name)}`, kind, schema: open ? preservingUnknownFields(schema) : schema };
  });
}

/** A copy of a schema where every object keeps the fields it does not declare. */
function preservingUnknownFields(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...schema, 'x-kubernetes-preserve-unknown-fields': true };
  if (schema.properties !== undefined) {
    out.properties = Object.fromEntries(Object.entries(asRecord(schema.properties)).map(([k, v]) => [k, preservingUnknownFields(asRecord(v))]));
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const value = schema[key];
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = preservingUnknownFields(value as JsonSchema);
    }
  }
  return out;
}
