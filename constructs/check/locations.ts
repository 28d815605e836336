import { Document, isMap, isNode, isScalar, isSeq, LineCounter, Node, Pair, parseDocument, Tags, visit, YAMLMap } from 'yaml';

/** The YAML 1.1 tags without base-60 numbers and timestamps, which go-yaml v2 (and so kubectl) does not resolve. */
function asKubectlReads(tags: Tags): Tags {
  return tags.filter(t => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'));
}

/**
 * How manifests are parsed: as kubectl reads them (YAML 1.1, go-yaml v2). Warnings (such as a mapping used as a key)
 * are not printed: the process's stderr is the command's, and the schema check reports what they lead to. The yaml
 * library's duplicate key check compares every key with every other one, which takes minutes on a mapping of 40,000
 * keys: `duplicateKey` does it in linear time instead.
 */
export const YAML_OPTIONS = { version: '1.1', prettyErrors: false, customTags: asKubectlReads, logLevel: 'error', uniqueKeys: false } as const;

/** The message of the yaml library for a duplicate key, which the check reports in its place. */
export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

/**
 * The first key of a document that repeats an earlier key of its mapping (scalar keys compared by value, as the yaml
 * library compares them), or undefined.
 */
export function duplicateKey(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) {
          continue;
        }
        if (seen.has(pair.key.value)) {
          found = pair.key;
          return visit.BREAK;
        }
        seen.add(pair.key.value);
      }
      return undefined;
    },
  });
  return found;
}

/**
 * Where one YAML document is in its text, to find the lines of its fields later without keeping its syntax tree.
 */
export interface SourceDocument {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** The 1-based line of `start` in the text. */
  readonly firstLine: number;
}

export function sourceDocument(text: string, start: number, end: number, lineCounter: LineCounter): SourceDocument {
  return { text, start, end, firstLine: lineCounter.linePos(start).line };
}

/** The 1-based line where a node starts, when it is a node with a range. */
export function lineOf(node: unknown, lineCounter: LineCounter): number | undefined {
  return isNode(node) && node.range ? lineCounter.linePos(node.range[0]).line : undefined;
}

interface ParsedDocument {
  readonly doc: Document;
  readonly lineCounter: LineCounter;
}

/**
 * Documents parsed again to locate fields, most recently used last. Findings come mostly in object order, so a few
 * documents suffice; the budget (in source characters) bounds the memory of the trees, and the last document is kept
 * whatever its size, so that the findings of one large `kind: List` parse it once.
 */
const parsed = new Map<SourceDocument, ParsedDocument>();
const CACHE_BUDGET = 1024 * 1024;
let cachedCharacters = 0;

function parsedDocument(source: SourceDocument): ParsedDocument {
  const hit = parsed.get(source);
  if (hit) {
    parsed.delete(source);
    parsed.set(source, hit);
    return hit;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text.slice(source.start, source.end), { ...YAML_OPTIONS, lineCounter });
  const size = source.end - source.start;
  for (const [old] of parsed) {
    if (cachedCharacters + size <= CACHE_BUDGET) {
      break;
    }
    parsed.delete(old);
    cachedCharacters -= old.end - old.start;
  }
  parsed.set(source, { doc, lineCounter });
  cachedCharacters += size;
  return { doc, lineCounter };
}

/**
 * The 1-based line of a field in a document, or of its closest ancestor that exists.
 */
export function locateIn(source: SourceDocument, fieldPath: string): number | undefined {
  const { doc, lineCounter } = parsedDocument(source);
  // The deepest node of the path that exists, or the closest ancestor with a range.
  let line = lineOf(doc.contents, lineCounter);
  let node: unknown = doc.contents;
  for (const key of splitPath(fieldPath)) {
    node = childOf(node, key);
    if (node === undefined) {
      break;
    }
    line = lineOf(node, lineCounter) ?? line;
  }
  return line !== undefined ? source.firstLine + line - 1 : undefined;
}

/** The pairs of large mappings by key, built on first use: finding a key by scanning is linear in the keys. */
const pairsByKey = new WeakMap<YAMLMap, Map<string, Pair>>();
const SCAN_LIMIT = 16;

function childOf(node: unknown, key: string | number): unknown {
  if (isSeq(node)) {
    return typeof key === 'number' ? node.items[key] : undefined;
  }
  if (!isMap(node)) {
    return undefined;
  }
  const name = String(key);
  const keyOf = (pair: Pair) => (isScalar(pair.key) ? String(pair.key.value) : undefined);
  if (node.items.length <= SCAN_LIMIT) {
    return node.items.find(pair => keyOf(pair) === name)?.value;
  }
  let pairs = pairsByKey.get(node);
  if (!pairs) {
    pairs = new Map();
    for (const pair of node.items) {
      const k = keyOf(pair);
      if (k !== undefined && !pairs.has(k)) {
        pairs.set(k, pair);
      }
    }
    pairsByKey.set(node, pairs);
  }
  return pairs.get(name)?.value;
}

/**
 * Splits a field path (`spec.ports[0]["app.kubernetes.io/name"]`) into keys and indexes.
 */
export function splitPath(fieldPath: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(fieldPath)) !== null) {
    if (m[1] !== undefined) {
      out.push(m[1]);
    } else if (m[2] !== undefined) {
      out.push(Number(m[2]));
    } else {
      out.push(JSON.parse(m[3]) as string);
    }
  }
  return out;
}
