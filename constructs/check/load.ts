import * as fs from 'fs';
import * as path from 'path';
import { Document, LineCounter, parseAllDocuments, Tags } from 'yaml';

import { Finding, KubeObject, ManifestObject, Severity } from './findings';
import { asArray, asRecord } from './util';

/** File names the checker reads when given a folder. */
export const MANIFEST_EXTENSIONS: readonly string[] = ['.yaml', '.yml'];

/**
 * Objects read from files, findings about documents that are not objects, and files that could not be read.
 */
export interface LoadResult {
  readonly items: ManifestObject[];
  readonly findings: Finding[];
  /** The files read, in order. */
  readonly files: string[];
  /** Files or folders that do not exist or cannot be read, with the reason. */
  readonly unreadable: { readonly file: string; readonly message: string }[];
}

/** The name findings give the standard input, which `-` reads. */
export const STDIN = '<stdin>';

/**
 * Reads every object of the given files and folders (folders recursively: *.yaml and *.yml, in name order);
 * `-` reads the standard input.
 */
export function loadManifests(paths: readonly string[]): LoadResult {
  const result: LoadResult = { items: [], findings: [], files: [], unreadable: [] };
  for (const p of paths) {
    if (p === '-') {
      try {
        const parsed = parseManifests(fs.readFileSync(0, 'utf-8'), STDIN);
        result.files.push(STDIN);
        result.items.push(...parsed.items);
        result.findings.push(...parsed.findings);
      } catch (e) {
        result.unreadable.push({ file: STDIN, message: (e as Error).message });
      }
      continue;
    }
    let files: string[];
    try {
      files = fs.statSync(p).isDirectory() ? manifestFiles(p) : [p];
    } catch (e) {
      result.unreadable.push({ file: p, message: (e as Error).message });
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf-8');
      } catch (e) {
        result.unreadable.push({ file, message: (e as Error).message });
        continue;
      }
      result.files.push(file);
      const parsed = parseManifests(text, file);
      result.items.push(...parsed.items);
      result.findings.push(...parsed.findings);
    }
  }
  return result;
}

/**
 * CustomResourceDefinitions read from files, and why files could not be used.
 */
export interface CustomResourceDefinitionLoad {
  readonly definitions: KubeObject[];
  /** Unreadable files and YAML errors, one message each (`file:line: message`). */
  readonly problems: string[];
}

/**
 * Reads the CustomResourceDefinitions of the given files and folders, as `loadManifests` reads manifests. Other
 * objects are skipped; unreadable files and YAML errors are problems, as custom resources cannot be checked without
 * their definitions.
 */
export function loadCustomResourceDefinitions(paths: readonly string[]): CustomResourceDefinitionLoad {
  const loaded = loadManifests(paths);
  const problems = [
    ...loaded.unreadable.map(u => `${u.file}: ${u.message}`),
    ...loaded.findings.map(f => `${f.file ?? ''}${f.line !== undefined ? `:${f.line}` : ''}: ${f.message}`),
  ];
  const definitions = loaded.items.map(i => i.object).filter(o => o.kind === 'CustomResourceDefinition');
  return { definitions, problems };
}

/**
 * The manifest files under a folder, recursively, in name order; hidden folders and node_modules are skipped.
 */
export function manifestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && entry.name !== 'node_modules') {
        out.push(...manifestFiles(full));
      }
    } else if (MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
      out.push(full);
    }
  }
  return out;
}

/**
 * Parses a multi-document YAML text. Empty documents are skipped and `kind: List` is expanded into its items.
 * Scalars are read as kubectl reads them (YAML 1.1, go-yaml v2): `yes`, `on` and `off` are booleans and `0755` is
 * octal, while dates and `12:30` stay strings.
 */
export function parseManifests(text: string, file?: string): { items: ManifestObject[]; findings: Finding[] } {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { version: '1.1', lineCounter, prettyErrors: false, customTags: asKubectlReads });
  const items: ManifestObject[] = [];
  const findings: Finding[] = [];
  const withFile = <T extends object>(x: T) => (file !== undefined ? { ...x, file } : x);
  const docs = Array.isArray(documents) ? documents : [];
  if (!Array.isArray(documents)) {
    findings.push(withFile(yamlError('the text is not a YAML stream')));
  }
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = lineCounter.linePos(error.pos[0]).line;
      findings.push(withFile({ ...yamlError(`YAML syntax error: ${error.message.split('\n')[0]}`), line }));
      continue;
    }
    if (doc.contents === null) {
      continue;
    }
    const value = doc.toJS({ maxAliasCount: 100 }) as unknown;
    const start = lineCounter.linePos(doc.contents.range[0]).line;
    if (value === null || value === undefined) {
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      findings.push(withFile({
        ruleId: 'schema/not-an-object', severity: Severity.ERROR, path: '', line: start,
        message: `a YAML document must be a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}`,
      }));
      continue;
    }
    const obj = value as KubeObject;
    const locate = (fieldPath: string) => locateIn(doc, lineCounter, fieldPath);
    if (obj.kind === 'List' && Array.isArray(obj.items)) {
      asArray(obj.items).forEach((entry, i) => {
        items.push(withFile({ object: asRecord(entry), line: locate(`items[${i}]`) ?? start, locate: (p: string) => locate(p ? `items[${i}].${p}` : `items[${i}]`) }));
      });
      continue;
    }
    items.push(withFile({ object: obj, line: start, locate }));
  }
  return { items, findings };
}

/** The YAML 1.1 tags without base-60 numbers and timestamps, which go-yaml v2 (and so kubectl) does not resolve. */
function asKubectlReads(tags: Tags): Tags {
  return tags.filter(t => typeof t === 'string' || (t.format !== 'TIME' && t.tag !== 'tag:yaml.org,2002:timestamp'));
}

function yamlError(message: string): Finding {
  return { ruleId: 'schema/yaml', severity: Severity.ERROR, path: '', message };
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

/**
 * The 1-based line of a field in a document, or of its closest ancestor that exists.
 */
function locateIn(doc: Document, lineCounter: LineCounter, fieldPath: string): number | undefined {
  const keys = splitPath(fieldPath);
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (node && typeof node === 'object' && 'range' in node && Array.isArray(node.range)) {
      return lineCounter.linePos(node.range[0] as number).line;
    }
  }
  return undefined;
}
