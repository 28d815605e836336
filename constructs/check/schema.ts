import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as fs from 'fs';
import * as path from 'path';

import { validateApiRules } from './api-validation';
import { KUBERNETES_ENUMS } from './enums';
import { Finding, KubeObject, objectRef, SchemaFinding, Severity } from './findings';
import { asArray, asRecord, closest, joinPath } from './util';

/** The Kubernetes version whose API the schema checks describe. */
export const KUBERNETES_VERSION = '1.28';

/** Where the packaged copy of the Kubernetes OpenAPI definitions lives, relative to this file in source and in lib/. */
export const DEFINITIONS_FILE = path.join(__dirname, '..', '..', 'schemas', `v${KUBERNETES_VERSION}.0-definitions.json`);

/** A Kubernetes quantity: a decimal number with an optional binary or decimal suffix, or an exponent. */
export const QUANTITY_PATTERN = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$';

const DOCUMENT_ID = 'k8s';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

type JsonSchema = Record<string, unknown>;

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/**
 * Validates plain Kubernetes objects against the Kubernetes 1.28 OpenAPI definitions, strictly: types, required
 * fields, enums, formats, and unknown fields, which the definitions allow but the API server drops or rejects; then
 * the API server's own rules for names, labels, ports and environment variable names.
 * Each kind is compiled once, on first use, and cached.
 *
 * Custom resources are checked against the `openAPIV3Schema` of their CustomResourceDefinition once it is added.
 */
export class SchemaValidator {
  private readonly ajv: Ajv;
  private readonly definitionByKind = new Map<string, string>();
  private readonly apiVersionsByKind = new Map<string, string[]>();
  private readonly validators = new Map<string, ValidateFunction>();

  public constructor(definitionsFile: string = DEFINITIONS_FILE) {
    const definitions = readDefinitions(definitionsFile);
    this.ajv = new Ajv({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats(this.ajv);
    const prepared: Record<string, JsonSchema> = {};
    for (const [name, definition] of Object.entries(definitions)) {
      for (const gvk of groupVersionKinds(definition)) {
        const key = gvkKey(apiVersionOf(gvk), gvk.kind);
        if (!this.definitionByKind.has(key)) {
          this.definitionByKind.set(key, `${DOCUMENT_ID}#/definitions/${name}`);
          this.rememberApiVersion(gvk.kind, apiVersionOf(gvk));
        }
      }
      prepared[name] = prepareDefinition(name, definition);
    }
    this.ajv.addSchema({ $id: DOCUMENT_ID, definitions: prepared });
  }

  /**
   * Whether objects of this `apiVersion` and `kind` can be checked.
   */
  public isKnown(apiVersion: string, kind: string): boolean {
    return this.definitionByKind.has(gvkKey(apiVersion, kind));
  }

  /**
   * Checks custom resources of the kinds this CustomResourceDefinition declares (every served version).
   * Unknown fields are rejected unless the schema sets `x-kubernetes-preserve-unknown-fields`.
   */
  public addCustomResourceDefinition(crd: unknown): void {
    const spec = asRecord(asRecord(crd).spec);
    const group = spec.group;
    const kind = asRecord(spec.names).kind;
    if (typeof group !== 'string' || typeof kind !== 'string') {
      throw new Error('CustomResourceDefinition must have spec.group and spec.names.kind');
    }
    for (const version of asArray(spec.versions)) {
      const v = asRecord(version);
      const schema = asRecord(asRecord(v.schema).openAPIV3Schema);
      if (typeof v.name !== 'string') {
        continue;
      }
      const apiVersion = `${group}/${v.name}`;
      const key = gvkKey(apiVersion, kind);
      this.validators.set(key, this.ajv.compile(prepareCustomResourceSchema(schema, apiVersion, kind)));
      this.definitionByKind.set(key, `CustomResourceDefinition ${asRecord(asRecord(crd).metadata).name}`);
      this.rememberApiVersion(kind, apiVersion);
    }
  }

  /**
   * Validates one object. Returns no findings when it is valid.
   */
  public validate(obj: unknown): SchemaFinding[] {
    const ref = objectRef(obj);
    const finding = (ruleId: string, fieldPath: string, message: string): Finding =>
      ({ ruleId, severity: Severity.ERROR, message, path: fieldPath, object: ref });
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return [finding('schema/not-an-object', '', `a Kubernetes object must be a mapping, got ${describeValue(obj)}`)];
    }
    const o = obj as KubeObject;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      const missing = [
        ...(typeof o.apiVersion !== 'string' ? [finding('schema/required', 'apiVersion', 'required field "apiVersion" is missing or not a string')] : []),
        ...(typeof o.kind !== 'string' ? [finding('schema/required', 'kind', 'required field "kind" is missing or not a string')] : []),
      ];
      return missing;
    }
    const validator = this.validatorFor(o.apiVersion, o.kind);
    if (!validator) {
      return [finding('schema/unknown-kind', 'apiVersion', this.unknownKindMessage(o.apiVersion, o.kind))];
    }
    const data = withoutNulls(o);
    const findings: Finding[] = [];
    if (!validator(data)) {
      for (const error of validator.errors ?? []) {
        const converted = convertError(error, data);
        if (converted) {
          findings.push(finding(converted.ruleId, converted.path, converted.message));
        }
      }
    }
    const meta = asRecord(data.metadata);
    if (!o.kind.endsWith('List') && typeof meta.name !== 'string' && typeof meta.generateName !== 'string') {
      findings.push(finding('schema/required', 'metadata.name', 'required field "metadata.name" is missing'));
    }
    findings.push(...validateApiRules(data));
    return dedupe(findings);
  }

  private validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = gvkKey(apiVersion, kind);
    const cached = this.validators.get(key);
    if (cached) {
      return cached;
    }
    const ref = this.definitionByKind.get(key);
    if (!ref) {
      return undefined;
    }
    const validator = this.ajv.compile({ $ref: ref });
    this.validators.set(key, validator);
    return validator;
  }

  private unknownKindMessage(apiVersion: string, kind: string): string {
    const served = this.apiVersionsByKind.get(kind);
    if (served && served.length > 0) {
      return `kind ${kind} is not served as apiVersion "${apiVersion}" in Kubernetes ${KUBERNETES_VERSION}; use ${served.map(v => `"${v}"`).join(' or ')}`;
    }
    return `unknown kind ${kind} (apiVersion "${apiVersion}") for Kubernetes ${KUBERNETES_VERSION}; if it is a custom resource, check it with its CustomResourceDefinition`;
  }

  private rememberApiVersion(kind: string, apiVersion: string): void {
    const versions = this.apiVersionsByKind.get(kind) ?? [];
    if (!versions.includes(apiVersion)) {
      versions.push(apiVersion);
    }
    this.apiVersionsByKind.set(kind, versions);
  }
}

let shared: SchemaValidator | undefined;

/**
 * The validator `validateManifest` uses, created on first use.
 */
export function defaultSchemaValidator(): SchemaValidator {
  shared = shared ?? new SchemaValidator();
  return shared;
}

/**
 * Validates one plain Kubernetes object (`{ apiVersion, kind, metadata, ... }`) against the Kubernetes 1.28 API,
 * strictly. Returns one finding per problem, each with the JSON path of the bad field; none when it is valid.
 */
export function validateManifest(obj: unknown): SchemaFinding[] {
  return defaultSchemaValidator().validate(obj);
}

function readDefinitions(file: string): Record<string, JsonSchema> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf-8');
  } catch (e) {
    throw new Error(`cannot read the Kubernetes OpenAPI definitions at ${file}: ${(e as Error).message}`);
  }
  return (JSON.parse(text) as { definitions: Record<string, JsonSchema> }).definitions;
}

function groupVersionKinds(definition: JsonSchema): GroupVersionKind[] {
  return asArray(definition['x-kubernetes-group-version-kind']) as GroupVersionKind[];
}

function apiVersionOf(gvk: GroupVersionKind): string {
  return gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
}

function gvkKey(apiVersion: string, kind: string): string {
  return `${apiVersion}|${kind}`;
}

/**
 * Rewrites one definition for strict validation: closes objects, restores enums, and types int-or-string and
 * quantity values so that one error explains them.
 */
function prepareDefinition(name: string, definition: JsonSchema): JsonSchema {
  if (name === INT_OR_STRING) {
    return { type: ['string', 'integer'] };
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

function prepareCustomResourceSchema(schema: JsonSchema, apiVersion: string, kind: string): JsonSchema {
  const prepared = closeObjects(schema, true);
  const properties = { ...asRecord(prepared.properties) };
  properties.apiVersion = { type: 'string', enum: [apiVersion] };
  properties.kind = { type: 'string', enum: [kind] };
  properties.metadata = { $ref: `${DOCUMENT_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta` };
  return { ...prepared, type: 'object', properties, additionalProperties: prepared.additionalProperties ?? false };
}

const SCHEMA_KEYWORDS = new Set([
  '$ref', 'type', 'format', 'enum', 'properties', 'additionalProperties', 'items', 'required', 'oneOf', 'anyOf', 'allOf', 'not',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
  'uniqueItems', 'minProperties', 'maxProperties', 'multipleOf', 'nullable', 'default',
]);

/**
 * A copy of a schema without descriptions and extensions, where every object with known properties rejects others.
 * In custom resource schemas, `x-kubernetes-preserve-unknown-fields` keeps an object open, `x-kubernetes-int-or-string`
 * accepts both, and `nullable` accepts null.
 */
function closeObjects(schema: JsonSchema, customResource: boolean): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!SCHEMA_KEYWORDS.has(key) || key === 'nullable' || key === 'default') {
      continue;
    }
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(asRecord(value)).map(([k, v]) => [k, closeObjects(asRecord(v), customResource)]));
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && value !== null && typeof value === 'object') {
      out[key] = closeObjects(value as JsonSchema, customResource);
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
      out[key] = asArray(value).map(v => closeObjects(asRecord(v), customResource));
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
  if (out.properties && out.additionalProperties === undefined && !open) {
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
function withoutNulls(value: KubeObject): KubeObject {
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

interface ConvertedError {
  readonly ruleId: string;
  readonly path: string;
  readonly message: string;
}

function convertError(error: ErrorObject, data: unknown): ConvertedError | undefined {
  const at = fieldPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys(asRecord(asRecord(error.parentSchema).properties));
      const suggestion = closest(field, known);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
      return { ruleId: 'schema/unknown-field', path: joinPath(at, field), message: `unknown field "${field}"${hint}` };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { ruleId: 'schema/required', path: joinPath(at, field), message: `required field "${field}" is missing` };
    }
    case 'type': {
      const expected = String(params.type).split(',').map(t => article(t)).join(' or ');
      return { ruleId: 'schema/type', path: at, message: `must be ${expected}, got ${describeValue(error.data)}` };
    }
    case 'enum': {
      const allowed = asArray(params.allowedValues).map(v => JSON.stringify(v)).join(', ');
      return { ruleId: 'schema/enum', path: at, message: `must be one of ${allowed}, got ${describeValue(error.data)}` };
    }
    case 'format':
      return { ruleId: 'schema/format', path: at, message: `must be a valid ${params.format} value, got ${describeValue(error.data)}` };
    case 'pattern':
      if (error.schema === QUANTITY_PATTERN) {
        return {
          ruleId: 'schema/quantity',
          path: at,
          message: `must be a Kubernetes quantity such as 250m, 0.5, 512Mi or 2Gi, got ${describeValue(error.data)}`,
        };
      }
      return { ruleId: 'schema/pattern', path: at, message: `must match ${String(error.schema)}, got ${describeValue(error.data)}` };
    case 'oneOf':
    case 'anyOf':
    case 'if':
      return undefined;
    default:
      return { ruleId: 'schema/invalid', path: at, message: `${error.message ?? 'is invalid'}` };
  }
}

/**
 * Turns an ajv JSON pointer into a field path, using the data to tell array indexes from map keys.
 */
function fieldPath(pointer: string, data: unknown): string {
  let out = '';
  let current: unknown = data;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      const index = Number(segment);
      out = joinPath(out, index);
      current = current[index];
    } else {
      out = joinPath(out, segment);
      current = asRecord(current)[segment];
    }
  }
  return out;
}

function article(type: string): string {
  switch (type) {
    case 'object': return 'a mapping';
    case 'array': return 'a list';
    case 'integer': return 'an integer';
    default: return `a ${type}`;
  }
}

/**
 * A short description of a value for messages: `"8080"` (string), `8080` (number), a mapping, a list.
 */
function describeValue(value: unknown): string {
  if (value === null || value === undefined) {
    return 'nothing';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (typeof value === 'object') {
    return 'a mapping';
  }
  if (typeof value === 'string') {
    return `string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`;
  }
  return `${typeof value} ${String(value)}`;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter(f => {
    const key = `${f.ruleId}|${f.path}|${f.message}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}
