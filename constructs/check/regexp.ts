import type { RegExpEngine, RegExpLike } from 'ajv/dist/types';
import type { RE2JS as RE2JSType } from 're2js';

import { asArray, asRecord, joinPath } from './util';

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

/** A `pattern` of a CustomResourceDefinition that RE2 refuses, with why. */
export interface InvalidPattern {
  /** The field path of the pattern in the CustomResourceDefinition. */
  readonly path: string;
  readonly pattern: string;
  readonly reason: string;
}

/**
 * The `pattern`s of a CustomResourceDefinition's schemas that are not RE2 regular expressions: the API server refuses
 * them (it compiles them with Go's regexp), and the checker cannot use them either.
 */
export function invalidPatterns(crd: unknown): InvalidPattern[] {
  const out: InvalidPattern[] = [];
  const visit = (schema: unknown, at: string) => {
    if (Array.isArray(schema)) {
      schema.forEach((s, i) => visit(s, joinPath(at, i)));
      return;
    }
    if (schema === null || typeof schema !== 'object') {
      return;
    }
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'pattern' && typeof value === 'string') {
        try {
          re2js().compile(value);
        } catch (e) {
          out.push({ path: joinPath(at, key), pattern: value, reason: (e as Error).message.split('\n')[0] });
        }
      } else if (key !== 'enum' && key !== 'default' && key !== 'example') {
        visit(value, joinPath(at, key));
      }
    }
  };
  asArray(asRecord(asRecord(crd).spec).versions).forEach((version, i) => {
    visit(asRecord(asRecord(version).schema).openAPIV3Schema, `spec.versions[${i}].schema.openAPIV3Schema`);
  });
  return out;
}

export function describeInvalidPattern(p: InvalidPattern): string {
  return `pattern ${JSON.stringify(p.pattern)} is not an RE2 regular expression, which the API server requires (${p.reason})`;
}

/** Loads re2js on first use, with ajv. */
function re2js(): typeof RE2JSType {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('re2js') as { RE2JS: typeof RE2JSType }).RE2JS;
}
