// The contract between an app that writes one folder per environment (`dist/<env>/`) and the tools that read its
// output (the synth, the validation plugin): an environment folder holds a marker file naming its environment.
import * as fs from 'fs';
import * as path from 'path';

/**
 * The file that marks a folder as one environment's complete set of manifests. kubectl, Helm's template loader and
 * Argo CD read only `.yaml`, `.yml` and `.json` files from a folder, so it never reaches a cluster.
 */
export const ENVIRONMENT_MARKER = '.cdk8s-environment';

/** An environment name: a DNS-1123 label, since it names a folder, a Helm chart and often a namespace. */
export const ENVIRONMENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Marks `dir` as the folder of `environment`. */
export function markEnvironmentFolder(dir: string, environment: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, ENVIRONMENT_MARKER), `${environment}\n`);
}

/**
 * Splits manifest files into the sets to check on their own: one per environment folder (the nearest folder above a
 * file that holds the marker), and one of all files in no environment folder. Sets keep the order of `files`.
 */
export function groupByEnvironment(files: readonly string[]): string[][] {
  const rootOf = new Map<string, string | undefined>();
  const findRoot = (dir: string): string | undefined => {
    if (!rootOf.has(dir)) {
      const parent = path.dirname(dir);
      rootOf.set(dir, fs.existsSync(path.join(dir, ENVIRONMENT_MARKER)) ? dir : parent === dir ? undefined : findRoot(parent));
    }
    return rootOf.get(dir);
  };
  const groups = new Map<string, string[]>();
  for (const file of files) {
    const key = findRoot(path.dirname(path.resolve(file))) ?? '';
    const group = groups.get(key);
    if (group) {
      group.push(file);
    } else {
      groups.set(key, [file]);
    }
  }
  return [...groups.values()];
}
