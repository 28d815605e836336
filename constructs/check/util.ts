export { closest } from '../kubernetes-rules';
// Small helpers for reading untyped Kubernetes objects defensively; internal to the checker.

/**
 * Appends a key or an index to a field path: `spec` + `containers` = `spec.containers`, + 0 = `spec.containers[0]`.
 * Keys that are not plain identifiers are quoted: `metadata.labels["app.kubernetes.io/name"]`.
 */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') {
    return `${base}[${key}]`;
  }
  if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) {
    return base ? `${base}.${key}` : key;
  }
  return `${base}[${JSON.stringify(key)}]`;
}

/**
 * The value as a record, or an empty record when it is not an object.
 */
export function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

/**
 * The value as an array, or an empty array when it is not one.
 */
export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}


/**
 * Adds a value to the list of a key in a map of lists, in place.
 */
export function append<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}

/**
 * Appends the items of one array to another, in place. Unlike `push(...items)`, which passes every item as an argument
 * on the call stack, it works for any number of items.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (const item of items) {
    target.push(item);
  }
}
