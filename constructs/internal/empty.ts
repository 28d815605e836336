// Shared empty defaults: thousands of apps resolve to the same "nothing", so they share one frozen value
// instead of allocating (and keeping alive until synth) an empty map or list each.
export const NO_ITEMS: readonly never[] = Object.freeze([]);
export const NO_ENTRIES: { readonly [key: string]: never } = Object.freeze({});

/** Whether a map has no keys, found without listing them. */
export function isEmptyMap(map: object): boolean {
  for (const _ in map) {
    return false;
  }
  return true;
}
