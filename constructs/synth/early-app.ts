// The app, started before the cdk8s CLI is loaded: loading the CLI's synth command takes a few hundred milliseconds
// that the app can use. The CLI's own spawn of the same command gets this process instead.
// A TypeScript app runs in the synth's first process instead (app-host.ts), which then starts this one as its
// worker: here the app is `appInHost()`, whose exit status comes from the host.
import { ChildProcess } from 'child_process';
import { EventEmitter } from 'events';
import * as fs from 'fs';
import { Socket } from 'net';
import * as path from 'path';
import { Readable } from 'stream';

import { cliDir } from './cdk8s-cli';
import { signalGroup, spawnInGroup } from './process-groups';

/** How the CLI will run the app: the command, the new folder it writes, whether it records construct metadata (validations on). */
export interface EarlyStart {
  readonly app: string;
  readonly outdir: string;
  readonly recordMetadata: boolean;
  /** Whether the app already runs in the host process (app-host.ts) that started this one as its worker. */
  readonly inHost?: boolean;
}

/** The started app; the CLI gets it for its spawn of the same command, with events it missed replayed. */
interface EarlyApp {
  readonly app: string;
  readonly outdir: string;
  readonly child: ChildProcess;
  /** Whether it runs in the host (app-host.ts), not in a child of this process. */
  readonly inHost: boolean;
  claimed: boolean;
  exited?: [number | null, NodeJS.Signals | null];
  failed?: Error;
}
let early: EarlyApp | undefined;

/** The descriptor of the worker's socket to the host (app-host.ts). */
const HOST_FD = 3;

/** The app that runs in the host (app-host.ts), as a child process of the CLI's: it exits when the host says so. */
function appInHost(): ChildProcess {
  const proxy = new EventEmitter() as ChildProcess;
  Object.assign(proxy, { stdout: Readable.from([]), pid: undefined, kill: () => false });
  const socket = new Socket({ fd: HOST_FD, readable: true, writable: false });
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
      const [what, value] = text.slice(0, end).split(' ');
      text = text.slice(end + 1);
      if (what === 'exit') {
        proxy.emit('exit', Number(value), null);
      } else if (what === 'stop') {
        process.emit(value as NodeJS.Signals, value as NodeJS.Signals); // as if the signal came here
      }
    }
  });
  // the host is gone (a signal ended it while the app ran, say): nothing may be swapped in
  socket.once('end', () => process.emit('SIGTERM', 'SIGTERM'));
  socket.once('error', () => process.emit('SIGTERM', 'SIGTERM'));
  return proxy;
}

/** In the worker: tells the host this process's exit status as it exits. */
export function reportStatusToHost(): void {
  process.once('exit', code => {
    try {
      fs.writeSync(HOST_FD, `status ${code}\n`);
    } catch {
      // the host is gone
    }
  });
}

/**
 * Starts the app as the CLI's `synthApp` does (through a shell, stdout piped, CDK8S_OUTDIR set), or takes the one
 * the host runs.
 */
export function startEarlyApp(start: EarlyStart, appEnv: NodeJS.ProcessEnv): void {
  const child = start.inHost ? appInHost() : spawnInGroup(start.app, [], {
    shell: true,
    stdio: ['inherit', 'pipe', 'inherit'],
    env: {
      ...process.env,
      CDK8S_OUTDIR: start.outdir,
      CDK8S_RECORD_CONSTRUCT_METADATA: process.env.CDK8S_RECORD_CONSTRUCT_METADATA ?? String(start.recordMetadata),
      ...appEnv,
    },
  });
  const started: EarlyApp = { app: start.app, outdir: path.resolve(start.outdir), child, inHost: start.inHost === true, claimed: false };
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

/** Resolves once an app that runs in the host is over (at once for any other): only then may another write its folder. */
export function hostAppOver(): Promise<void> {
  const started = early;
  if (!started?.inHost || started.exited) {
    return Promise.resolve();
  }
  return new Promise(resolve => started.child.once('exit', () => resolve()));
}

/** Stops an early app the CLI never asked for (it failed before running the app), and empties its folder. */
export async function abandonEarlyApp(): Promise<void> {
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
