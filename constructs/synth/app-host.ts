// Runs a TypeScript app in the synth's own process, which node has already booted, while a worker process (the
// same command, told so by WORKER_VARIABLE) loads the cdk8s CLI, runs it on the app's output, validates and swaps
// the folder in: the app is the longest part of a synth, and it no longer waits for a second node to start.
//
// The app sees its process as under `node -r <app runner> <script> ...args`: that argv and execArgv,
// `require.main`, the environment the CLI gives it (CDK8S_OUTDIR, CDK8S_RECORD_CONSTRUCT_METADATA, NODE_OPTIONS for
// its own children), its stdout discarded as the CLI discards it. When it ends (its event loop empties, or it calls
// process.exit, also through the handler of uncaught bad props) it is over: the worker gets its exit status, and
// this process exits with the worker's. A signal while the app runs ends this process as it would end the app (by
// the signal, which the shell reports as 130, 143, ...), and the worker, seeing it gone, swaps nothing in; an app
// that handles the signal itself gets the grace period a separate app would get. Messages on fd 3: to the worker
// `exit <code>` or `stop <signal>`; from it `status <code>` as it exits.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import Module from 'module';
import { Socket } from 'net';
import * as path from 'path';

import { appEnvironment, appRunner } from './app-process';
import { exitProcess } from './cdk8s-synth';
import { interruptedStatus, STOP_GRACE_MS, STOP_SIGNALS } from './process-groups';
import { StagedDir } from './staged-dir';

/** Set in the worker's environment to the staged folder the app writes; internal to the synth. */
export const WORKER_VARIABLE = 'CDK8S_MODEL_SERVING_SYNTH_WORKER';


/** What to run here: the script and its arguments, the folder it writes, whether the CLI records construct metadata. */
export interface HostedApp {
  readonly script: readonly string[];
  readonly staged: StagedDir;
  readonly recordMetadata: boolean;
}

/** The worker: the synth command again, with the staged folder in WORKER_VARIABLE and a socket on fd 3. */
function startWorker(staged: StagedDir): { worker: ChildProcess; socket: Socket } {
  const worker = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['ignore', 'inherit', 'inherit', 'pipe'],
    env: { ...process.env, [WORKER_VARIABLE]: staged.path },
  });
  const socket = worker.stdio[3] as Socket;
  // while the app runs, neither may keep this process alive: its end is the app's event loop emptying
  worker.unref();
  socket.unref();
  socket.on('error', () => undefined); // a worker that died: seen when the app is over
  return { worker, socket };
}

/** The file descriptor of the socket, for the blocking exchange after `process.exit`. */
function descriptorOf(socket: Socket): number | undefined {
  return (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
}

/** Sleeps the thread, for polling without an event loop. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Tells the worker the app's status and blocks until the worker's own, for an app that called process.exit (which
 * never returns); 1 when the worker is gone without saying.
 */
function workerStatusBlocking(socket: Socket, code: number): number {
  const fd = descriptorOf(socket);
  if (fd === undefined) {
    return 1;
  }
  try {
    fs.writeSync(fd, `exit ${code}\n`);
  } catch {
    return 1;
  }
  let text = '';
  const buffer = Buffer.alloc(256);
  for (;;) {
    let read: number;
    try {
      read = fs.readSync(fd, buffer, 0, buffer.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        sleep(2);
        continue;
      }
      return 1;
    }
    if (read === 0) {
      break;
    }
    text += buffer.toString('utf8', 0, read);
  }
  const status = /^status (\d+)$/m.exec(text);
  return status ? Number(status[1]) : 1;
}

/** Runs the app in this process; settles never (the process exits with the worker's status). */
export function hostApp(app: HostedApp): Promise<never> {
  const { worker, socket } = startWorker(app.staged);
  let workerExit: number | undefined;
  // a worker killed by any other signal counts as killed (137)
  worker.once('exit', (code, signal) => workerExit = code ?? interruptedStatus(signal && STOP_SIGNALS.includes(signal) ? signal : 'SIGKILL'));
  let over = false;

  /** Exits with `status` once the worker is gone. */
  const exitAfterWorker = (status: () => number) => {
    if (workerExit !== undefined) {
      exitProcess(status());
    }
    worker.once('exit', () => exitProcess(status()));
  };

  /**
   * After the app's event loop emptied: a signal now stops the worker, which this process waits for; a second one
   * kills it and exits at once (the staged folder is removed on exit).
   */
  const finishWhenIdle = (code: number) => {
    over = true;
    worker.ref();
    let stopping = false;
    for (const signal of STOP_SIGNALS) {
      process.on(signal, () => {
        if (stopping) {
          worker.kill('SIGKILL');
          exitProcess(interruptedStatus(signal));
        }
        stopping = true;
        socket.write(`stop ${signal}\n`);
        exitAfterWorker(() => interruptedStatus(signal));
      });
    }
    socket.write(`exit ${code}\n`);
    exitAfterWorker(() => workerExit ?? 1);
  };

  // An app that handles a signal itself keeps running; as a separate app it would get a grace period, then SIGKILL.
  const handled = new Set<string>();
  process.on('newListener', (event: string | symbol) => {
    if (over || typeof event !== 'string' || !STOP_SIGNALS.includes(event as NodeJS.Signals) || handled.has(event)) {
      return;
    }
    handled.add(event);
    let signalled = false;
    process.on(event, () => {
      if (over) {
        return;
      }
      if (signalled) {
        exitProcess(interruptedStatus(event as NodeJS.Signals));
      }
      signalled = true;
      socket.write(`stop ${event}\n`);
      setTimeout(() => exitProcess(interruptedStatus(event as NodeJS.Signals)), STOP_GRACE_MS);
    });
  });

  process.exit = ((code?: number) => {
    over = true;
    exitProcess(workerStatusBlocking(socket, Number(code ?? process.exitCode ?? 0)));
  }) as typeof process.exit;
  process.once('beforeExit', () => finishWhenIdle(Number(process.exitCode ?? 0)));

  Object.assign(process.env, {
    ...appEnvironment(),
    CDK8S_OUTDIR: app.staged.path,
    CDK8S_RECORD_CONSTRUCT_METADATA: process.env.CDK8S_RECORD_CONSTRUCT_METADATA ?? String(app.recordMetadata),
  });
  // the CLI discards the app's stdout; the worker writes to the same terminal directly
  process.stdout.write = ((...args: unknown[]) => {
    const done = args.find(arg => typeof arg === 'function') as (() => void) | undefined;
    if (done) {
      process.nextTick(done); // as a stream calls it: later
    }
    return true;
  }) as typeof process.stdout.write;
  const script = path.resolve(app.script[0]);
  process.argv = [process.argv[0], script, ...app.script.slice(1)];
  process.execArgv = ['-r', appRunner()]; // what a child_process.fork() of the app passes on
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(__dirname, `app-errors${path.extname(__filename)}`));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(appRunner());
  // from the event loop, so that what the app throws is uncaught, as in its own process
  setImmediate(() => (Module as unknown as { runMain(main: string): void }).runMain(script));
  return new Promise(() => undefined);
}
