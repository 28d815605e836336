import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

import type { JsonSchema } from './schema-definitions';
import { asArray, asRecord } from './util';

/** Where the packed definitions live, relative to this file in source (constructs/check/) and in lib/check/. */
export const PACKED_DEFINITIONS_DIR = path.join(__dirname, '..', '..', 'schemas');

/**
 * The Kubernetes OpenAPI definitions of one version, compacted: what `npm run pack-definitions` writes, brotli
 * compressed, to `schemas/kubernetes-<version>.json.br`.
 */
export interface PackedDefinitions {
  /** The minor version, such as `1.30`. */
  readonly kubernetesVersion: string;
  /** The name of the file the definitions come from, such as `v1.30.0-definitions.json`. */
  readonly source: string;
  /** The compacted definitions, by name, such as `io.k8s.api.core.v1.ServiceSpec`. */
  readonly definitions: Record<string, JsonSchema>;
}

/** The one extension the checker reads: which apiVersion and kind a definition describes. */
const GROUP_VERSION_KIND = 'x-kubernetes-group-version-kind';

/** The file that says which versions serve an API that not all of them serve. */
export const API_HISTORY_FILE = 'kubernetes-api-versions.json';

/**
 * Which Kubernetes versions serve an API that not every packed version serves, written beside the packed files, so
 * that a check can say when a kind came or went without decoding other versions.
 */
export interface ApiHistory {
  /** The packed versions, oldest first. */
  readonly kubernetesVersions: readonly string[];
  /** The versions that serve each such `apiVersion kind`, oldest first. */
  readonly servedBy: Readonly<Record<string, readonly string[]>>;
}

/** The packed file of a version. */
export function packedDefinitionsFile(kubernetesVersion: string, dir: string = PACKED_DEFINITIONS_DIR): string {
  return path.join(dir, `kubernetes-${kubernetesVersion}.json.br`);
}

/**
 * Definitions without what only documents the API or guides clients: descriptions and the `x-kubernetes-*` list, map,
 * patch and union hints. Every validation keyword is kept, and so are the group-version-kinds. A property that is
 * itself called `description` is a field, and stays.
 */
export function compactDefinitions(definitions: Readonly<Record<string, JsonSchema>>): Record<string, JsonSchema> {
  return Object.fromEntries(Object.entries(definitions).map(([name, definition]) => [name, compactSchema(definition)]));
}

function compactSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || (key.startsWith('x-') && key !== GROUP_VERSION_KIND)) {
      continue;
    }
    if (key === 'properties') {
      out.properties = Object.fromEntries(Object.entries(asRecord(value)).map(([field, s]) => [field, compactSchema(asRecord(s))]));
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && value !== null && typeof value === 'object') {
      out[key] = compactSchema(value as JsonSchema);
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
      out[key] = asArray(value).map(s => compactSchema(asRecord(s)));
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** The bytes of a packed file: brotli at its best ratio, as the files are packed once and decoded on every check. */
export function packDefinitions(packed: PackedDefinitions): Buffer {
  const json = Buffer.from(JSON.stringify(packed));
  return zlib.brotliCompressSync(json, {
    params: {
      [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: json.length,
    },
  });
}

/** The contents of a packed file; throws when they are not packed definitions. */
export function unpackDefinitions(data: Buffer): PackedDefinitions {
  const packed = asRecord(JSON.parse(zlib.brotliDecompressSync(data).toString('utf-8')));
  const { kubernetesVersion, source, definitions } = packed;
  if (typeof kubernetesVersion !== 'string' || typeof source !== 'string' || definitions === null || typeof definitions !== 'object' || Array.isArray(definitions)) {
    throw new Error('not packed Kubernetes definitions (kubernetesVersion, source and definitions)');
  }
  return { kubernetesVersion, source, definitions: definitions as Record<string, JsonSchema> };
}

/**
 * The packed definitions of one version, decoded. Only this version's file is read.
 */
export function readPackedDefinitions(kubernetesVersion: string, dir: string = PACKED_DEFINITIONS_DIR): Record<string, JsonSchema> {
  const file = packedDefinitionsFile(kubernetesVersion, dir);
  let packed: PackedDefinitions;
  try {
    packed = unpackDefinitions(fs.readFileSync(file));
  } catch (e) {
    throw new Error(`cannot read the Kubernetes ${kubernetesVersion} OpenAPI definitions at ${file}: ${(e as Error).message}`);
  }
  if (packed.kubernetesVersion !== kubernetesVersion) {
    throw new Error(`${file} holds the definitions of Kubernetes ${packed.kubernetesVersion}, not ${kubernetesVersion}`);
  }
  return packed.definitions;
}

/**
 * The API history of these versions' definitions: the kinds of objects (not the meta types every group carries, such
 * as DeleteOptions) that some of the versions do not serve.
 */
export function apiHistoryOf(definitionsByVersion: ReadonlyMap<string, Readonly<Record<string, JsonSchema>>>): ApiHistory {
  const kubernetesVersions = [...definitionsByVersion.keys()].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  const served = new Map<string, string[]>();
  for (const version of kubernetesVersions) {
    for (const [name, definition] of Object.entries(definitionsByVersion.get(version)!)) {
      if (name.startsWith('io.k8s.apimachinery.')) {
        continue;
      }
      for (const gvk of asArray(definition[GROUP_VERSION_KIND]).map(asRecord)) {
        const key = `${gvk.group ? `${String(gvk.group)}/` : ''}${String(gvk.version)} ${String(gvk.kind)}`;
        const versions = served.get(key) ?? [];
        if (!versions.includes(version)) {
          versions.push(version);
        }
        served.set(key, versions);
      }
    }
  }
  const changed = [...served].filter(([, versions]) => versions.length < kubernetesVersions.length).sort(([a], [b]) => a.localeCompare(b));
  return { kubernetesVersions, servedBy: Object.fromEntries(changed) };
}

const apiHistories = new Map<string, ApiHistory>();

/** The API history written beside the packed files, read on first use. */
export function readApiHistory(dir: string = PACKED_DEFINITIONS_DIR): ApiHistory {
  const cached = apiHistories.get(dir);
  if (cached) {
    return cached;
  }
  const file = path.join(dir, API_HISTORY_FILE);
  let history: ApiHistory;
  try {
    history = JSON.parse(fs.readFileSync(file, 'utf-8')) as ApiHistory;
  } catch (e) {
    throw new Error(`cannot read the Kubernetes API history at ${file}: ${(e as Error).message}`);
  }
  apiHistories.set(dir, history);
  return history;
}
