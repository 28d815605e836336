// Which process owns a leftover folder, told apart from a zombie or a later process that got the same pid.
import * as fs from 'fs';

/** The fields of `/proc/<pid>/stat` we use, or undefined where there is no such file (no /proc, or no such process). */
function readStat(pid: number | 'self'): { state: string; startTime: string } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid ...`: comm may hold spaces and parentheses, so split after its last `)`.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // state is field 3 and starttime (clock ticks since boot) field 22 of the whole line
  return { state: fields[0], startTime: fields[19] };
}

/** When this process started (clock ticks since boot, from /proc), `0` where the system does not say. */
export function ownStartTime(): string {
  return readStat('self')?.startTime ?? '0';
}

/**
 * Whether the process that recorded `pid` and `startTime` still runs: it exists (one we may not signal counts too),
 * is not a zombie, and started when it said (else the pid was reused). Without /proc, only the pid can be checked.
 */
export function isProcessRunning(pid: number, startTime?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') {
      return false;
    }
  }
  const stat = readStat(pid);
  if (stat === undefined) {
    return !fs.existsSync('/proc/self/stat'); // with /proc, a pid kill(0) found but /proc lacks has just exited
  }
  if (stat.state === 'Z' || stat.state === 'X') {
    return false;
  }
  return startTime === undefined || startTime === '0' || stat.startTime === startTime;
}
