// A folder built beside its target and swapped in only when complete, so the target is never half-written.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** What a sibling folder of the target is for: `new` is being built, `old` is the previous target set aside. */
type Role = 'new' | 'old';

/**
 * A temporary sibling of `target` to build into, named `.dist-new-<target>-<pid>-<random>` (git-ignored). While
 * committing, the old target is set aside as `.dist-old-<target>-<pid>-<random>`. The pid in both names lets a later
 * run tell the leftovers of a dead run from those of a running one (see `recover`).
 */
export class StagedDir {
  /**
   * Cleans up after runs that died: if `target` is missing and exactly one set-aside copy of a dead run is left
   * (the run died between the two renames of `commit`), puts it back; removes the staged folders of dead runs, and
   * their set-aside copies once `target` exists. Touches only `.dist-new-*` / `.dist-old-*` siblings named after
   * `target` whose run is no longer alive. Returns what it did, one line per action.
   */
  public static recover(target: string): string[] {
    const dir = path.dirname(path.resolve(target));
    const name = path.basename(path.resolve(target));
    if (!fs.existsSync(dir)) {
      return [];
    }
    const leftovers = fs.readdirSync(dir)
      .map(entry => ({ entry, parsed: parseSibling(entry, name) }))
      .filter((x): x is { entry: string; parsed: { role: Role; pid: number } } => x.parsed !== undefined && !isRunning(x.parsed.pid))
      .map(x => ({ full: path.join(dir, x.entry), role: x.parsed.role }));
    const done = removeAll(leftovers.filter(x => x.role === 'new'));
    const olds = leftovers.filter(x => x.role === 'old');
    const targetPath = path.join(dir, name);
    if (fs.existsSync(targetPath)) {
      return done.concat(removeAll(olds)); // the run died after its commit, before removing the old copy
    }
    if (olds.length === 1) {
      fs.renameSync(olds[0].full, targetPath);
      done.push(`restored ${targetPath} from ${olds[0].full}, left by an interrupted synth`);
    } else if (olds.length > 1) {
      done.push(`${targetPath} is missing and there are several old copies of it; left them: ${olds.map(x => x.full).join(', ')}`);
    }
    return done;
  }

  /** The folder to build into. */
  public readonly path: string;
  private done = false;

  constructor(public readonly target: string) {
    this.path = siblingOf(target, 'new');
  }

  /**
   * Replaces `target` with the staged folder: renames the old target aside, renames the staged folder into
   * place, then removes the old one. If the second rename fails, the old target is put back; if that fails too,
   * the error names both failures and where the old target is.
   */
  public commit(): void {
    if (!fs.existsSync(this.path)) {
      throw new Error(`nothing was synthesized into ${this.path}`);
    }
    const old = fs.existsSync(this.target) ? siblingOf(this.target, 'old') : undefined;
    if (old) {
      fs.renameSync(this.target, old);
    }
    try {
      fs.renameSync(this.path, this.target);
    } catch (e) {
      if (old) {
        try {
          fs.renameSync(old, this.target);
        } catch (rollback) {
          throw new Error(
            `could not move ${this.path} to ${this.target} (${(e as Error).message}), nor put the previous ${this.target} back `
            + `from ${old} (${(rollback as Error).message}); it is still there`,
            { cause: e },
          );
        }
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

function siblingOf(target: string, role: Role): string {
  const resolved = path.resolve(target);
  return path.join(path.dirname(resolved), `.dist-${role}-${path.basename(resolved)}-${process.pid}-${crypto.randomBytes(6).toString('hex')}`);
}

/** The role and pid in a sibling's name, if `entry` is a staged or set-aside sibling of the target named `name`. */
function parseSibling(entry: string, name: string): { role: Role; pid: number } | undefined {
  for (const role of ['new', 'old'] as const) {
    const prefix = `.dist-${role}-${name}-`;
    if (entry.startsWith(prefix)) {
      const match = /^(\d+)-[0-9a-f]{12}$/.exec(entry.slice(prefix.length));
      if (match) {
        return { role, pid: Number(match[1]) };
      }
    }
  }
  return undefined;
}

/** Whether a process `pid` exists (one we may not signal counts too). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) {
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeAll(leftovers: { full: string }[]): string[] {
  return leftovers.map(({ full }) => {
    fs.rmSync(full, { recursive: true, force: true });
    return `removed ${full}, left by an interrupted synth`;
  });
}
