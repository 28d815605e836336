// Removing a folder tree that a failed run may have left read-only: clean-up must never be what stops a synth.
import * as fs from 'fs';
import * as path from 'path';

/** Gives the owner write and search permission on `dir` and every folder below it, as far as it can. */
function makeWritable(dir: string): void {
  try {
    if (!fs.lstatSync(dir).isDirectory()) {
      return;
    }
    fs.chmodSync(dir, 0o700);
    for (const entry of fs.readdirSync(dir)) {
      makeWritable(path.join(dir, entry));
    }
  } catch {
    // whatever is left fails the second removal, which reports it
  }
}

/**
 * Removes `target` and everything below it; a tree with read-only folders is made writable first. Never throws:
 * returns undefined when `target` is gone, else why it could not be removed.
 */
export function removeTree(target: string): string | undefined {
  try {
    fs.rmSync(target, { recursive: true, force: true });
    return undefined;
  } catch {
    makeWritable(target);
  }
  try {
    fs.rmSync(target, { recursive: true, force: true });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
