// Kubernetes resource quantities as users write them in YAML: '500m', '0.5', '512Mi', '1G', '1e3'.

/** The API server's quantity grammar: a signed decimal number with an optional binary or decimal suffix, or an exponent. */
export const QUANTITY_PATTERN = '^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$';

/** The same grammar without a sign: requests and limits cannot be negative. */
const QUANTITY = /^(?<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?<suffix>[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const SUFFIX_FACTORS: Record<string, number> = {
  n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** True when `value` is a non-negative Kubernetes quantity. */
export function isQuantity(value: string): boolean {
  return QUANTITY.test(value);
}

/** The quantity's value in base units (cores, bytes), or undefined when it is not a quantity. */
export function parseQuantity(value: string): number | undefined {
  const match = QUANTITY.exec(value);
  if (!match?.groups) {
    return undefined;
  }
  const suffix = match.groups.suffix ?? '';
  const factor = /^[eE]/.test(suffix) ? 10 ** Number(suffix.slice(1)) : (SUFFIX_FACTORS[suffix] ?? 1);
  return Number(match.groups.number) * factor;
}
