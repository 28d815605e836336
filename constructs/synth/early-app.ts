// The app, started before the cdk8s CLI is loaded: loading the CLI's synth command takes a few hundred milliseconds
// that the app can use. The CLI's own spawn of the same command gets this process instead.
// A TypeScript app's node process starts earlier still (`prestartApp`), before the synth has read its options: it
// boots and loads the app runner while the synth works out the app and its folder, then runs what it is sent.
import { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Writable } from 'stream';

import { appEnvironment, appRunner, appZygote } from './app-process';
import { cliDir } from './cdk8s-cli';
import { signalGroup, spawnInGroup } from './process-groups';

/** How the CLI will run the app: the command, the new folder it writes, whether it records construct metadata (validations on). */
export interface EarlyStart {
  readonly app: string;
  readonly outdir: string;
  readonly recordMetadata: boolean;
  /**
   * The script and arguments, when `app` is `node -r <app runner> <script> ...args` (app-command.ts
   * `fastAppCommand`): a prestarted process can run it.
   */
  readonly script?: readonly string[];
}

/** A process started by `prestartApp`, with what happened to it before it was given an app. */
interface Prestarted {
  readonly child: ChildProcess;
  exited?: [number | null, NodeJS.Signals | null];
  failed?: Error;
}
let prestarted: Prestarted | undefined;

/**
 * Starts node with the app runner and the app's environment (app-process.ts), to run a TypeScript app once
 * `startEarlyApp` sends it one; `abandonEarlyApp` stops it if none comes. Once per process.
 */
export function prestartApp(): void {
  if (prestarted || process.env.CDK8S_SYNTH_SPAWN_CLI) {
    return;
  }
  const child = spawnInGroup(process.execPath, ['-r', appRunner(), appZygote()], {
    stdio: ['inherit', 'pipe', 'inherit', 'pipe'],
    env: { ...process.env, ...appEnvironment() },
  });
  const started: Prestarted = { child };
  child.stdout?.resume(); // as for any early app: a full pipe must not stall it
  child.once('exit', (code, signal) => started.exited = [code, signal]);
  child.once('error', e => started.failed = e);
  prestarted = started;
}

/** The prestarted process, if it is still waiting for an app; from then on it is the caller's. */
function takePrestarted(): Prestarted | undefined {
  const taken = prestarted;
  prestarted = undefined;
  if (taken && (taken.exited || taken.failed)) {
    return undefined;
  }
  return taken;
}

/** Stops a prestarted process that was never given an app (the synth runs none, or not this way). */
export function dropPrestarted(): void {
  const unused = prestarted;
  prestarted = undefined;
  if (unused?.child.pid !== undefined && !unused.exited) {
    signalGroup(unused.child.pid, 'SIGKILL');
  }
}

/** The started app; the CLI gets it for its spawn of the same command, with events it missed replayed. */
interface EarlyApp {
  readonly app: string;
  readonly outdir: string;
  readonly child: ChildProcess;
  claimed: boolean;
  exited?: [number | null, NodeJS.Signals | null];
  failed?: Error;
}
let early: EarlyApp | undefined;

/**
 * Starts the app as the CLI's `synthApp` does (stdout piped, CDK8S_OUTDIR set): in the prestarted process when there
 * is one for it, else through a shell.
 */
export function startEarlyApp(start: EarlyStart, appEnv: NodeJS.ProcessEnv): void {
  const outputEnv = {
    CDK8S_OUTDIR: start.outdir,
    CDK8S_RECORD_CONSTRUCT_METADATA: process.env.CDK8S_RECORD_CONSTRUCT_METADATA ?? String(start.recordMetadata),
  };
  const ready = start.script ? takePrestarted() : undefined;
  dropPrestarted();
  if (ready && start.script) {
    (ready.child.stdio[3] as Writable | null)?.end(`${JSON.stringify({ argv: start.script, env: outputEnv })}\n`);
    const started: EarlyApp = { app: start.app, outdir: path.resolve(start.outdir), child: ready.child, claimed: false };
    early = started;
    ready.child.once('exit', (code, signal) => started.exited = [code, signal]);
    ready.child.once('error', e => started.failed = e);
    return;
  }
  const child = spawnInGroup(start.app, [], { shell: true, stdio: ['inherit', 'pipe', 'inherit'], env: { ...process.env, ...outputEnv, ...appEnv } });
  const started: EarlyApp = { app: start.app, outdir: path.resolve(start.outdir), child, claimed: false };
  child.stdout?.resume(); // the CLI ignores the app's stdout; a full pipe must not stall the app until it listens
  child.once('exit', (code, signal) => started.exited = [code, signal]);
  child.once('error', e => started.failed = e);
  early = started;
}

/**
 * The early app, for the CLI's spawn of `command` with `args`, if it is that app; a spawn of anything else while the
 * early app is unclaimed kills it first, so two apps never write one folder.
 */
export function claimEarlyApp(command: string, args: readonly string[]): ChildProcess | undefined {
  if (!early || early.claimed) {
    return undefined;
  }
  if (command !== early.app || args.length > 0) {
    dropEarlyApp(early);
    return undefined;
  }
  const started = early;
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

/** Stops an early app the CLI never asked for (it failed before running the app), and empties its folder. */
export async function abandonEarlyApp(): Promise<void> {
  dropPrestarted();
  if (early && !early.claimed) {
    if (!early.exited && early.child.pid !== undefined) {
      const exited = new Promise(resolve => early!.child.once('exit', resolve));
      signalGroup(early.child.pid, 'SIGKILL');
      await exited;
    }
    fs.rmSync(early.outdir, { recursive: true, force: true });
  }
  early = undefined;
}

/**
 * The CLI empties its output folder before it runs the app; the early app's folder is new and already being written.
 * Returns the function that undoes the patch.
 */
export function keepEarlyOutput(): () => void {
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
