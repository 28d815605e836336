// `npm run pack-definitions -- <folder> [--out <folder>]`: packs the Kubernetes OpenAPI definitions of a folder
// (`v1.30.0-definitions.json`, ...) into the compact files the checker ships (`schemas/kubernetes-1.30.json.br`).
// Run it when a Kubernetes version is added or its definitions change, and commit the packed files: the checker
// only ever reads those.
import * as fs from 'fs';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';

import { KUBERNETES_VERSIONS } from '../constructs/check/kubernetes-versions';
import {
  API_HISTORY_FILE, apiHistoryOf, compactDefinitions, packDefinitions, PACKED_DEFINITIONS_DIR, packedDefinitionsFile, unpackDefinitions,
} from '../constructs/check/packed-definitions';
import { JsonSchema, prepareDefinition } from '../constructs/check/schema-definitions';

const SOURCE_FILE = /^v(1\.\d+)\.\d+-definitions\.json$/;
const USAGE = 'Usage: npm run pack-definitions -- <folder of v1.NN.P-definitions.json files> [--out <folder>]';

/**
 * Packs every definitions file of `sourceDir` into `outDir`, then writes the API history of every version packed in
 * `outDir`, and returns one line per file written. Throws when the
 * folder holds none, holds two of one minor version, or when a packed file would check anything differently than
 * its source.
 */
export function packDefinitionsFolder(sourceDir: string, outDir: string): string[] {
  const sources = fs.readdirSync(sourceDir).filter(f => SOURCE_FILE.test(f)).sort();
  if (sources.length === 0) {
    throw new Error(`${sourceDir} holds no Kubernetes definitions (v1.NN.P-definitions.json)`);
  }
  const byVersion = new Map<string, string>();
  for (const source of sources) {
    const version = SOURCE_FILE.exec(source)![1];
    if (byVersion.has(version)) {
      throw new Error(`${sourceDir} holds two definitions of Kubernetes ${version}: ${byVersion.get(version)} and ${source}`);
    }
    byVersion.set(version, source);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const lines: string[] = [];
  for (const [kubernetesVersion, source] of byVersion) {
    const text = fs.readFileSync(path.join(sourceDir, source), 'utf-8');
    const definitions = (JSON.parse(text) as { definitions?: Record<string, JsonSchema> }).definitions;
    if (definitions === null || typeof definitions !== 'object') {
      throw new Error(`${source} has no "definitions" object`);
    }
    const bytes = packDefinitions({ kubernetesVersion, source, definitions: compactDefinitions(definitions) });
    assertChecksAlike(source, definitions, unpackDefinitions(bytes).definitions);
    const file = packedDefinitionsFile(kubernetesVersion, outDir);
    fs.writeFileSync(file, bytes);
    const known = (KUBERNETES_VERSIONS as readonly string[]).includes(kubernetesVersion) ? '' : '; add it to KUBERNETES_VERSIONS to check with it';
    lines.push(`${path.basename(file)}: ${Object.keys(definitions).length} definitions, ${text.length} -> ${bytes.length} bytes${known}`);
  }
  lines.push(writeApiHistory(outDir));
  return lines;
}

/** Writes the API history of every version packed in `outDir`, the ones packed before included. */
function writeApiHistory(outDir: string): string {
  const packed = new Map<string, Record<string, JsonSchema>>();
  for (const file of fs.readdirSync(outDir).filter(f => /^kubernetes-1\.\d+\.json\.br$/.test(f))) {
    const { kubernetesVersion, definitions } = unpackDefinitions(fs.readFileSync(path.join(outDir, file)));
    packed.set(kubernetesVersion, definitions);
  }
  const history = apiHistoryOf(packed);
  // One API a line, for reviewable diffs.
  const entries = Object.entries(history.servedBy).map(([api, versions]) => `    ${JSON.stringify(api)}: ${JSON.stringify(versions)}`);
  const text = `{\n  "kubernetesVersions": ${JSON.stringify(history.kubernetesVersions)},\n  "servedBy": {\n${entries.join(',\n')}\n  }\n}\n`;
  fs.writeFileSync(path.join(outDir, API_HISTORY_FILE), text);
  return `${API_HISTORY_FILE}: ${Object.keys(history.servedBy).length} APIs that not all of ${history.kubernetesVersions.join(', ')} serve`;
}

/** The checker prepares every packed definition exactly as it would the original, and finds the same kinds in it. */
function assertChecksAlike(source: string, original: Record<string, JsonSchema>, packed: Record<string, JsonSchema>): void {
  if (!isDeepStrictEqual(Object.keys(original), Object.keys(packed))) {
    throw new Error(`${source}: the packed definitions do not have the same names`);
  }
  for (const [name, definition] of Object.entries(original)) {
    const alike = isDeepStrictEqual(prepareDefinition(name, definition), prepareDefinition(name, packed[name]))
      && isDeepStrictEqual(definition['x-kubernetes-group-version-kind'], packed[name]['x-kubernetes-group-version-kind']);
    if (!alike) {
      throw new Error(`${source}: the packed ${name} would not check the same as the original`);
    }
  }
}

function main(args: string[]): number {
  const outAt = args.indexOf('--out');
  const outDir = outAt >= 0 ? args[outAt + 1] : PACKED_DEFINITIONS_DIR;
  const rest = outAt >= 0 ? args.filter((_, i) => i !== outAt && i !== outAt + 1) : args;
  if (rest.length !== 1 || outDir === undefined || rest[0].startsWith('-')) {
    console.error(USAGE);
    return 2;
  }
  try {
    for (const line of packDefinitionsFolder(rest[0], outDir)) {
      console.log(line);
    }
  } catch (e) {
    console.error(`pack-definitions: ${(e as Error).message}`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
