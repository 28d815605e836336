// Object spreads that stay cheap when the copy gains properties. In V8 (Node 20), an object literal that starts with
// a spread takes a private copy of the spread object's hidden class, and every property the copy gains beyond it (a
// later property or spread of the literal, or one assigned afterwards) makes yet another hidden class for that one
// object: microseconds each, kept alive with the object, so no two apps' specs share a class. A literal that starts
// by spreading an empty object takes its classes from the shared transition tree instead. (A named empty object,
// because minifiers drop a literal `...{}`.)
import { isEmptyMap, NO_ENTRIES } from './empty';

/**
 * `{ ...a, ...b }`: the same keys in the same order, `b`'s values winning, without a hidden class per object. Typed as
 * TypeScript types a spread of generic objects; an undefined `a` or `b` adds nothing.
 */
export function merge<A extends object, B extends object>(a: A | undefined, b: B | undefined): A & B {
  return { ...NO_ENTRIES, ...a, ...b } as A & B;
}

/** `{ ...a }`, for a copy that gains properties afterwards. */
export function copy<A extends object>(a: A | undefined): A {
  return { ...NO_ENTRIES, ...a } as A;
}

/**
 * `a` and `b` combined, for maps that are only read from then on: one of them as it is when the other has no keys (as
 * is usual for labels, annotations and env a construct adds to), else their merge.
 */
export function combined<A extends object, B extends object>(a: A | undefined, b: B | undefined): A & B {
  if (a === undefined || isEmptyMap(a)) {
    return (b ?? NO_ENTRIES) as A & B;
  }
  return b === undefined || isEmptyMap(b) ? a as A & B : merge(a, b);
}

/**
 * `fresh` with the props of `extras` added in place: the keys, order and values of `merge(fresh, extras)` without
 * copying the forty props of a spec. Only for an object the caller has just made and nothing else holds yet.
 */
export function extend<A extends object, B extends object>(fresh: A, extras: B): A & B {
  return Object.assign(fresh, extras);
}
