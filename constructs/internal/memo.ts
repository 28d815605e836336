// Remembers the results of a pure function of a string. Apps repeat the same strings (YAML keys, label keys,
// quantities) thousands of times; working each out once keeps writing large apps cheap.

/** Longer strings are computed each time: remembering them would keep large inputs (of the checker, say) alive. */
const MAX_REMEMBERED_LENGTH = 256;

/**
 * `fn`, remembering the results for up to `max` distinct short strings: beyond that it just computes, so no
 * input can grow the memory without bound. `fn` must be pure and its results never mutated.
 */
export function memoize<T>(fn: (value: string) => T, max = 10_000): (value: string) => T {
  const results = new Map<string, T>();
  return (value: string) => {
    const known = results.get(value);
    if (known !== undefined || results.has(value)) {
      return known as T;
    }
    const result = fn(value);
    if (results.size < max && value.length <= MAX_REMEMBERED_LENGTH) {
      results.set(value, result);
    }
    return result;
  };
}
