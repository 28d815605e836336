// Value checks shared by the serving constructs. Each records problems; the construct throws them together.
// The rules come from their own modules, not the kubernetes-rules index: these checks run for every prop of every app,
// and each name read through the index's re-exports costs one more getter call.
import {
  DNS_LABEL_MAX, isDns1035Label, isDns1123Label, isDns1123Subdomain, isHttpPath, isLabelValue, isNonNegativeInteger, isPort, isPositiveInteger,
} from '../kubernetes-rules/names';
import { isQuantity } from '../kubernetes-rules/quantity';
import { isMeaningfulReason } from '../kubernetes-rules/waiver-keys';
import { PropProblems } from './problems';
import { isQualifiedNameOnce, parseImageOnce, parseQuantityOnce } from './remembered-rules';

export const HTTP_PATH_RULE = "must be an absolute HTTP path starting with '/', without spaces, '?' or '#'";

const NAME_RULE = `must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter, at most ${DNS_LABEL_MAX} characters)`;
const NAMESPACE_RULE = `must be a DNS-1123 label (lowercase letters, digits and '-', at most ${DNS_LABEL_MAX} characters)`;

export function checkName(p: PropProblems, name: string): void {
  p.check(typeof name === 'string' && isDns1035Label(name), 'name', name, NAME_RULE);
}

export function checkNamespace(p: PropProblems, namespace: string | undefined): void {
  if (namespace !== undefined) {
    p.check(isDns1123Label(namespace), 'namespace', namespace, NAMESPACE_RULE);
  }
}

/** Names of other objects (Secrets, ConfigMaps, claims, classes), given at `prop`. */
export function checkObjectName(p: PropProblems, prop: string, name: string | undefined): void {
  if (name !== undefined) {
    p.check(isDns1123Subdomain(name), prop, name, 'must be a DNS-1123 subdomain (lowercase letters, digits, \'-\' and \'.\')');
  }
}

export function checkImage(p: PropProblems, prop: string, image: string): void {
  const problem = imageProblem(image);
  if (problem !== undefined) {
    p.fail(prop, image, problem);
  }
}

/** The rule a container image breaks, or undefined for a pinned one. */
export function imageProblem(image: string): string | undefined {
  if (!(typeof image === 'string' && image.length > 0)) {
    return "is required: a container image such as 'repo/model:1.4.2'";
  }
  const parsed = parseImageOnce(image);
  if (typeof parsed === 'string') {
    return parsed;
  } else if (parsed.tag === undefined && parsed.digest === undefined) {
    return 'must carry a tag or a digest, e.g. \'repo/model:1.4.2\'';
  } else if (parsed.tag === 'latest' && parsed.digest === undefined) {
    return 'must not use the floating tag \'latest\'; pin a version or a digest';
  }
  return undefined;
}

export function checkPort(p: PropProblems, prop: string, port: number | undefined): void {
  if (port !== undefined) {
    p.check(isPort(port), prop, port, 'must be an integer within 1-65535');
  }
}

// The tests of the checks below, for callers that put the prop's path together only once a value fails one.

export function isOptionalNonNegativeInteger(value: number | undefined): boolean {
  return value === undefined || isNonNegativeInteger(value);
}

export function isOptionalPositiveInteger(value: number | undefined): boolean {
  return value === undefined || isPositiveInteger(value);
}

export function isOptionalQuantity(value: string | undefined): boolean {
  return value === undefined || (typeof value === 'string' && isQuantity(value));
}

export function isOptionalHttpPath(value: string | undefined): boolean {
  return value === undefined || isHttpPath(value);
}

export function isRequestWithinLimit(request: string | undefined, limit: string | undefined): boolean {
  const r = request !== undefined ? parseQuantityOnce(request) : undefined;
  const l = limit !== undefined ? parseQuantityOnce(limit) : undefined;
  return !(r !== undefined && l !== undefined && r > l);
}

export function checkNonNegativeInteger(p: PropProblems, prop: string, value: number | undefined): void {
  if (!isOptionalNonNegativeInteger(value)) {
    p.fail(prop, value, 'must be a non-negative integer');
  }
}

export function checkPositiveInteger(p: PropProblems, prop: string, value: number | undefined): void {
  if (!isOptionalPositiveInteger(value)) {
    p.fail(prop, value, 'must be an integer of at least 1');
  }
}

export function checkQuantity(p: PropProblems, prop: string, value: string | undefined, example: string): void {
  if (!isOptionalQuantity(value)) {
    p.fail(prop, value, `is not a Kubernetes quantity (e.g. ${example})`);
  }
}

/** A request must not exceed its limit; both are quantities at `<prop>.request` and `<prop>.limit`. */
export function checkRequestWithinLimit(p: PropProblems, prop: string, request: string | undefined, limit: string | undefined): void {
  if (!isRequestWithinLimit(request, limit)) {
    p.add(`${prop}.request '${request}' must not exceed ${prop}.limit '${limit}'`);
  }
}

export function checkHttpPath(p: PropProblems, prop: string, path: string | undefined): void {
  if (!isOptionalHttpPath(path)) {
    p.fail(prop, path, HTTP_PATH_RULE);
  }
}

/** Label and annotation keys: an optional DNS prefix and a name of at most 63 characters. */
export function checkKeys(p: PropProblems, prop: string, map: { readonly [key: string]: string }): void {
  // for...in with Object.hasOwn lists the keys Object.keys would, without making the list.
  for (const key in map) {
    if (Object.hasOwn(map, key) && !isQualifiedNameOnce(key)) {
      p.fail(`${prop} key`, key, "must be a qualified name such as 'example.com/my-key'");
    }
  }
}

export function checkLabels(p: PropProblems, prop: string, labels: { readonly [key: string]: string }): void {
  checkKeys(p, prop, labels);
  for (const key in labels) {
    const value = labels[key];
    if (Object.hasOwn(labels, key) && value !== undefined && !isLabelValue(value)) {
      p.fail(`${prop}.${key}`, value, LABEL_VALUE_RULE);
    }
  }
}

/** A user's labels or annotations are merged with the construct's own: overwriting one of ours would break it. */
export function checkNoOverwrite(
  p: PropProblems, prop: string, user: { readonly [key: string]: string }, ours: { readonly [key: string]: string },
): void {
  for (const key in user) {
    if (Object.hasOwn(user, key) && Object.hasOwn(ours, key)) {
      p.fail(`${prop} key`, key, `is set by the construct itself (to '${ours[key]}') and must not be overwritten`);
    }
  }
}

const LABEL_VALUE_RULE = "must be a valid label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)";

export function checkLabelValue(p: PropProblems, prop: string, value: string | undefined): void {
  if (value !== undefined) {
    p.check(isLabelValue(value), prop, value, LABEL_VALUE_RULE);
  }
}

export function checkOneOf(p: PropProblems, prop: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    p.fail(prop, value, `must be one of ${allowed.join(', ')}`);
  }
}

export function checkReason(p: PropProblems, prop: string, reason: string | undefined, why: string): void {
  if (reason !== undefined) {
    // A reason becomes a waiver annotation, which the checker honours only with a letter or a digit in it.
    p.check(typeof reason === 'string' && isMeaningfulReason(reason), prop, reason, `must explain why ${why}`);
  }
}
