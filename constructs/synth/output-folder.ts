// Which folder a synth replaces, given the output the user named (dist/, --output, CDK8S_OUTPUT, cdk8s.yaml `output`).
import * as fs from 'fs';
import * as path from 'path';

/** The output cannot be a folder we replace: the user has to move something out of the way. */
export class OutputFolderError extends Error {}

/**
 * The folder to replace for `output`: `output` itself when it is a folder or missing; the folder a symlink points to
 * (followed, so the link stays and the folder it names is replaced; also a link to a folder not created yet). Refuses
 * a regular file, a link to one, and a link that cannot be resolved, rather than replacing what is not ours.
 */
export function resolveOutputFolder(output: string): string {
  const absolute = path.resolve(output);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(absolute);
  } catch {
    return absolute; // missing: created by the swap
  }
  if (stat.isSymbolicLink()) {
    return resolveLink(output, absolute);
  }
  if (!stat.isDirectory()) {
    throw new OutputFolderError(`the output folder ${output} is not a folder; move it away or choose another with --output <dir>`);
  }
  return absolute;
}

function resolveLink(output: string, absolute: string): string {
  let real: string;
  try {
    real = fs.realpathSync(absolute);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new OutputFolderError(`the output folder ${output} is a symlink that cannot be followed: ${(e as Error).message}`);
    }
    // a link to a folder that does not exist yet, whose parent does: the swap creates it
    const linked = path.resolve(path.dirname(absolute), fs.readlinkSync(absolute));
    if (!fs.existsSync(path.dirname(linked)) || isLink(linked)) {
      throw new OutputFolderError(`the output folder ${output} is a symlink to ${linked}, which cannot be created`);
    }
    return linked;
  }
  if (!fs.statSync(real).isDirectory()) {
    throw new OutputFolderError(`the output folder ${output} is a symlink to ${real}, which is not a folder; move it away or choose another with --output <dir>`);
  }
  return real;
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
