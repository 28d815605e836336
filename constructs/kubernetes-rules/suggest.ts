// Typo suggestions for unknown names: the checker's unknown fields and rules, the constructs' unknown props.

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
