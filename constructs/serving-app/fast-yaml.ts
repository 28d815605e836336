// A fast path for the YAML cdk8s writes. `Yaml.stringify` (the `yaml` package, YAML 1.1, lineWidth 0) builds a
// full document model per manifest and is most of a large synthesis. Kubernetes manifests are almost always
// nested maps and lists of strings, integers and booleans; for those this emitter produces the very same text
// directly, including multi-line strings (shell scripts of init containers, config files), which the yaml package
// writes as literal block scalars. For anything else (control or non-ASCII characters, floats, null, nested lists,
// long keys, objects other than plain objects and arrays such as a Date, Map or Buffer, ...) it returns undefined
// and the caller uses `Yaml.stringify`. A property test compares it with the `yaml` package on generated
// documents (test/serving-app.test.ts).
import * as path from 'path';

import { memoize } from '../internal/memo';

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
/** Strings we handle: printable ASCII on one line. */
const SIMPLE = /^[\x20-\x7e]*$/;
/** Multi-line strings we handle: printable ASCII, tabs and line feeds (other control characters force quotes). */
const MULTI_LINE = /^[\t\n\x20-\x7e]*$/;
/** `plainString`'s test for strings that cannot be plain. */
const NOT_PLAIN = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/** `blockString` writes a string whose last line is only blanks in quotes instead. */
const BLANK_LAST_LINE = /\n[\t ]+$/;
/** `blockString`'s `blockEndNewlines`: the runs of line feeds in the trailing blanks that are followed by more. */
const BLOCK_END_NEWLINES = /(^|(?<!\n))\n+(?!\n|$)/g;
const MAX_KEY_LENGTH = 1000; // longer implicit keys become explicit `? key` entries

class Unsupported extends Error {}

/** A one-line string as `stringifyString` writes it: plain, or in quotes when it would read as something else. */
function scalar(value: string): string {
  const text = rememberedScalarText(value);
  if (text === undefined) {
    throw new Unsupported();
  }
  return text;
}

/** The text of `scalar`, or undefined when the fast path declines. */
function scalarText(value: string): string | undefined {
  if (!SIMPLE.test(value) || DOCUMENT_MARKER.test(value) || TAG_TESTS!.unsure.some(test => test.test(value))) {
    return undefined;
  }
  if (NOT_PLAIN.test(value) || TAG_TESTS!.quoted.some(test => test.test(value))) {
    return quoted(value);
  }
  return value;
}

/** Keys and many values repeat in every manifest: a dozen tag tests run once per distinct string. */
const rememberedScalarText = memoize(scalarText, 20_000);

/** `quotedString` on printable ASCII: single quotes when the string has only double ones, else JSON's quotes. */
function quoted(value: string): string {
  const hasDouble = value.includes('"');
  return hasDouble && !value.includes("'") ? `'${value}'` : JSON.stringify(value);
}

/**
 * A multi-line map value or list item as `blockString` writes it with lineWidth 0: a literal block scalar with
 * the chomping indicator of its trailing line feeds (`-` none, clip one, `+` more), and an indentation
 * indicator when its first line starts with a space. `indent` is the indentation of its lines.
 */
function blockScalar(value: string, indent: string): string {
  if (!MULTI_LINE.test(value) || BLANK_LAST_LINE.test(value)) {
    throw new Unsupported();
  }
  let endStart = value.length;
  while (endStart > 0 && (value[endStart - 1] === '\n' || value[endStart - 1] === '\t' || value[endStart - 1] === ' ')) {
    endStart--;
  }
  let end = value.substring(endStart);
  const endNewline = end.indexOf('\n');
  const chomp = endNewline === -1 ? '-' : value === end || endNewline !== end.length - 1 ? '+' : '';
  let body = value.substring(0, endStart);
  if (end.endsWith('\n')) {
    end = end.slice(0, -1);
  }
  end = end.replace(BLOCK_END_NEWLINES, `$&${indent}`);
  // leading blank lines and spaces: an indentation indicator when the content starts with a space
  let startWithSpace = false;
  let startEnd = 0;
  let startNewline = -1;
  for (; startEnd < body.length; startEnd++) {
    if (body[startEnd] === ' ') {
      startWithSpace = true;
    } else if (body[startEnd] === '\n') {
      startNewline = startEnd;
    } else {
      break;
    }
  }
  let start = body.substring(0, startNewline < startEnd ? startNewline + 1 : startEnd);
  if (start) {
    body = body.substring(start.length);
    start = start.replace(/\n+/g, `$&${indent}`);
  }
  const header = (startWithSpace ? '2' : '') + chomp;
  return `|${header}\n${indent}${start}${body.replace(/\n+/g, `$&${indent}`)}${end}`;
}

/** A string value (never a key): a block scalar when it spans lines. */
function stringValue(value: string, indent: string): string {
  return value.includes('\n') ? blockScalar(value, indent) : scalar(value);
}

/** The text of a value written on its key's or dash's line; `indent` is that of its own lines, if it has any. */
function leaf(value: Json, indent: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return stringValue(value, indent);
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
    const text = leaf(child, `${indent}  `);
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
    const text = leaf(item, `${indent}  `);
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
