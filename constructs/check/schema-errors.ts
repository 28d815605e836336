import { ErrorObject } from 'ajv';

import { QUANTITY_PATTERN } from '../kubernetes-rules';
import { asArray, asRecord, closest, joinPath } from './util';

/**
 * An ajv error as a finding's rule, field path and message.
 */
export interface ConvertedError {
  readonly ruleId: string;
  readonly path: string;
  readonly message: string;
}

/**
 * The ajv errors of a failed validation as findings' rules, paths and messages. `oneOf`, `anyOf` and `if` errors are
 * left out, as the errors of their branches explain them, unless no other error remains: then the first of them is
 * reported as `schema/invalid`, so that a failed validation is never silent.
 */
export function convertErrors(errors: readonly ErrorObject[], data: unknown): ConvertedError[] {
  const converted = errors.map(e => convertError(e, data)).filter((c): c is ConvertedError => c !== undefined);
  if (converted.length > 0 || errors.length === 0) {
    return converted;
  }
  const error = errors.find(e => e.keyword === 'oneOf' || e.keyword === 'anyOf') ?? errors[0];
  return [{ ruleId: 'schema/invalid', path: fieldPath(error.instancePath, data), message: error.message ?? 'is invalid' }];
}

export function convertError(error: ErrorObject, data: unknown): ConvertedError | undefined {
  const at = fieldPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys(asRecord(asRecord(error.parentSchema).properties));
      const suggestion = closest(field, known);
      const hint = suggestion ? `; did you mean "${suggestion}"?` : '';
      return { ruleId: 'schema/unknown-field', path: joinPath(at, field), message: `unknown field ${quoteName(field)}${hint}` };
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

/** A field name in quotes for a message; a very long one is cut, with its length. */
function quoteName(name: string): string {
  return name.length > 100 ? `"${name.slice(0, 97)}..." (${name.length} characters)` : `"${name}"`;
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
export function describeValue(value: unknown): string {
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
