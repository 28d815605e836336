import { asRecord } from './util';

/**
 * How bad a finding is. Errors fail a check; warnings fail it only in strict mode; info findings never fail it (they
 * say what must exist before the manifests are applied).
 */
export enum Severity {
  ERROR = 'error',
  WARNING = 'warning',
  INFO = 'info',
}

/**
 * The object a finding is about, as `kubectl` would name it.
 */
export interface ObjectRef {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/**
 * One problem found in a manifest.
 */
export interface Finding {
  /** A short stable id, such as `schema/unknown-field` or `pss-restricted/run-as-non-root`. */
  readonly ruleId: string;
  readonly severity: Severity;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** The field inside the object, such as `spec.template.spec.containers[0].name`; empty for the whole object. */
  readonly path: string;
  /** The object the finding is about. */
  readonly object?: ObjectRef;
  /** The file the object came from, when it came from a file. */
  readonly file?: string;
  /** The 1-based line of the field (or of its closest ancestor) in the file, when known. */
  readonly line?: number;
  /** The reason given by the waiver annotation that waives this finding; a waived finding fails nothing. */
  readonly waived?: string;
}

/** The findings of schema validation: the same shape as every other finding. */
export type SchemaFinding = Finding;

/** A plain Kubernetes object, as parsed from YAML or JSON. */
export type KubeObject = Record<string, unknown>;

/**
 * An object to check, with where it came from.
 */
export interface ManifestObject {
  readonly object: KubeObject;
  /** The file the object was read from. */
  readonly file?: string;
  /** The 1-based line where the object starts in its file. */
  readonly line?: number;
  /** The 1-based line of a field path of the object in its file, or of its closest ancestor. */
  readonly locate?: (path: string) => number | undefined;
}

/**
 * The reference of an object (`kind`, `namespace`, `name`), read defensively.
 */
export function objectRef(obj: unknown): ObjectRef {
  const o = asRecord(obj);
  const meta = asRecord(o.metadata);
  return {
    ...(typeof o.apiVersion === 'string' ? { apiVersion: o.apiVersion } : {}),
    ...(typeof o.kind === 'string' ? { kind: o.kind } : {}),
    ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
    ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
  };
}

/**
 * `Kind/namespace/name`, the way findings print an object.
 */
export function describeObject(ref: ObjectRef | undefined): string {
  if (!ref) {
    return '(unknown object)';
  }
  const kind = ref.kind ?? '(no kind)';
  const name = ref.name ?? '(no name)';
  return ref.namespace ? `${kind}/${ref.namespace}/${name}` : `${kind}/${name}`;
}
