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

/** Names longer than this get no suggestion: no field or rule name is near that long, and the distance is quadratic. */
const MAX_SUGGESTION_LENGTH = 128;

/**
 * The known name closest to a misspelt one, when it is close enough to be a likely typo.
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  if (name.length > MAX_SUGGESTION_LENGTH) {
    return undefined;
  }
  const allowed = Math.max(2, Math.floor(name.length / 4));
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    // The distance is at least the difference in length: skip candidates that cannot be close enough.
    if (Math.abs(candidate.length - name.length) > allowed) {
      continue;
    }
    const d = distance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
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
