// A throwaway cdk8s project for tests of `cdk8s-model-serving synth`, whose tiny app fails in chosen ways (MODE).
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export const ROOT = path.join(__dirname, '..');
export const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
export const CLI = path.join(ROOT, 'constructs', 'cli.ts');

export const APP = `
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';

const mode = process.env.MODE ?? 'ok';
const app = new App();
for (const id of ['a', 'b']) {
  new ApiObject(new Chart(app, id), 'config', { apiVersion: 'v1', kind: 'ConfigMap', data: { mode } });
}
if (mode === 'throw') {
  throw new Error('the app failed');
}
if (mode === 'view') {
  // what the app sees of its process, to compare with node -r tsx/cjs app.ts
  fs.writeFileSync('view.json', JSON.stringify({
    pid: process.pid,
    argv: process.argv.slice(1),
    main: require.main === module,
    outdir: process.env.CDK8S_OUTDIR,
    metadata: process.env.CDK8S_RECORD_CONSTRUCT_METADATA,
    execArgv: process.execArgv,
  }));
}
if (mode === 'fail-midway') {
  // a.k8s.yaml is written, then writing b.k8s.yaml fails, as on a full disk
  fs.mkdirSync(path.join(app.outdir, 'b.k8s.yaml'), { recursive: true });
}
if (mode === 'spin') {
  // busy without ever returning to its event loop, as an app stuck in a loop
  fs.writeFileSync('app.pid', String(process.pid));
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    fs.mkdirSync(app.outdir, { recursive: true });
  }
}
if (mode === 'hang') {
  if (process.env.IGNORE_SIGINT) {
    process.on('SIGINT', () => undefined);
  }
  fs.mkdirSync(app.outdir, { recursive: true });
  fs.writeFileSync(path.join(app.outdir, 'partial.k8s.yaml'), 'kind: Partial\\n');
  fs.writeFileSync('app.pid', String(process.pid));
  setTimeout(() => process.exit(3), 20_000).unref(); // never outlive a failed test for long
  setInterval(() => {
    fs.mkdirSync(app.outdir, { recursive: true });
    fs.writeFileSync(path.join(app.outdir, 'late.k8s.yaml'), 'kind: Late\\n');
  }, 50);
} else {
  app.synth();
}
`;

export const PLUGIN = `
const fs = require('fs');
class Reject {
  validate(context) {
    context.report.addViolation({ ruleName: 'reject-all', recommendation: 'none', fix: 'none', violatingResources: [] });
    context.report.submit('failure');
  }
}
class Accept {
  validate(context) {
    context.report.submit('success');
  }
}
// Busy for a while after the app has exited: a signal then arrives while validation runs.
class Slow {
  validate(context) {
    fs.writeFileSync('validating', String(process.pid));
    const until = Date.now() + 1500;
    while (Date.now() < until) {
      // keeps the thread busy, as a checker on a large app does
    }
    context.report.submit('success');
  }
}
// Lists the manifests it was given, to show what the CLI collects.
class Record {
  validate(context) {
    fs.writeFileSync('validated.json', JSON.stringify(context.manifests));
    context.report.submit('success');
  }
}
function warmUp() {
  fs.writeFileSync('warmed-up', JSON.stringify({ pid: process.pid, ppid: process.ppid }));
}
module.exports = { Accept, Record, Reject, Slow, warmUp };
`;

/** The project folder of the running test. */
export let project: string;

/** Registers a fresh project for each test of the file. */
export function useThrowawayProject(): void {
  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-test-'));
    fs.writeFileSync(path.join(project, 'app.ts'), APP);
    fs.writeFileSync(path.join(project, 'plugin.js'), PLUGIN);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node -r ${TSX} app.ts\n`);
  });

  afterEach(() => {
    fs.rmSync(project, { recursive: true, force: true });
  });
}

/** Adds a validation entry of plugin.js (`Accept`, `Reject`, ...) to the project's cdk8s.yaml. */
export function useValidation(className: string, pkg = './plugin.js'): void {
  fs.appendFileSync(path.join(project, 'cdk8s.yaml'), `validations:\n  - package: ${pkg}\n    version: 0.1.0\n    class: ${className}\n`);
}

export interface Result {
  readonly status: number | null;
  readonly output: string;
}

export function startSynth(mode: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['-r', TSX, CLI, 'synth', ...args], {
    cwd: project,
    // the throwaway project has no node_modules of its own
    env: { ...process.env, ...env, MODE: mode, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
}

/** The synth's output and exit status; a synth that ends by a signal has the status a shell reports (130 for SIGINT). */
export function finish(child: ChildProcess): Promise<Result> {
  let output = '';
  child.stdout?.on('data', d => output += d);
  child.stderr?.on('data', d => output += d);
  return new Promise(resolve => child.once('exit', (status, signal) => resolve({ status: status ?? (signal ? 128 + os.constants.signals[signal] : null), output })));
}

/** Whether `pid` is a zombie: it has exited, and waits only to be reaped (it answers `kill -0` all the same). */
export function isZombie(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  return fs.existsSync(stat) && /^Z/.test(fs.readFileSync(stat, 'utf8').replace(/^.*\) /s, ''));
}

/** The processes whose working directory is the project (the synth's, its worker's, the app's). */
export function processesInProject(): number[] {
  const cwd = fs.realpathSync(project);
  return fs.readdirSync('/proc').filter(pid => /^\d+$/.test(pid)).map(Number).filter(pid => {
    try {
      return fs.readlinkSync(`/proc/${pid}/cwd`) === cwd && !isZombie(pid);
    } catch {
      return false; // gone meanwhile
    }
  });
}

export function synth(mode: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return finish(startSynth(mode, args, env));
}

/** Every file under `dir`, relative path to content. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return files;
}

export function tempFolders(): string[] {
  return fs.readdirSync(project).filter(f => f.startsWith('.dist-'));
}

/** A dist/ from an earlier successful synth, plus a file the user put there. */
export async function givenAPreviousDist(): Promise<Record<string, string>> {
  const first = await synth('ok');
  expect(first.status).toBe(0);
  fs.writeFileSync(path.join(project, 'dist', 'notes.txt'), 'kept until the next successful synth');
  return readTree(path.join(project, 'dist'));
}

