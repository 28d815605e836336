// Runs `cdk8s synth` for synth.ts: the CLI's synth command in this process (or its binary), with the app in a process
// group of its own (process-groups.ts), started early when it can be (early-app.ts).
//
// Fast path: the cdk8s CLI spends most of its ~0.7 s start-up loading every command (import, init) and yargs'
// command folder. We load only its synth command (cdk8s-cli 2.207.60, pinned: `lib/cli/cmds/synth.js`, a yargs
// command module) in this process and run its handler, with the same options, defaults and `CDK8S_*` environment
// variables as `cdk8s synth --no-check-upgrade`. If that module is missing or changed shape, or
// CDK8S_SYNTH_SPAWN_CLI is set, we run the `cdk8s` binary instead.
import { ChildProcess, SpawnOptions } from 'child_process';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';

import { cliDir } from './cdk8s-cli';
import { abandonEarlyApp, claimEarlyApp, EarlyStart, hostAppOver, keepEarlyOutput, startEarlyApp } from './early-app';
import { childProcess, originalSpawn, spawnInGroup } from './process-groups';


interface SynthCommand {
  builder(args: unknown): { parse(): Record<string, unknown> };
  handler(argv: Record<string, unknown>): Promise<void>;
}

/**
 * What the CLI calls as `child_process.spawn` while it runs here: its spawn of the app gets the early app, if one was
 * started for it; anything else starts in a process group of its own, with the `appEnv` of the run added.
 */
function trackedSpawn(...args: Parameters<typeof childProcess.spawn>): ChildProcess {
  const [command, argsOrOptions, maybeOptions] = args as [string, readonly string[] | SpawnOptions | undefined, SpawnOptions | undefined];
  const spawnArgs = Array.isArray(argsOrOptions) ? argsOrOptions : [];
  const options = (Array.isArray(argsOrOptions) ? maybeOptions : argsOrOptions as SpawnOptions | undefined) ?? {};
  const env = { ...(options.env ?? process.env), ...appEnv };
  const child = claimEarlyApp(command, spawnArgs) ?? spawnInGroup(command, spawnArgs, { ...options, env });
  appStarted();
  return child;
}

/** Runs the `whileAppRuns` of the run once, after the first process started. */
function appStarted(): void {
  if (preload) {
    setImmediate(preload);
    preload = undefined;
  }
}

let preload: (() => void) | undefined;
let appEnv: NodeJS.ProcessEnv = {};

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

/** The cdk8s CLI's synth command module. */
export function synthCommandFile(): string {
  return path.join(cliDir(), 'lib', 'cli', 'cmds', 'synth.js');
}

function loadSynthCommand(): SynthCommand | undefined {
  if (process.env.CDK8S_SYNTH_SPAWN_CLI) {
    return undefined;
  }
  try {
    deferImportDispatch(cliDir());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const command = require(synthCommandFile()) as Partial<SynthCommand> & { command?: string };
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
  const child = spawnInGroup(process.execPath, [bin, 'synth', '--no-check-upgrade', ...args], { stdio: 'inherit', env: { ...process.env, ...appEnv } });
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
      startEarlyApp(options.early, appEnv);
      appStarted();
    }
    const command = loadSynthCommand();
    if (!command) {
      // the binary runs the app again, into the same folder: an app in the host must be over first (app-host.ts)
      await hostAppOver();
      await abandonEarlyApp();
      preload = undefined;
      return await runBinary(args);
    }
    return await runInProcess(command, args);
  } finally {
    await abandonEarlyApp();
    childProcess.spawn = originalSpawn;
  }
}
