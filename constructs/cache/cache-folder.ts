// Where this package keeps its caches, following the convention of babel, eslint and webpack
// (node_modules/.cache/<package>): next to the project's dependencies, so deleting node_modules clears them.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The environment variable that moves the caches to a folder of its own, or turns them off. */
export const CACHE_VARIABLE = 'CDK8S_MODEL_SERVING_CACHE';

const OFF = new Set(['0', 'false', 'off', 'no']);

/**
 * The folder of the cache `name`, or undefined when caching is off (CDK8S_MODEL_SERVING_CACHE=off). The default
 * is node_modules/.cache/cdk8s-model-serving/<name> of the working directory, else
 * <temporary folder>/cdk8s-model-serving-<user id>/<name>; CDK8S_MODEL_SERVING_CACHE=<folder> puts it in <folder>/<name>.
 */
export function cacheFolder(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env[CACHE_VARIABLE]?.trim();
  if (setting && OFF.has(setting.toLowerCase())) {
    return undefined;
  }
  if (setting) {
    return path.resolve(setting, name);
  }
  const dependencies = path.resolve('node_modules');
  if (fs.existsSync(dependencies)) {
    return path.join(dependencies, '.cache', 'cdk8s-model-serving', name);
  }
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : os.userInfo().username;
  return path.join(os.tmpdir(), `cdk8s-model-serving-${user}`, name);
}
