// A folder built beside its target and swapped in only when complete, so the target is never half-written.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** A temporary sibling of `target` (named `.dist-<random>`, git-ignored) to build into. */
export class StagedDir {
  /** The folder to build into. */
  public readonly path: string;
  private done = false;

  constructor(public readonly target: string) {
    this.path = siblingOf(target);
  }

  /**
   * Replaces `target` with the staged folder: renames the old target aside, renames the staged folder into
   * place, then removes the old one. If the second rename fails, the old target is put back.
   */
  public commit(): void {
    if (!fs.existsSync(this.path)) {
      throw new Error(`nothing was synthesized into ${this.path}`);
    }
    const old = fs.existsSync(this.target) ? siblingOf(this.target) : undefined;
    if (old) {
      fs.renameSync(this.target, old);
    }
    try {
      fs.renameSync(this.path, this.target);
    } catch (e) {
      if (old) {
        fs.renameSync(old, this.target);
      }
      throw e;
    }
    this.done = true;
    if (old) {
      fs.rmSync(old, { recursive: true, force: true });
    }
  }

  /** Removes the staged folder unless it was committed; safe to call more than once and from an exit handler. */
  public discard(): void {
    if (!this.done) {
      fs.rmSync(this.path, { recursive: true, force: true });
      this.done = true;
    }
  }
}

function siblingOf(target: string): string {
  const resolved = path.resolve(target);
  return path.join(path.dirname(resolved), `.dist-${crypto.randomBytes(6).toString('hex')}`);
}
