// The processes the synth starts (the app, or the cdk8s binary), each in a process group of its own, so that a
// signal reaches the app and not just the shell that runs it, and all of them stop together on a signal.
import { ChildProcess, SpawnOptions } from 'child_process';
import * as os from 'os';

// the module object itself: the CLI spawns through its `spawn` property, which cdk8s-synth.ts replaces
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const childProcess = require('child_process') as typeof import('child_process');
/** `child_process.spawn` as node has it. */
export const originalSpawn = childProcess.spawn;

/** The signals that stop a synth: Ctrl-C, `kill`, a closed terminal. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** The exit status of a synth one of `STOP_SIGNALS` stopped, as a shell reports it: 128 + the signal's number. */
export function interruptedStatus(signal: NodeJS.Signals): number {
  return 128 + os.constants.signals[signal];
}

/** Process groups we started, kept after their leader exits while other members (the app under a shell) live on. */
const groups = new Set<number>();

/** Spawns `command` as the leader of a new process group, which `stopChildren` and `killChildren` reach. */
export function spawnInGroup(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = originalSpawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) {
    groups.add(child.pid);
  }
  child.once('exit', () => {
    if (child.pid !== undefined && !signalGroup(child.pid, 0)) {
      groups.delete(child.pid);
    }
  });
  return child;
}

/** How long `stopChildren` lets the app handle the signal before it kills it. */
export const STOP_GRACE_MS = 5_000;

/**
 * Sends `signal` to every process group we started and resolves once they are gone. A group still alive after
 * `graceMs` (an app that ignores SIGINT) gets SIGKILL; the wait ends at most a second after that.
 */
export function stopChildren(signal: NodeJS.Signals, graceMs = STOP_GRACE_MS): Promise<void> {
  return Promise.all([...groups].map(pid => stopGroup(pid, signal, graceMs))).then(() => undefined);
}

/** Sends SIGKILL to every process group we started, now; for a second Ctrl-C. */
export function killChildren(): void {
  for (const pid of groups) {
    signalGroup(pid, 'SIGKILL');
  }
}

/** Sends `signal` to the group; false when no process of the group is left. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** Signals the group, then polls until none of its processes is left (the app may outlive the shell that ran it). */
function stopGroup(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const killAt = Date.now() + graceMs;
  const giveUpAt = killAt + 1_000; // orphans not reaped yet would answer the poll forever
  let killed = false;
  return new Promise(resolve => {
    if (!signalGroup(pid, signal)) {
      resolve();
      return;
    }
    const poll = setInterval(() => {
      const now = Date.now();
      if (!signalGroup(pid, 0) || now >= giveUpAt) {
        clearInterval(poll);
        resolve();
      } else if (!killed && now >= killAt) {
        killed = true;
        signalGroup(pid, 'SIGKILL');
      }
    }, 25);
  });
}
