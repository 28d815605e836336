import type { default as Ajv, ValidateFunction } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types';
import type { default as addFormatsType } from 'ajv-formats';

import { QUANTITY_PATTERN } from '../kubernetes-rules';
import { validateApiConstraints } from './api-constraints';
import { validateApiReferences } from './api-references';
import { validateApiRules } from './api-validation';
import { builtinCustomResourceDefinition } from './builtin-crds';
import { customResourceVersions } from './crd-versions';
import { Finding, KubeObject, objectRef, SchemaFinding, Severity } from './findings';
import { DEFAULT_KUBERNETES_VERSION, KubernetesVersion, requireKubernetesVersion } from './kubernetes-versions';
import { readApiHistory, readPackedDefinitions } from './packed-definitions';
import { customResourceExportName, kindExportName, loadPrecompiledValidators } from './precompiled-validators';
import { describeInvalidPattern, invalidPatterns, linearRegExpEngine } from './regexp';
import { DOCUMENT_ID, JsonSchema, prepareCustomResourceSchema, prepareDefinition, withoutNulls } from './schema-definitions';
import { convertErrors, describeValue } from './schema-errors';
import { shareRepeatedSubschemas } from './shared-subschemas';
import { appendAll, asArray, asRecord } from './util';

/** The kinds a model-serving app usually consists of, compiled by `warmUp()`. */
export const COMMON_KINDS: readonly { readonly apiVersion: string; readonly kind: string }[] = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Namespace' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
];

/** The kinds the constructs emit, whose validators `npm run build` precompiles: the common kinds and the custom resources. */
export const EMITTED_KINDS: readonly { readonly apiVersion: string; readonly kind: string }[] = [
  ...COMMON_KINDS,
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
  { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor' },
];

interface GroupVersionKind {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** Loads ajv on first use, so that importing the package for its constructs does not pay for the checker. */
function createAjv(engine: RegExpEngine, standalone: boolean): Ajv {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { default: AjvClass, _ } = require('ajv') as typeof import('ajv');
  const addFormats = require('ajv-formats').default as typeof addFormatsType;
  /* eslint-enable @typescript-eslint/no-require-imports */
  const ajv = new AjvClass({
    allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false,
    // standalone code (precompiled-validators.ts) embeds the schemas and requires the formats it uses
    code: { regExp: engine, ...(standalone ? { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } : {}) },
  });
  addFormats(ajv);
  return ajv;
}

/**
 * The Kubernetes definitions of one version, with the validators compiled from them, or loaded precompiled when the
 * build made them (precompiled-validators.ts). Preparing and adding the definitions to ajv is the slow part of a
 * compiled validator, so every SchemaValidator of one version shares them, and it is done only for the first schema
 * to compile; custom resource schemas are compiled into the same instance (they refer to its ObjectMeta), cached by
 * content, while which kinds a validator knows stays its own.
 */
class KubernetesDefinitions {
  public readonly definitionByKind = new Map<string, string>();
  public readonly apiVersionsByKind = new Map<string, string[]>();
  private readonly definitions: Record<string, JsonSchema>;
  private readonly engine = linearRegExpEngine(new Set([QUANTITY_PATTERN]));
  private readonly precompiled: Record<string, ValidateFunction> | undefined;
  private ajvInstance?: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly customResourceValidators = new Map<string, ValidateFunction>();
  private readonly sharedSubschemas = new Map<string, string>();
  /** The export names of what was compiled, for standaloneValidatorsCode. */
  public readonly compiledExports: string[] = [];

  /** @param standalone compile everything, into an ajv instance that can generate standalone code (the build) */
  public constructor(kubernetesVersion: KubernetesVersion, private readonly standalone = false) {
    this.definitions = readPackedDefinitions(kubernetesVersion);
    for (const [name, definition] of Object.entries(this.definitions)) {
      for (const gvk of groupVersionKinds(definition)) {
        const key = gvkKey(apiVersionOf(gvk), gvk.kind);
        if (!this.definitionByKind.has(key)) {
          this.definitionByKind.set(key, `${DOCUMENT_ID}#/definitions/${name}`);
          rememberApiVersion(this.apiVersionsByKind, gvk.kind, apiVersionOf(gvk));
        }
      }
    }
    this.precompiled = standalone ? undefined : loadPrecompiledValidators(kubernetesVersion, this.engine);
  }

  /** The ajv instance with the prepared definitions, created for the first schema to compile. */
  public get ajv(): Ajv {
    if (!this.ajvInstance) {
      this.ajvInstance = createAjv(this.engine, this.standalone);
      const prepared = Object.fromEntries(Object.entries(this.definitions).map(([name, definition]) => [name, prepareDefinition(name, definition)]));
      this.ajvInstance.addSchema({ $id: DOCUMENT_ID, definitions: prepared });
    }
    return this.ajvInstance;
  }

  /** The validator of a Kubernetes kind, compiled on first use; undefined for kinds the definitions do not have. */
  public validatorFor(key: string): ValidateFunction | undefined {
    const cached = this.validators.get(key);
    if (cached) {
      return cached;
    }
    const ref = this.definitionByKind.get(key);
    if (!ref) {
      return undefined;
    }
    const validator = this.precompiled?.[kindExportName(key)] ?? this.compile(() => ({ $ref: ref }), kindExportName(key));
    this.validators.set(key, validator);
    return validator;
  }

  /** The validator of a prepared custom resource schema, compiled once per distinct schema. */
  public customResourceValidator(schema: JsonSchema): ValidateFunction {
    const key = JSON.stringify(schema);
    const cached = this.customResourceValidators.get(key);
    if (cached) {
      return cached;
    }
    const name = customResourceExportName(key);
    const validator = this.precompiled?.[name] ?? this.compile(() => shareRepeatedSubschemas(schema, this.ajv, this.sharedSubschemas), name);
    this.customResourceValidators.set(key, validator);
    return validator;
  }

  /** Compiles a schema; for standalone code, under its export name. */
  private compile(schema: () => JsonSchema, exportName: string): ValidateFunction {
    if (!this.standalone) {
      return this.ajv.compile(schema());
    }
    this.ajv.addSchema(schema(), exportName);
    this.compiledExports.push(exportName);
    return this.ajv.getSchema(exportName)!;
  }
}

/** The definitions of each version, decoded on first use: a check with one version never decodes another. */
const definitionsByVersion = new Map<KubernetesVersion, KubernetesDefinitions>();

function definitionsOf(kubernetesVersion: KubernetesVersion): KubernetesDefinitions {
  const cached = definitionsByVersion.get(kubernetesVersion);
  if (cached) {
    return cached;
  }
  const definitions = new KubernetesDefinitions(kubernetesVersion);
  definitionsByVersion.set(kubernetesVersion, definitions);
  return definitions;
}

/**
 * Validates plain Kubernetes objects against the OpenAPI definitions of one Kubernetes version (1.28 unless another
 * is chosen), strictly: types, required fields, enums, formats, and unknown fields, which the definitions allow but
 * the API server drops or rejects; then the API server's own rules for names, labels, ports and environment variable
 * names.
 * Each kind is compiled once, on first use, and cached; validators of one version share that work, so a new validator
 * is cheap.
 *
 * Custom resources are checked against the `openAPIV3Schema` of their CustomResourceDefinition once it is added.
 */
export class SchemaValidator {
  /** The Kubernetes minor version whose API this validator checks, such as `1.30`. */
  public readonly kubernetesVersion: KubernetesVersion;
  private readonly definitions: KubernetesDefinitions;
  private readonly customResources = new Map<string, ValidateFunction>();
  private readonly customApiVersionsByKind = new Map<string, string[]>();
  private readonly builtinsTried = new Set<string>();

  /**
   * @param kubernetesVersion one of `KUBERNETES_VERSIONS` (`1.30`, `v1.30` and `1.30.4` all name 1.30); throws for others
   */
  public constructor(kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION) {
    this.kubernetesVersion = requireKubernetesVersion('kubernetesVersion', kubernetesVersion);
    this.definitions = definitionsOf(this.kubernetesVersion);
  }

  /**
   * Whether objects of this `apiVersion` and `kind` can be checked.
   */
  public isKnown(apiVersion: string, kind: string): boolean {
    const key = gvkKey(apiVersion, kind);
    return this.customResources.has(key) || this.definitions.definitionByKind.has(key)
      || this.addBuiltinCustomResource(apiVersion, kind) !== undefined;
  }

  /**
   * Checks custom resources of the kinds this CustomResourceDefinition declares (every served version), of
   * `apiextensions.k8s.io/v1` or `v1beta1` (see `customResourceVersions`). Unknown fields are rejected unless the
   * schema sets `x-kubernetes-preserve-unknown-fields`.
   */
  public addCustomResourceDefinition(crd: unknown): void {
    this.addCustomResourceVersions(crd);
  }

  /** Adds every served version of the CRD, or with `only`, compiles that one and remembers the others for messages. */
  private addCustomResourceVersions(crd: unknown, only?: string): void {
    for (const { apiVersion, kind, schema } of customResourceVersions(crd)) {
      rememberApiVersion(this.customApiVersionsByKind, kind, apiVersion);
      if (only === undefined || only === apiVersion) {
        const validator = this.definitions.customResourceValidator(prepareCustomResourceSchema(schema, apiVersion, kind));
        this.customResources.set(gvkKey(apiVersion, kind), validator);
      }
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
    if (o.apiVersion === 'v1' && o.kind === 'List') {
      return asArray(o.items).flatMap((item, i) => this.validate(item).map(f => ({ ...f, path: f.path ? `items[${i}].${f.path}` : `items[${i}]` })));
    }
    const validator = this.validatorFor(o.apiVersion, o.kind);
    if (!validator) {
      return [finding('schema/unknown-kind', 'apiVersion', this.unknownKindMessage(o.apiVersion, o.kind))];
    }
    const data = withoutNulls(o);
    const findings: Finding[] = [];
    if (!validator(data)) {
      for (const converted of convertErrors(validator.errors ?? [], data)) {
        findings.push(finding(converted.ruleId, converted.path, converted.message));
      }
    }
    const meta = asRecord(data.metadata);
    const isList = o.kind.endsWith('List') && Array.isArray(o.items);
    if (!isList && typeof meta.name !== 'string' && typeof meta.generateName !== 'string') {
      findings.push(finding('schema/required', 'metadata.name', 'required field "metadata.name" is missing'));
    }
    appendAll(findings, validateApiRules(data));
    appendAll(findings, validateApiReferences(data));
    appendAll(findings, validateApiConstraints(o));
    if (o.kind === 'CustomResourceDefinition' && o.apiVersion.startsWith('apiextensions.k8s.io/')) {
      appendAll(findings, invalidPatterns(data).map(p => finding('schema/invalid', p.path, describeInvalidPattern(p))));
    }
    return dedupe(findings);
  }

  /**
   * Compiles the validators of these kinds now (each is otherwise compiled on first use). Unknown kinds are skipped.
   */
  public warmUp(kinds: readonly { readonly apiVersion: string; readonly kind: string }[] = COMMON_KINDS): void {
    for (const { apiVersion, kind } of kinds) {
      this.validatorFor(apiVersion, kind);
    }
  }

  private validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = gvkKey(apiVersion, kind);
    return this.customResources.get(key) ?? this.definitions.validatorFor(key) ?? this.addBuiltinCustomResource(apiVersion, kind);
  }

  /**
   * The kinds of the CRDs the package ships are known without being added, each version compiled on first use (the
   * Argo CD Application schema takes about 80 ms of CPU); an added CRD of the same version takes precedence.
   */
  private addBuiltinCustomResource(apiVersion: string, kind: string): ValidateFunction | undefined {
    const key = gvkKey(apiVersion, kind);
    if (this.builtinsTried.has(key)) {
      return undefined;
    }
    this.builtinsTried.add(key);
    const crd = builtinCustomResourceDefinition(apiVersion, kind);
    if (crd !== undefined) {
      this.addCustomResourceVersions(crd, apiVersion);
    }
    return this.customResources.get(key);
  }

  private unknownKindMessage(apiVersion: string, kind: string): string {
    const served = [...(this.definitions.apiVersionsByKind.get(kind) ?? []), ...(this.customApiVersionsByKind.get(kind) ?? [])];
    const otherVersions = readApiHistory().servedBy[`${apiVersion} ${kind}`];
    const notServed = `kind ${kind} is not served as apiVersion "${apiVersion}" in Kubernetes ${this.kubernetesVersion}`;
    const history = otherVersions ? ` (served by Kubernetes ${describeVersions(otherVersions)})` : '';
    if (served.length > 0) {
      return `${notServed}${history}; use ${served.map(v => `"${v}"`).join(' or ')}`;
    }
    if (otherVersions) {
      return `${notServed}${history}`;
    }
    return `unknown kind ${kind} (apiVersion "${apiVersion}") for Kubernetes ${this.kubernetesVersion}; if it is a custom resource, check it with its CustomResourceDefinition`;
  }
}

/** Consecutive minor versions as ranges: `1.28 to 1.31`, `1.33`, `1.28 and 1.30 to 1.36`. */
function describeVersions(versions: readonly string[]): string {
  const minors = versions.map(v => Number(v.split('.')[1]));
  const ranges: string[] = [];
  for (let i = 0; i < minors.length; i++) {
    let j = i;
    while (j + 1 < minors.length && minors[j + 1] === minors[j] + 1) {
      j++;
    }
    ranges.push(i === j ? versions[i] : `${versions[i]} to ${versions[j]}`);
    i = j;
  }
  return ranges.length > 1 ? `${ranges.slice(0, -1).join(', ')} and ${ranges[ranges.length - 1]}` : ranges[0];
}

function rememberApiVersion(apiVersionsByKind: Map<string, string[]>, kind: string, apiVersion: string): void {
  const versions = apiVersionsByKind.get(kind);
  if (!versions) {
    apiVersionsByKind.set(kind, [apiVersion]);
  } else if (!versions.includes(apiVersion)) {
    versions.push(apiVersion);
  }
}

const shared = new Map<KubernetesVersion, SchemaValidator>();

/**
 * The validator of a Kubernetes version that knows no CustomResourceDefinitions, created on first use.
 */
export function defaultSchemaValidator(kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION): SchemaValidator {
  const version = requireKubernetesVersion('kubernetesVersion', kubernetesVersion);
  const validator = shared.get(version) ?? new SchemaValidator(version);
  shared.set(version, validator);
  return validator;
}

/**
 * Validates one plain Kubernetes object (`{ apiVersion, kind, metadata, ... }`) against the API of a Kubernetes
 * version, 1.28 by default, strictly. Returns one finding per problem, each with the JSON path of the bad field; none
 * when it is valid.
 */
export function validateManifest(obj: unknown, kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION): SchemaFinding[] {
  return defaultSchemaValidator(kubernetesVersion).validate(obj);
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

/**
 * The standalone code (CommonJS) of the validators of `kinds` in one Kubernetes version, for the build
 * (scripts/precompile-validators.ts): compiled as a check compiles them, exported under the names a check looks them
 * up by (precompiled-validators.ts). Kinds the definitions lack are the built-in custom resources.
 */
export function standaloneValidatorsCode(kubernetesVersion: KubernetesVersion, kinds = EMITTED_KINDS): string {
  const definitions = new KubernetesDefinitions(kubernetesVersion, true);
  for (const { apiVersion, kind } of kinds) {
    if (definitions.validatorFor(gvkKey(apiVersion, kind))) {
      continue;
    }
    const crd = builtinCustomResourceDefinition(apiVersion, kind);
    const served = crd === undefined ? undefined : customResourceVersions(crd).find(v => v.apiVersion === apiVersion);
    if (!served) {
      throw new Error(`no definition or built-in CustomResourceDefinition of ${apiVersion} ${kind} in Kubernetes ${kubernetesVersion}`);
    }
    definitions.customResourceValidator(prepareCustomResourceSchema(served.schema, apiVersion, kind));
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  return standaloneCode(definitions.ajv, Object.fromEntries(definitions.compiledExports.map(name => [name, name])));
}
