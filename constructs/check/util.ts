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
    const d = distance(lower, candidate.toLowerCase(), Math.min(allowed, bestDistance));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= allowed ? best : undefined;
}

/**
 * The edit distance of two names, or a number above `limit` as soon as it cannot be `limit` or less: a row's smallest
 * value never decreases in later rows.
 */
function distance(a: string, b: string, limit: number): number {
  let row: number[] = [];
  let next: number[] = [];
  for (let j = 0; j <= b.length; j++) {
    row.push(j);
    next.push(0);
  }
  for (let i = 1; i <= a.length; i++) {
    next[0] = i;
    let smallest = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      // Comparisons, not Math.min: this loop runs for every misspelt field, and Math.min is slow in some sandboxes.
      let value = row[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      if (row[j] + 1 < value) {
        value = row[j] + 1;
      }
      if (next[j - 1] + 1 < value) {
        value = next[j - 1] + 1;
      }
      next[j] = value;
      if (value < smallest) {
        smallest = value;
      }
    }
    if (smallest > limit) {
      return limit + 1;
    }
    [row, next] = [next, row];
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
