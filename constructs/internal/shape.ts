// Run-time shape checks of props for JavaScript callers (and `as any` in TypeScript): unknown props, with a
// suggestion, and wrong types, reported as props problems instead of a TypeError deep inside the construct.
// A `Fields<T>` description must name every prop of `T` and no other (the compiler enforces both), so a prop
// added to an interface without its description does not compile.
import { PropProblems } from './problems';

/** Records the problems of `value` at prop path `at` (`''` for the props object itself). */
export interface ShapeCheck {
  (value: unknown, at: string, p: PropProblems): void;
  /**
   * Whether the check would find nothing wrong with `value`. Objects, arrays and maps test their entries with it first
   * and call the check only for an entry that fails, so the path of a prop that is right (most of them) is never put
   * together. Checks without it are always called.
   */
  readonly passes?: (value: unknown) => boolean;
}

/** A check with its `passes` test; without one (undefined), containers always call the check. */
function withTest(check: (value: unknown, at: string, p: PropProblems) => void, passes: ((value: unknown) => boolean) | undefined): ShapeCheck {
  return passes === undefined ? check : Object.assign(check, { passes });
}

/** Checks `value`, the entry `key` of the container at `at`, putting its path together only when it may be wrong. */
function checkEntry(check: ShapeCheck, value: unknown, at: string, key: string, p: PropProblems, path: (at: string, key: string) => string): void {
  if (check.passes === undefined || !check.passes(value)) {
    check(value, path(at, key), p);
  }
}

/** One check per prop of `T`, required and optional alike. */
export type Fields<T> = { readonly [K in keyof Required<T>]: ShapeCheck };

/** Kubernetes' integer fields are int32 (a few are int64, but none we emit needs more). */
const INT32_MAX = 2147483647;

function describe(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    return `'${value}'`;
  }
  if (typeof value === 'object') {
    const json = JSON.stringify(value);
    return json.length <= 40 ? json : 'an object';
  }
  return String(value);
}

function join(at: string, key: string): string {
  return at === '' ? key : `${at}.${key}`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A free key of a map: `env.PORT`, but `mounts['/etc/tls']`. */
function joinKey(at: string, key: string): string {
  return IDENTIFIER.test(key) ? join(at, key) : `${at}['${key}']`;
}

function typeProblem(p: PropProblems, at: string, value: unknown, expected: string): void {
  p.add(`${at} ${describe(value)} must be ${expected}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A check that accepts `undefined` and values for which `ok` holds. */
function primitive(expected: string, ok: (value: unknown) => boolean): ShapeCheck {
  return withTest((value, at, p) => {
    if (value !== undefined && !ok(value)) {
      typeProblem(p, at, value, expected);
    }
  }, value => value === undefined || ok(value));
}

/** Accepts anything: for entries whose values are checked later, or not at all. */
export const anything: ShapeCheck = withTest(() => undefined, () => true);

export const string: ShapeCheck = primitive('a string', v => typeof v === 'string');
export const boolean: ShapeCheck = primitive('a boolean', v => typeof v === 'boolean');

/** A finite number; integers beyond int32 are refused, because the API server refuses them. */
export const number: ShapeCheck = withTest((value, at, p) => {
  if (value === undefined) {
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    typeProblem(p, at, value, 'a number');
  } else if (Math.abs(value) > INT32_MAX) {
    p.add(`${at} ${describe(value)} must be at most ${INT32_MAX}: Kubernetes integers are 32-bit`);
  }
}, isInt32Number);

function isInt32Number(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= INT32_MAX);
}

export const numberOrString: ShapeCheck = withTest((value, at, p) => {
  if (typeof value === 'string') {
    return;
  }
  if (value !== undefined && typeof value !== 'number') {
    typeProblem(p, at, value, 'a number or a string');
    return;
  }
  number(value, at, p);
}, value => typeof value === 'string' || isInt32Number(value));

export function oneOf(expected: string, ...allowed: readonly unknown[]): ShapeCheck {
  return primitive(expected, v => allowed.includes(v));
}

/** An instance of a class the library offers (EnvValue, Mount, ModelSource); `what` names how to make one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function instanceOf(type: abstract new (...args: any[]) => unknown, what: string): ShapeCheck {
  return primitive(what, v => v instanceof type);
}

/** Tries `checks` in order by the value's type: the first whose `accepts` holds checks it. */
export function either(expected: string, ...checks: Array<{ accepts: (value: unknown) => boolean; check: ShapeCheck }>): ShapeCheck {
  return withTest((value, at, p) => {
    if (value === undefined) {
      return;
    }
    for (let i = 0; i < checks.length; i++) {
      if (checks[i].accepts(value)) {
        checks[i].check(value, at, p);
        return;
      }
    }
    typeProblem(p, at, value, expected);
  }, value => {
    if (value === undefined) {
      return true;
    }
    for (let i = 0; i < checks.length; i++) {
      if (checks[i].accepts(value)) {
        const passes = checks[i].check.passes;
        return passes !== undefined && passes(value);
      }
    }
    return false;
  });
}

export function arrayOf(item: ShapeCheck): ShapeCheck {
  const itemPasses = item.passes;
  return withTest((value, at, p) => {
    if (value === undefined) {
      return;
    }
    if (!Array.isArray(value)) {
      typeProblem(p, at, value, 'an array');
      return;
    }
    // Holes are skipped, as forEach skips them.
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) {
        continue;
      }
      const v = value[i];
      if (v === undefined) {
        p.add(`${at}[${i}] (unset) must not be empty`);
      } else if (itemPasses === undefined || !itemPasses(v)) {
        item(v, `${at}[${i}]`, p);
      }
    }
  }, itemPasses && (value => {
    if (value === undefined) {
      return true;
    }
    if (!Array.isArray(value)) {
      return false;
    }
    for (let i = 0; i < value.length; i++) {
      if (i in value && (value[i] === undefined || !itemPasses(value[i]))) {
        return false;
      }
    }
    return true;
  }));
}

/** An object with free keys, e.g. labels or env; `value` checks each entry at `<at>.<key>`. */
export function recordOf(value: ShapeCheck, expected = 'an object'): ShapeCheck {
  const valuePasses = value.passes;
  return withTest((map, at, p) => {
    if (map === undefined) {
      return;
    }
    if (!isPlainObject(map)) {
      typeProblem(p, at, map, expected);
      return;
    }
    // Own keys, in the order of Object.entries, without a list of entries.
    for (const key in map) {
      const v = map[key];
      if (v !== undefined && Object.hasOwn(map, key)) {
        checkEntry(value, v, at, key, p, joinKey);
      }
    }
  }, valuePasses && (map => {
    if (map === undefined) {
      return true;
    }
    if (!isPlainObject(map)) {
      return false;
    }
    for (const key in map) {
      const v = map[key];
      if (v !== undefined && Object.hasOwn(map, key) && !valuePasses(v)) {
        return false;
      }
    }
    return true;
  }));
}

export const stringMap: ShapeCheck = recordOf(string);

/** Any plain object, for Kubernetes shapes the library passes through (their fields are validated by the API server). */
export const anyObject: ShapeCheck = recordOf(anything);

/** An object with exactly the props `fields` describes; unknown props are refused with the closest known one. */
export function object<T>(fields: Fields<T>): ShapeCheck {
  const known = Object.keys(fields);
  const checks = new Map<string, ShapeCheck>(Object.entries(fields));
  const tested = [...checks.values()].every(c => c.passes !== undefined);
  return withTest((value, at, p) => {
    if (value === undefined) {
      return;
    }
    if (!isPlainObject(value)) {
      typeProblem(p, at === '' ? 'props' : at, value, 'an object');
      return;
    }
    for (const key in value) {
      const check = checks.get(key);
      if (check === undefined) {
        const suggestion = closest(key, known);
        p.add(`unknown prop '${join(at, key)}'${suggestion ? `; did you mean '${join(at, suggestion)}'?` : ''}`);
      } else {
        checkEntry(check, value[key], at, key, p, join);
      }
    }
  }, tested ? value => {
    if (value === undefined) {
      return true;
    }
    if (!isPlainObject(value)) {
      return false;
    }
    for (const key in value) {
      const check = checks.get(key);
      if (check === undefined || !(check.passes as (value: unknown) => boolean)(value[key])) {
        return false;
      }
    }
    return true;
  } : undefined);
}

/** The known prop a typo most likely meant, if any is close enough. */
export function closest(typo: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(typo.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3))) {
    return best;
  }
  // `enviroment` for `env`: a known prop that starts the typo
  return known.find(k => k.length >= 3 && typo.toLowerCase().startsWith(k.toLowerCase()));
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
