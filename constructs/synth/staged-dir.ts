// A folder built beside its target and swapped in only when complete, so the target is never half-written.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { isProcessRunning, ownStartTime } from './process-identity';
import { removeTree } from './remove-tree';

/** What a sibling folder of the target is for: `new` is being built, `old` is the previous target set aside. */
type Role = 'new' | 'old';

/**
 * A temporary sibling of `target` to build into, named `.dist-new-<target>-<pid>-<start>-<random>` (git-ignored).
 * While committing, the old target is set aside as `.dist-old-<target>-<pid>-<start>-<random>`. The pid and the
 * process start time in both names let a later run tell the leftovers of a dead run (also one whose pid now belongs
 * to another process, or is a zombie) from those of a running one (see `recover`).
 */
export class StagedDir {
  /**
   * Cleans up after runs that died: if `target` is missing and exactly one set-aside copy of a dead run is left
   * (the run died between the two renames of `commit`), puts it back; removes the staged folders of dead runs, and
   * their set-aside copies once `target` exists. Touches only `.dist-new-*` / `.dist-old-*` siblings named after
   * `target` whose run is no longer alive. Never throws: what it cannot remove it reports and leaves. Returns what
   * it did, one line per action.
   */
  public static recover(target: string): string[] {
    const dir = path.dirname(path.resolve(target));
    const name = path.basename(path.resolve(target));
    if (!fs.existsSync(dir)) {
      return [];
    }
    const leftovers = fs.readdirSync(dir)
      .map(entry => ({ entry, parsed: parseSibling(entry, name) }))
      .filter((x): x is { entry: string; parsed: Sibling } => x.parsed !== undefined && !isRunning(x.parsed))
      .map(x => ({ full: path.join(dir, x.entry), role: x.parsed.role }));
    const done = removeAll(leftovers.filter(x => x.role === 'new'));
    const olds = leftovers.filter(x => x.role === 'old');
    const targetPath = path.join(dir, name);
    if (fs.existsSync(targetPath)) {
      return done.concat(removeAll(olds)); // the run died after its commit, before removing the old copy
    }
    if (olds.length === 1) {
      try {
        fs.renameSync(olds[0].full, targetPath);
        done.push(`restored ${targetPath} from ${olds[0].full}, left by an interrupted synth`);
      } catch (e) {
        done.push(`${targetPath} is missing; could not put back ${olds[0].full}, left by an interrupted synth: ${(e as Error).message}`);
      }
    } else if (olds.length > 1) {
      done.push(`${targetPath} is missing and there are several old copies of it; left them: ${olds.map(x => x.full).join(', ')}`);
    }
    return done;
  }

  /** The folder to build into. */
  public readonly path: string;
  private done = false;

  /** `stagedPath`: a staged folder another process of this synth named (app-host.ts), instead of a new one. */
  constructor(public readonly target: string, stagedPath?: string) {
    this.path = stagedPath ?? siblingOf(target, 'new');
  }

  /** Whether `folder` is named as a staged folder of `target`. */
  public static isStagedFolderOf(target: string, folder: string): boolean {
    const resolved = path.resolve(target);
    return path.dirname(folder) === path.dirname(resolved) && parseSibling(path.basename(folder), path.basename(resolved))?.role === 'new';
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
      const problem = removeTree(old);
      if (problem) {
        console.error(`could not remove the previous ${this.target}, set aside as ${old}: ${problem}; the next synth retries`);
      }
    }
  }

  /** Removes the staged folder unless it was committed; never throws, safe to call more than once and from an exit handler. */
  public discard(): void {
    if (!this.done) {
      this.done = true;
      const problem = removeTree(this.path);
      if (problem) {
        console.error(`could not remove ${this.path}: ${problem}; the next synth retries`);
      }
    }
  }
}

/** This process, as the names of its siblings record it. */
const OWNER = `${process.pid}-${ownStartTime()}`;

function siblingOf(target: string, role: Role): string {
  const resolved = path.resolve(target);
  return path.join(path.dirname(resolved), `.dist-${role}-${path.basename(resolved)}-${OWNER}-${crypto.randomBytes(6).toString('hex')}`);
}

interface Sibling {
  readonly role: Role;
  readonly pid: number;
  /** Absent in the names of versions that recorded only the pid. */
  readonly startTime?: string;
}

/** The role and owner in a sibling's name, if `entry` is a staged or set-aside sibling of the target named `name`. */
function parseSibling(entry: string, name: string): Sibling | undefined {
  for (const role of ['new', 'old'] as const) {
    const prefix = `.dist-${role}-${name}-`;
    if (entry.startsWith(prefix)) {
      const match = /^(\d+)(?:-(\d+))?-[0-9a-f]{12}$/.exec(entry.slice(prefix.length));
      if (match) {
        return { role, pid: Number(match[1]), startTime: match[2] };
      }
    }
  }
  return undefined;
}

/** Whether the run that owns a sibling is alive; this process counts as alive for the names it made. */
function isRunning(owner: Sibling): boolean {
  if (owner.pid === process.pid) {
    return owner.startTime === undefined || `${owner.pid}-${owner.startTime}` === OWNER;
  }
  return isProcessRunning(owner.pid, owner.startTime);
}

function removeAll(leftovers: { full: string }[]): string[] {
  return leftovers.map(({ full }) => {
    const problem = removeTree(full);
    return problem
      ? `could not remove ${full}, left by an interrupted synth: ${problem}; remove it by hand`
      : `removed ${full}, left by an interrupted synth`;
  });
}
