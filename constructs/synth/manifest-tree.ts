// The output folder as kubectl reads it: manifests only.
import * as fs from 'fs';
import * as path from 'path';

/**
 * What the cdk8s App writes beside the manifests, in each App's outdir, for the CLI's validation reports: `kubectl apply
 * -f` reads every .json file of a folder and fails on it, and Helm renders it as a template.
 */
export const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';

/** Removes every construct metadata file under `dir` (one per App: one per environment folder). */
export function removeConstructMetadata(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      removeConstructMetadata(file);
    } else if (entry.name === CONSTRUCT_METADATA_FILE) {
      fs.rmSync(file);
    }
  }
}
