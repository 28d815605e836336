import * as fs from 'fs';
import * as path from 'path';
import { Composer, isSeq, LineCounter, Parser } from 'yaml';

import { Finding, KubeObject, ManifestObject, Severity } from './findings';
import { DUPLICATE_KEY_MESSAGE, duplicateKey, lineOf, locateIn, SourceDocument, sourceDocument, splitPath, YAML_OPTIONS } from './locations';
import { readOrExplain, readTextFile } from './read';
import { describeInvalidPattern, invalidPatterns } from './regexp';
import { appendAll, asArray, asRecord } from './util';

export { splitPath } from './locations';

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
  /**
   * The standard input and the folders that gave nothing to check (no object and no finding), with the reason: a
   * failed `helm template | check -` or a wrong folder must not pass as "0 objects".
   */
  readonly empty: { readonly file: string; readonly message: string }[];
}

/** The name findings give the standard input, which `-` reads. */
export const STDIN = '<stdin>';

/**
 * Reads every object of the given files and folders (folders recursively: *.yaml and *.yml, in name order);
 * `-` reads the standard input. Only regular files are read: a FIFO, socket or device, given or found in a folder, is
 * unreadable, as is a file that is not UTF-8 text.
 */
export function loadManifests(paths: readonly string[]): LoadResult {
  const result: LoadResult = { items: [], findings: [], files: [], unreadable: [], empty: [] };
  const read = (file: string, source: string | 0) => {
    let text: string;
    try {
      text = readTextFile(source);
    } catch (e) {
      result.unreadable.push({ file, message: (e as Error).message });
      return;
    }
    result.files.push(file);
    const parsed = parseManifests(text, file);
    appendAll(result.items, parsed.items);
    appendAll(result.findings, parsed.findings);
  };
  for (const p of paths) {
    const before = result.items.length + result.findings.length + result.unreadable.length;
    const gaveNothing = () => result.items.length + result.findings.length + result.unreadable.length === before;
    if (p === '-') {
      read(STDIN, 0);
      if (gaveNothing()) {
        result.empty.push({ file: STDIN, message: 'the standard input holds no Kubernetes objects' });
      }
      continue;
    }
    let isFolder: boolean;
    try {
      isFolder = readOrExplain(() => fs.statSync(p)).isDirectory();
    } catch (e) {
      result.unreadable.push({ file: p, message: (e as Error).message });
      continue;
    }
    if (!isFolder) {
      read(p, p);
      continue;
    }
    const files = manifestFiles(p, result.unreadable);
    for (const file of files) {
      read(file, file);
    }
    if (gaveNothing()) {
      const what = files.length === 0 ? `no ${MANIFEST_EXTENSIONS.map(e => `*${e}`).join(' or ')} files` : 'no Kubernetes objects';
      result.empty.push({ file: p, message: `the folder ${p} holds ${what}` });
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
  const crds = loaded.items.filter(i => i.object.kind === 'CustomResourceDefinition');
  for (const crd of crds) {
    for (const invalid of invalidPatterns(crd.object)) {
      problems.push(`${crd.file ?? ''}:${crd.locate?.(invalid.path) ?? crd.line}: ${describeInvalidPattern(invalid)}`);
    }
  }
  return { definitions: crds.map(i => i.object), problems };
}

/**
 * The manifest files under a folder, recursively, in name order; hidden folders and node_modules are skipped, and so
 * are symbolic links to folders (which could loop). Folders that cannot be listed are added to `unreadable`, or
 * thrown when it is not given.
 */
export function manifestFiles(dir: string, unreadable?: { file: string; message: string }[]): string[] {
  const out: string[] = [];
  const visit = (folder: string) => {
    let entries: fs.Dirent[];
    try {
      entries = readOrExplain(() => fs.readdirSync(folder, { withFileTypes: true }));
    } catch (e) {
      if (!unreadable) {
        throw e;
      }
      unreadable.push({ file: folder, message: (e as Error).message });
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'node_modules') {
          visit(full);
        }
      } else if (MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
        // Whatever it is (a FIFO too): reading it says whether it is a regular file.
        out.push(full);
      }
    }
  };
  visit(dir);
  return out;
}

/**
 * Parses a multi-document YAML text. Empty documents are skipped and `kind: List` is expanded into its items.
 * Scalars are read as kubectl reads them (YAML 1.1, go-yaml v2): `yes`, `on` and `off` are booleans and `0755` is
 * octal, while dates and `12:30` stay strings.
 *
 * Documents are composed one at a time and their syntax trees dropped once converted, as the trees take several
 * times the memory of the objects; the line of a field is found by parsing its document again (see `locations.ts`).
 */
export function parseManifests(text: string, file?: string): { items: ManifestObject[]; findings: Finding[] } {
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer(YAML_OPTIONS);
  const items: ManifestObject[] = [];
  const findings: Finding[] = [];
  const withFile = <T extends object>(x: T) => (file !== undefined ? { ...x, file } : x);
  // Where each document starts in the text: the composer yields document i once it has seen document i + 1.
  const offsets: number[] = [];
  function* tokens() {
    for (const token of parser.parse(text)) {
      if (token.type === 'document') {
        offsets.push(token.offset);
      }
      yield token;
    }
  }
  let index = 0;
  for (const doc of composer.compose(tokens())) {
    const source = sourceDocument(text, offsets[index], offsets[index + 1] ?? text.length, lineCounter);
    index++;
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = lineCounter.linePos(error.pos[0]).line;
      findings.push(withFile({ ...yamlError(describeYamlError(error)), line }));
      continue;
    }
    if (doc.contents === null) {
      continue;
    }
    const duplicate = duplicateKey(doc);
    if (duplicate) {
      findings.push(withFile({ ...yamlError(`YAML syntax error: ${DUPLICATE_KEY_MESSAGE}`), line: lineOf(duplicate, lineCounter) }));
      continue;
    }
    const start = lineCounter.linePos(doc.contents.range[0]).line;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (e) {
      findings.push(withFile({ ...yamlError(describeYamlError(e as Error)), line: start }));
      continue;
    }
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
    if (obj.kind === 'List' && Array.isArray(obj.items)) {
      const itemsNode = doc.get('items', true);
      asArray(obj.items).forEach((entry, i) => {
        const line = isSeq(itemsNode) ? lineOf(itemsNode.items[i], lineCounter) : undefined;
        const object = asRecord(entry);
        items.push(withFile({ object, line: line ?? start, locate: locator(source, object, line ?? start, `items[${i}]`) }));
      });
      continue;
    }
    items.push(withFile({ object: obj, line: start, locate: locator(source, obj, start) }));
  }
  return { items, findings };
}

/**
 * The `locate` of an object that starts on `line` (the item at `prefix` of a List). A field the object lacks, as
 * most required fields, is on the object's line, which needs no parsing. A function of its own, so that the closure
 * holds only these values and not the syntax tree that parseManifests is walking.
 */
function locator(source: SourceDocument, object: KubeObject, line: number, prefix?: string): (fieldPath: string) => number | undefined {
  return fieldPath => {
    if (!hasFirstKey(object, fieldPath)) {
      return line;
    }
    return locateIn(source, prefix === undefined ? fieldPath : fieldPath ? `${prefix}.${fieldPath}` : prefix);
  };
}

/** Whether the object has the first key of a field path. */
function hasFirstKey(object: KubeObject, fieldPath: string): boolean {
  const [first] = splitPath(fieldPath);
  return first !== undefined && Object.prototype.hasOwnProperty.call(object, first);
}

/** How many alias nodes one document may resolve (weighted by their size), as kubectl refuses "excessive aliasing". */
const MAX_ALIAS_COUNT = 100;

/** One line about a YAML error, also for the ones that protect against hostile input. */
function describeYamlError(error: Error): string {
  if (error instanceof RangeError || /maximum call stack/i.test(error.message)) {
    return 'the YAML is nested too deeply to read';
  }
  if (/alias count/i.test(error.message)) {
    return `YAML aliases expand into too many nodes (more than ${MAX_ALIAS_COUNT} resolved aliases), as in a "billion laughs" attack; ` +
      'kubectl refuses such documents too';
  }
  return `YAML syntax error: ${error.message.split('\n')[0]}`;
}

function yamlError(message: string): Finding {
  return { ruleId: 'schema/yaml', severity: Severity.ERROR, path: '', message };
}
