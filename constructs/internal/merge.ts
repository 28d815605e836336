// Object spreads that stay cheap when the copy gains properties. In V8 (Node 20), an object literal that starts with
// a spread takes a private copy of the spread object's hidden class, and every property the copy gains beyond it (a
// later property or spread of the literal, or one assigned afterwards) makes yet another hidden class for that one
// object: microseconds each, kept alive with the object, so no two apps' specs share a class. A literal that starts
// by spreading an empty object takes its classes from the shared transition tree instead. (A named empty object,
// because minifiers drop a literal `...{}`.)
import { NO_ENTRIES } from './empty';

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
