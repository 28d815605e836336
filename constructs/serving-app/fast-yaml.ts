// A fast path for the YAML cdk8s writes. `Yaml.stringify` (the `yaml` package, YAML 1.1, lineWidth 0) builds a
// full document model per manifest and is most of a large synthesis. Kubernetes manifests are almost always
// nested maps and lists of plain strings, integers and booleans; for those this emitter produces the very same
// text directly. For anything else (multi-line or non-ASCII strings, quotes, floats, null, nested lists, long keys,
// objects other than plain objects and arrays such as a Date, Map or Buffer, ...) it returns undefined and the
// caller uses `Yaml.stringify`. A property test compares it with the `yaml` package on generated documents
// (test/serving-app.test.ts).
import * as path from 'path';

type Json = string | number | boolean | null | undefined | Json[] | { [key: string]: Json };

interface TagTests {
  /** Strings that look like another type (number, boolean, null, timestamp...) and get double quotes. */
  readonly quoted: RegExp[];
  /** Tags that apply only in some positions (the `<<` merge key): we leave such strings to the yaml package. */
  readonly unsure: RegExp[];
}

/** The `yaml` copy bundled inside cdk8s, whose YAML 1.1 schema decides which strings need quotes. */
function loadTagTests(): TagTests | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const yaml = require(require.resolve('yaml', { paths: [path.dirname(require.resolve('cdk8s'))] })) as typeof import('yaml');
    const schema = new yaml.Document(null, { version: '1.1' }).schema as unknown as {
      tags: { default?: boolean | string; tag: string; test?: RegExp }[];
      compat?: { default?: boolean | string; tag: string; test?: RegExp }[];
    };
    // the test `plainString` (yaml/dist/stringify/stringifyString.js) applies before writing a string plain
    const tags = [...schema.tags, ...(schema.compat ?? [])].filter(tag => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test);
    return {
      quoted: tags.filter(tag => tag.default === true).map(tag => tag.test as RegExp),
      unsure: tags.filter(tag => tag.default !== true).map(tag => tag.test as RegExp),
    };
  } catch {
    return undefined;
  }
}

const TAG_TESTS = loadTagTests();
/** Strings we handle: printable ASCII on one line, without quote characters or backslashes. */
const SIMPLE = /^[\x20-\x21\x23-\x26\x28-\x5b\x5d-\x7e]*$/;
/** `plainString`'s test for strings that cannot be plain. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const MAX_KEY_LENGTH = 1000; // longer implicit keys become explicit `? key` entries

class Unsupported extends Error {}

function scalar(value: string): string {
  if (!SIMPLE.test(value) || DOCUMENT_MARKER.test(value) || TAG_TESTS!.unsure.some(test => test.test(value))) {
    throw new Unsupported();
  }
  if (NOT_PLAIN.test(value) || TAG_TESTS!.quoted.some(test => test.test(value))) {
    return `"${value}"`; // what `doubleQuotedString` makes of such a string
  }
  return value;
}

function leaf(value: Json): string | undefined {
  switch (typeof value) {
    case 'string':
      return scalar(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        throw new Unsupported();
      }
      return String(value);
    case 'object':
      if (!isPlain(value)) {
        throw new Unsupported();
      }
      if (Array.isArray(value)) {
        return value.length === 0 ? '[]' : undefined;
      }
      return Object.keys(value).length === 0 ? '{}' : undefined;
    default:
      throw new Unsupported();
  }
}

/**
 * Whether `value` is a plain object or array. The yaml package writes other objects its own way (a Date as a
 * timestamp, a Map as `!!omap`, a Buffer as `!!binary`, `new String('a')` as `a`), so we leave them to it.
 */
function isPlain(value: object | null): value is object {
  if (value === null) {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || proto === Array.prototype;
}

function map(value: { [key: string]: Json }, indent: string, out: string[]): void {
  for (const key of Object.keys(value)) {
    if (key.length > MAX_KEY_LENGTH) {
      throw new Unsupported();
    }
    const child = value[key];
    const keyText = scalar(key);
    const text = leaf(child);
    if (text !== undefined) {
      out.push(`${indent}${keyText}: ${text}\n`);
    } else {
      out.push(`${indent}${keyText}:\n`);
      block(child, `${indent}  `, out);
    }
  }
}

function seq(value: Json[], indent: string, out: string[]): void {
  for (const item of value) {
    const text = leaf(item);
    if (text !== undefined) {
      out.push(`${indent}- ${text}\n`);
    } else if (Array.isArray(item)) {
      throw new Unsupported();
    } else {
      // a map item starts on the dash line and continues two columns in
      const start = out.length;
      map(item as { [key: string]: Json }, `${indent}  `, out);
      out[start] = `${indent}- ${out[start].slice(indent.length + 2)}`;
    }
  }
}

function block(value: Json, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    seq(value, indent, out);
  } else {
    map(value as { [key: string]: Json }, indent, out);
  }
}

/** The text `Yaml.stringify(doc)` returns for one manifest, or undefined when this fast path does not apply. */
export function fastStringify(doc: unknown): string | undefined {
  if (!TAG_TESTS || typeof doc !== 'object' || !isPlain(doc) || Array.isArray(doc) || Object.keys(doc).length === 0) {
    return undefined;
  }
  const out: string[] = [];
  try {
    map(doc as { [key: string]: Json }, '', out);
  } catch (e) {
    if (e instanceof Unsupported) {
      return undefined;
    }
    throw e;
  }
  return out.join('');
}
