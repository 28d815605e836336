// The validation plugin's check of one set of manifest files, remembered on disk (../cache) under a digest of
// everything its findings depend on: the files' names and texts, the options, the CustomResourceDefinitions, and the
// checker itself (its files and those of the Kubernetes rules and definitions it reads, by size and modification
// time, and the versions of the parsers). A synth whose manifests did not change is then checked in the time it
// takes to read them.
import * as fs from 'fs';
import * as path from 'path';

import { cacheFolder, cacheKey, DiskCache, packageVersion } from '../cache';
import { checkManifests, CheckOptions } from './check';
import { Finding, ManifestObject } from './findings';
import { parseManifests } from './load';
import { PACKED_DEFINITIONS_DIR } from './packed-definitions';
import { readTextFile } from './read';
import { appendAll } from './util';

/** Bump when the cached value changes meaning. */
const FORMAT = 'plugin-findings-1';

/** The options that change findings; a `schemaValidator` cannot be part of a key, so it turns the cache off. */
export type RememberedCheckOptions = Omit<CheckOptions, 'schemaValidator'>;

export interface FilesCheck {
  readonly findings: Finding[];
  /** Files that could not be read, with the reason: nothing was checked then. */
  readonly unreadable: { readonly file: string; readonly message: string }[];
}

/** Names, sizes and modification times of every file under the folders, in name order. */
function statsOf(folder: string, into: string[]): void {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(folder, { withFileTypes: true });
  } catch {
    into.push(`${folder}: missing`);
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) {
      statsOf(file, into);
    } else {
      const stat = fs.statSync(file);
      into.push(`${file} ${stat.size} ${stat.mtimeMs}`);
    }
  }
}

let checkerIdentity: string | undefined;

/** What identifies the checker's code and data in this installation. */
function checkerDigest(): string {
  if (checkerIdentity === undefined) {
    const stats: string[] = [];
    for (const folder of [__dirname, path.join(__dirname, '..', 'kubernetes-rules'), PACKED_DEFINITIONS_DIR]) {
      statsOf(folder, stats);
    }
    checkerIdentity = cacheKey([...stats, packageVersion('yaml', __dirname), packageVersion('re2js', __dirname)]);
  }
  return checkerIdentity;
}

/** Whether `file` is inside `folder`. */
function isInside(folder: string, file: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** The deepest folder that holds every file (the working directory for none). */
export function commonFolder(files: readonly string[]): string {
  if (files.length === 0) {
    return process.cwd();
  }
  let root = path.dirname(path.resolve(files[0]));
  for (const file of files) {
    while (!isInside(root, path.resolve(file)) && path.dirname(root) !== root) {
      root = path.dirname(root);
    }
  }
  return root;
}

function cache(): DiskCache | undefined {
  const folder = cacheFolder('plugin-findings');
  return folder ? new DiskCache(folder) : undefined;
}

/** The findings of a cache entry; undefined for none, or for an entry that is not a list (damaged by hand). */
function parsedFindings(entry: string | undefined): Finding[] | undefined {
  if (entry === undefined) {
    return undefined;
  }
  try {
    const value = JSON.parse(entry) as unknown;
    return Array.isArray(value) ? value as Finding[] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads and checks the files as one set. Findings name the files as given; their messages name other files
 * relative to `root` (`first in production/app.k8s.yaml`), by default the deepest folder that holds them all, so
 * that a remembered check holds for the same files in another folder (each synth writes into a new temporary one).
 */
export function checkManifestFiles(files: readonly string[], options: RememberedCheckOptions, root: string = commonFolder(files)): FilesCheck {
  if (files.length === 0) {
    return { findings: [], unreadable: [] };
  }
  const texts: string[] = [];
  const unreadable: { file: string; message: string }[] = [];
  for (const file of files) {
    try {
      texts.push(readTextFile(file));
    } catch (e) {
      unreadable.push({ file, message: (e as Error).message });
    }
  }
  if (unreadable.length > 0) {
    return { findings: [], unreadable };
  }
  const names = files.map(file => path.relative(root, path.resolve(file)));
  const store = cache();
  const key = store && cacheKey([
    FORMAT, checkerDigest(), JSON.stringify(options), String(names.length), ...names.flatMap((name, i) => [name, texts[i]]),
  ]);
  const remembered = key !== undefined ? parsedFindings(store?.get(key)) : undefined;
  let findings: Finding[];
  if (remembered !== undefined) {
    findings = remembered;
  } else {
    findings = [];
    const items: ManifestObject[] = [];
    for (let i = 0; i < names.length; i++) {
      const parsed = parseManifests(texts[i], names[i]);
      appendAll(items, parsed.items);
      appendAll(findings, parsed.findings);
    }
    appendAll(findings, checkManifests(items, options));
    if (key !== undefined) {
      store?.set(key, JSON.stringify(findings));
    }
  }
  const byName = new Map(names.map((name, i) => [name, files[i]]));
  return { findings: findings.map(f => (f.file !== undefined ? { ...f, file: byName.get(f.file) ?? f.file } : f)), unreadable: [] };
}
