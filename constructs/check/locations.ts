import { Document, isNode, LineCounter, Node, parseDocument, Tags } from 'yaml';

/** The YAML 1.1 tags without base-60 numbers and timestamps, which go-yaml v2 (and so kubectl) does not resolve. */
function asKubectlReads(tags: Tags): Tags {
  return tags.filter(t => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'));
}

/**
 * How manifests are parsed: as kubectl reads them (YAML 1.1, go-yaml v2). Warnings (such as a mapping used as a key)
 * are not printed: the process's stderr is the command's, and the schema check reports what they lead to.
 */
export const YAML_OPTIONS = { version: '1.1', prettyErrors: false, customTags: asKubectlReads, logLevel: 'error' } as const;

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
  const keys = splitPath(fieldPath);
  for (let n = keys.length; n >= 0; n--) {
    const node: unknown = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    const line = lineOf(node as Node, lineCounter);
    if (line !== undefined) {
      return source.firstLine + line - 1;
    }
  }
  return undefined;
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
