// cdk8s.yaml, as far as the synth uses it. Its parse is remembered (../cache) under a digest of the file's text: the
// YAML library takes some 20 ms to load, on the path before the app can start.
import * as fs from 'fs';

import { cacheFolder, cacheKey, DiskCache, packageVersion } from '../cache';
import { Cdk8sConfig } from './synth-args';

const CONFIG_FILE = 'cdk8s.yaml';
/** Bump when the cached value changes meaning. */
const FORMAT = 'cdk8s-config-1';

/** The config of a cache entry; undefined for none, or for an entry damaged by hand. */
function rememberedConfig(entry: string | undefined): Cdk8sConfig | undefined {
  try {
    const value = entry === undefined ? undefined : JSON.parse(entry) as unknown;
    return typeof value === 'object' && value !== null ? value as Cdk8sConfig : undefined;
  } catch {
    return undefined;
  }
}

/** The cdk8s.yaml of the working directory, or {} when there is none. Throws the YAML library's error on bad YAML. */
export function readCdk8sConfig(): Cdk8sConfig {
  if (!fs.existsSync(CONFIG_FILE)) {
    return {};
  }
  const text = fs.readFileSync(CONFIG_FILE, 'utf8');
  const folder = cacheFolder('cdk8s-config');
  const cache = folder ? new DiskCache(folder) : undefined;
  const key = cache ? cacheKey([FORMAT, packageVersion('yaml'), text]) : undefined;
  const remembered = key !== undefined ? rememberedConfig(cache?.get(key)) : undefined;
  if (remembered !== undefined) {
    return remembered;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require('yaml') as typeof import('yaml');
  const parsed = parse(text) as unknown;
  const config = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Cdk8sConfig;
  if (key !== undefined) {
    cache?.set(key, JSON.stringify(config));
  }
  return config;
}
