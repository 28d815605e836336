// Runs `cdk8s synth` for synth.ts, and stops it and the app it started on a signal.
//
// Fast path: the cdk8s CLI spends most of its ~0.7 s start-up loading every command (import, init) and yargs'
// command folder. We load only its synth command (cdk8s-cli 2.207.60, pinned: `lib/cli/cmds/synth.js`, a yargs
// command module) in this process and run its handler, with the same options, defaults and `CDK8S_*` environment
// variables as `cdk8s synth --no-check-upgrade`. If that module is missing or changed shape, or
// CDK8S_SYNTH_SPAWN_CLI is set, we run the `cdk8s` binary instead.
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';

// The CLI spawns the app through `child_process.spawn`; we patch the module object itself (not a copy) so we
// can start the app in its own process group and stop the whole group on a signal.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const childProcess = require('child_process') as typeof import('child_process');

const children = new Set<ChildProcess>();
/** Process groups we started, kept after their leader exits while other members (the app under a shell) live on. */
const groups = new Set<number>();

interface SynthCommand {
  builder(args: unknown): { parse(): Record<string, unknown> };
  handler(argv: Record<string, unknown>): Promise<void>;
}

export function cliDir(): string {
  return path.dirname(require.resolve('cdk8s-cli/package.json'));
}

/**
 * Spawns with a process group of its own (so a signal reaches the app, not just its shell) and tracks it. The
 * `appEnv` of the run is added to the child's environment.
 */
function trackedSpawn(...args: Parameters<typeof childProcess.spawn>): ChildProcess {
  const first = children.size === 0;
  type Options = { env?: NodeJS.ProcessEnv } | undefined;
  const [command, argsOrOptions, maybeOptions] = args as [string, readonly string[] | Options, Options];
  if (early && !early.claimed) {
    if (command === early.app && (!Array.isArray(argsOrOptions) || argsOrOptions.length === 0)) {
      return claimEarlyApp(early);
    }
    dropEarlyApp(early); // the CLI runs something else: never let two apps write one folder
  }
  const withEnv = (options: Options) => ({ ...options, env: { ...(options?.env ?? process.env), ...appEnv }, detached: true });
  const child = Array.isArray(argsOrOptions)
    ? originalSpawn(command, argsOrOptions, withEnv(maybeOptions))
    : originalSpawn(command, withEnv(argsOrOptions as Options));
  children.add(child);
  if (child.pid !== undefined) {
    groups.add(child.pid);
  }
  child.once('exit', () => {
    children.delete(child);
    if (child.pid !== undefined && !signalGroup(child.pid, 0)) {
      groups.delete(child.pid);
    }
  });
  if (first && preload) {
    setImmediate(preload);
  }
  return child;
}
let preload: (() => void) | undefined;
let appEnv: NodeJS.ProcessEnv = {};

/**
 * The app, started before the CLI is loaded: loading the CLI's synth command takes a few hundred milliseconds that
 * the app can use. The CLI's own spawn of the same command gets this process instead; events it missed are replayed.
 */
interface EarlyApp {
  readonly app: string;
  readonly outdir: string;
  readonly child: ChildProcess;
  claimed: boolean;
  exited?: [number | null, NodeJS.Signals | null];
  failed?: Error;
}
let early: EarlyApp | undefined;

/** Starts the app as the CLI's `synthApp` does (through a shell, stdout piped, CDK8S_OUTDIR set). */
function startEarlyApp(start: EarlyStart): EarlyApp {
  const env = {
    ...process.env,
    CDK8S_OUTDIR: start.outdir,
    CDK8S_RECORD_CONSTRUCT_METADATA: process.env.CDK8S_RECORD_CONSTRUCT_METADATA ?? String(start.recordMetadata),
  };
  const child = trackedSpawn(start.app, [], { shell: true, stdio: ['inherit', 'pipe', 'inherit'], env });
  const started: EarlyApp = { app: start.app, outdir: path.resolve(start.outdir), child, claimed: false };
  child.stdout?.resume(); // the CLI ignores the app's stdout; a full pipe must not stall the app until it listens
  child.once('exit', (code, signal) => started.exited = [code, signal]);
  child.once('error', e => started.failed = e);
  return started;
}

function claimEarlyApp(started: EarlyApp): ChildProcess {
  started.claimed = true;
  setImmediate(() => {
    if (started.failed) {
      started.child.emit('error', started.failed);
    } else if (started.exited) {
      started.child.emit('exit', ...started.exited);
    }
  });
  return started.child;
}

/** Kills an early app the CLI did not ask for, at once, and empties its folder. */
function dropEarlyApp(started: EarlyApp): void {
  started.claimed = true;
  if (started.child.pid !== undefined) {
    signalGroup(started.child.pid, 'SIGKILL');
  }
  fs.rmSync(started.outdir, { recursive: true, force: true });
}

/** Stops an early app the CLI never asked for (it failed before running the app). */
async function abandonEarlyApp(): Promise<void> {
  if (early && !early.claimed && !early.exited && early.child.pid !== undefined) {
    const exited = new Promise(resolve => early!.child.once('exit', resolve));
    signalGroup(early.child.pid, 'SIGKILL');
    await exited;
  }
  early = undefined;
}

/**
 * The CLI empties its output folder before it runs the app; the early app's folder is new and already being written.
 * Returns the function that undoes the patch.
 */
function keepEarlyOutput(): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fsExtra = require(require.resolve('fs-extra', { paths: [cliDir()] })) as { rmSync: typeof fs.rmSync };
  const rmSync = fsExtra.rmSync;
  fsExtra.rmSync = ((target: fs.PathLike, options?: fs.RmOptions) => {
    if (early && path.resolve(String(target)) === early.outdir) {
      return;
    }
    rmSync(target, options);
  }) as typeof fs.rmSync;
  return () => {
    fsExtra.rmSync = rmSync;
  };
}
const originalSpawn = childProcess.spawn;
/** `process.exit`, which the CLI calls itself; we stand in for it while the CLI runs, and exit through this. */
export const exitProcess: (code?: number) => never = process.exit.bind(process);

/** What the CLI asked for by calling `process.exit` while it ran in this process. */
class CliExit extends Error {
  constructor(public readonly code: number) {
    super(`the cdk8s CLI exited with status ${code}`);
  }
}

/**
 * synth.js needs `lib/import/dispatch.js` (the `cdk8s import` machinery, ~0.15 s to load) only for Helm output with
 * CRD imports (`addCrdsToHelmChart`). Pre-seed the module cache with a stand-in that loads the real module on use.
 */
function deferImportDispatch(dir: string): void {
  const dispatchPath = path.join(dir, 'lib', 'import', 'dispatch.js');
  if (!fs.existsSync(dispatchPath) || require.cache[dispatchPath]) {
    return;
  }
  let real: { matchImporter(...args: unknown[]): unknown } | undefined;
  const loadReal = () => {
    if (!real) {
      delete require.cache[dispatchPath];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      real = require(dispatchPath) as { matchImporter(...args: unknown[]): unknown };
    }
    return real;
  };
  const standIn = new Module(dispatchPath);
  standIn.filename = dispatchPath;
  standIn.loaded = true;
  standIn.exports = { matchImporter: (...args: unknown[]) => loadReal().matchImporter(...args) };
  require.cache[dispatchPath] = standIn;
}

function loadSynthCommand(): SynthCommand | undefined {
  if (process.env.CDK8S_SYNTH_SPAWN_CLI) {
    return undefined;
  }
  try {
    deferImportDispatch(cliDir());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const command = require(path.join(cliDir(), 'lib', 'cli', 'cmds', 'synth.js')) as Partial<SynthCommand> & { command?: string };
    if (command.command === 'synth' && typeof command.builder === 'function' && typeof command.handler === 'function') {
      return command as SynthCommand;
    }
  } catch {
    // fall back to the binary
  }
  return undefined;
}

/** The cdk8s CLI's error when the app exits non-zero. */
const APP_FAILED = /^command ".*" at .* returned a non-zero exit code \d+$/s;

/** Runs the CLI's synth handler; a `process.exit` it calls (after a failed validation, say) ends the run, not the process. */
async function runInProcess(command: SynthCommand, args: string[]): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require(require.resolve('yargs', { paths: [cliDir()] })) as (args: string[]) => { env(prefix: string): { help(): unknown } };
  const argv = command.builder(yargs(args).env('CDK8S').help()).parse();
  const restoreRm = keepEarlyOutput();
  process.exit = ((code?: number) => {
    throw new CliExit(code ?? Number(process.exitCode ?? 0));
  }) as typeof process.exit;
  try {
    await command.handler(argv);
    return 0;
  } catch (e) {
    if (e instanceof CliExit) {
      return e.code;
    }
    // What the cdk8s binary prints and returns on an error, except when the app failed: it has said why on
    // stderr already, and the CLI's stack trace would bury that.
    const error = e as Error;
    console.error(APP_FAILED.test(error.message) ? error.message : error.stack);
    return 1;
  } finally {
    process.exit = exitProcess;
    restoreRm();
  }
}

function runBinary(args: string[]): Promise<number> {
  const bin = path.join(cliDir(), 'bin', 'cdk8s');
  const child = trackedSpawn(process.execPath, [bin, 'synth', '--no-check-upgrade', ...args], { stdio: 'inherit' });
  return new Promise(resolve => {
    child.once('error', () => resolve(1));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** How `cdk8sSynth` runs the app. */
export interface Cdk8sSynthOptions {
  /** Called once the app has started, to use the otherwise idle wait (see synth.ts). */
  readonly whileAppRuns?: () => void;
  /** Added to the environment of the processes the CLI starts (the app). */
  readonly appEnv?: NodeJS.ProcessEnv;
  /** Start the app before loading the CLI: only for a plain synth into a new folder, with `--app` and `--output` of these values. */
  readonly early?: EarlyStart;
}

/** How the CLI will run the app: the command, the new folder it writes, whether it records construct metadata (validations on). */
export interface EarlyStart {
  readonly app: string;
  readonly outdir: string;
  readonly recordMetadata: boolean;
}

/**
 * Runs `cdk8s synth <args>` and resolves to its exit status: 0 when the app and the validations succeeded (the CLI
 * exits 2 for a failed validation, 1 for everything else).
 */
export async function cdk8sSynth(args: string[], options: Cdk8sSynthOptions = {}): Promise<number> {
  appEnv = options.appEnv ?? {};
  preload = options.whileAppRuns;
  childProcess.spawn = trackedSpawn as typeof childProcess.spawn;
  try {
    if (options.early && !process.env.CDK8S_SYNTH_SPAWN_CLI) {
      early = startEarlyApp(options.early);
    }
    const command = loadSynthCommand();
    if (!command) {
      if (early) {
        await abandonEarlyApp();
        fs.rmSync(options.early!.outdir, { recursive: true, force: true });
      }
      return await runBinary(args);
    }
    return await runInProcess(command, args);
  } finally {
    await abandonEarlyApp();
    childProcess.spawn = originalSpawn;
  }
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
function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
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
