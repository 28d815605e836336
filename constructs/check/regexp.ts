import type { RegExpEngine, RegExpLike } from 'ajv/dist/types';
import type { RE2JS as RE2JSType } from 're2js';

/**
 * The regular expression engine for ajv's `pattern` keyword. Patterns of custom resource schemas come from the
 * checked input, so they run on RE2 (re2js), whose matching time is linear in the length of the string: a pattern
 * such as `^(a+)+$` cannot hang the check. RE2 is also the syntax the API server validates CRD patterns with (Go's
 * regexp), so lookarounds and backreferences are refused as there. The checker's own patterns, which are known to
 * be safe, keep the faster native engine.
 */
export function linearRegExpEngine(trusted: ReadonlySet<string>): RegExpEngine {
  const engine = (pattern: string, flags: string): RegExpLike => {
    if (trusted.has(pattern)) {
      return new RegExp(pattern, flags);
    }
    return new LinearRegExp(re2js().compile(pattern), pattern);
  };
  engine.code = 'linearRegExpEngine';
  return engine;
}

class LinearRegExp implements RegExpLike {
  public constructor(private readonly re: RE2JSType, private readonly pattern: string) {}

  public test(s: string): boolean {
    return this.re.test(s);
  }

  /** ajv caches compiled patterns by their toString(): distinct per pattern, and from native ones. */
  public toString(): string {
    return `re2:/${this.pattern}/`;
  }
}

/** Loads re2js on first use, with ajv. */
function re2js(): typeof RE2JSType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('re2js') as { RE2JS: typeof RE2JSType }).RE2JS;
}
