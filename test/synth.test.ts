// `cdk8s-model-serving synth` on a throwaway project: the output folder, failures, signals and leftovers.
import { ChildProcess, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { StagedDir } from '../constructs/synth/staged-dir';
import { takeOutput, writesToStdout } from '../constructs/synth/synth-args';
import { finish, givenAPreviousDist, isZombie, processesInProject, project, readTree, Result, startSynth, synth, tempFolders, useThrowawayProject } from './synth-project';

// the module object itself, which jest can spy on (the `fs` binding above only re-exports it)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('fs') as typeof fs;

useThrowawayProject();

jest.setTimeout(60_000);

test('a successful synth replaces dist/ and leaves no temporary folder', async () => {
  const before = await givenAPreviousDist();

  const result = await synth('second');

  expect(result.status).toBe(0);
  const after = readTree(path.join(project, 'dist'));
  expect(Object.keys(after).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  expect(after['a.k8s.yaml']).toContain('mode: second');
  expect(before['a.k8s.yaml']).toContain('mode: ok');
  expect(tempFolders()).toEqual([]);
});

test('a synth with --output replaces that folder instead', async () => {
  const result = await synth('ok', ['--output', 'manifests']);

  expect(result.status).toBe(0);
  expect(Object.keys(readTree(path.join(project, 'manifests'))).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  expect(tempFolders()).toEqual([]);
});

test.each([
  ['-o=dir', ['-o=manifests'], {}],
  ['CDK8S_OUTPUT', [], { CDK8S_OUTPUT: 'manifests' }],
])('a synth with the output folder given as %s replaces that folder', async (_form, args, env) => {
  const result = await synth('ok', args, env);

  expect(result.status).toBe(0);
  expect(Object.keys(readTree(path.join(project, 'manifests'))).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  expect(tempFolders()).toEqual([]);
});

test('a synth replaces the output folder named in cdk8s.yaml', async () => {
  fs.appendFileSync(path.join(project, 'cdk8s.yaml'), 'output: manifests\n');

  const result = await synth('ok');

  expect(result.status).toBe(0);
  expect(Object.keys(readTree(path.join(project, 'manifests'))).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
});

describe('takeOutput', () => {
  const saved = process.env.CDK8S_OUTPUT;
  afterEach(() => {
    if (saved === undefined) {
      delete process.env.CDK8S_OUTPUT;
    } else {
      process.env.CDK8S_OUTPUT = saved;
    }
  });

  test.each([
    [['-o', 'out', '--no-validate'], 'out', ['--no-validate']],
    [['-o=out'], 'out', []],
    [['-o/tmp/out'], '/tmp/out', []],
    [['--output', 'out'], 'out', []],
    [['--output=out'], 'out', []],
    [['--o', 'out'], 'out', []],
    [['--o=out'], 'out', []],
    [['-po', 'out'], 'out', ['-p']],
    [['--no-validate'], undefined, ['--no-validate']],
    [['--', '-o', 'out'], undefined, ['--', '-o', 'out']],
  ])('takes the output folder out of %j', (args, output, rest) => {
    delete process.env.CDK8S_OUTPUT;

    expect(takeOutput(args)).toEqual({ output, rest });
  });

  test('reads CDK8S_OUTPUT like the CLI, and an argument wins over it', () => {
    process.env.CDK8S_OUTPUT = 'from-env';

    expect(takeOutput([])).toEqual({ output: 'from-env', rest: [] });
    expect(takeOutput(['-o', 'out'])).toEqual({ output: 'out', rest: [] });
  });

  test('tells a synth to stdout by the same forms and variables as the CLI', () => {
    const saved = process.env.CDK8S_STDOUT;
    try {
      delete process.env.CDK8S_STDOUT;
      expect([['--stdout'], ['-p'], ['-pv'], ['--stdout=true'], [], ['--no-stdout']].map(writesToStdout)).toEqual([true, true, true, true, false, false]);
      process.env.CDK8S_STDOUT = 'true';
      expect(writesToStdout([])).toBe(true);
    } finally {
      if (saved === undefined) {
        delete process.env.CDK8S_STDOUT;
      } else {
        process.env.CDK8S_STDOUT = saved;
      }
    }
  });

  test('refuses an output given twice or without a folder', () => {
    delete process.env.CDK8S_OUTPUT;

    expect(() => takeOutput(['-o', 'a', '--output', 'b'])).toThrow('--output must be given once, as --output <value> (got ["a","b"])');
    expect(() => takeOutput(['--output'])).toThrow('--output must be given once, as --output <value> (got "")');
  });
});

test("an app's failure is not buried under the CLI's stack trace", async () => {
  const result = await synth('throw');

  expect(result.output).toContain('the app failed');
  expect(result.output).toMatch(/returned a non-zero exit code 1/);
  expect(result.output).not.toMatch(/at ChildProcess/);
});

describe.each([
  ['the CLI loaded in-process', {}],
  ['the cdk8s binary', { CDK8S_SYNTH_SPAWN_CLI: '1' }],
])('through %s', (_name, env) => {
  test('an app that throws leaves dist/ byte-for-byte intact and no temporary folder', async () => {
    const before = await givenAPreviousDist();

    const result = await synth('throw', [], env);

    expect(result.status).not.toBe(0);
    expect(result.output).toContain('the app failed');
    expect(readTree(path.join(project, 'dist'))).toEqual(before);
    expect(tempFolders()).toEqual([]);
  });

  test('a write that fails midway leaves dist/ intact', async () => {
    const before = await givenAPreviousDist();

    const result = await synth('fail-midway', [], env);

    expect(result.status).not.toBe(0);
    expect(result.output).toContain('EISDIR');
    expect(readTree(path.join(project, 'dist'))).toEqual(before);
    expect(tempFolders()).toEqual([]);
  });
});

test('a failing validation plugin leaves dist/ intact and exits 1', async () => {
  const before = await givenAPreviousDist();
  fs.appendFileSync(path.join(project, 'cdk8s.yaml'), 'validations:\n  - package: ./plugin.js\n    version: 0.1.0\n    class: Reject\n');

  const result = await synth('changed');

  expect(result.status).toBe(1);
  expect(result.output).toContain('reject-all');
  expect(readTree(path.join(project, 'dist'))).toEqual(before);
  expect(tempFolders()).toEqual([]);
});

test('a local validation plugin is loaded and warmed up in the synth\'s worker while the app runs in the synth\'s process', async () => {
  fs.appendFileSync(path.join(project, 'cdk8s.yaml'), 'validations:\n  - package: ./plugin.js\n    version: 0.1.0\n    class: Accept\n');
  const child = startSynth('ok');

  const result = await finish(child);

  expect(result.status).toBe(0);
  const warmedUp = JSON.parse(fs.readFileSync(path.join(project, 'warmed-up'), 'utf8')) as { pid: number; ppid: number };
  expect(warmedUp.ppid).toBe(child.pid);
  expect(warmedUp.pid).not.toBe(child.pid);
  expect(Object.keys(readTree(path.join(project, 'dist')))).toContain('a.k8s.yaml');
});

test('with validations, dist/ holds only manifests: kubectl apply -f dist must not meet construct metadata', async () => {
  fs.appendFileSync(path.join(project, 'cdk8s.yaml'), 'validations:\n  - package: ./plugin.js\n    version: 0.1.0\n    class: Accept\n');

  const result = await synth('ok');

  expect(result.status).toBe(0);
  expect(Object.keys(readTree(path.join(project, 'dist'))).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
});

/** Starts a synth whose app hangs (`hang`, or `spin` in a loop), once the app runs and the staged folder exists. */
async function startHangingSynth(env: NodeJS.ProcessEnv = {}, mode = 'hang'): Promise<{ child: ChildProcess; done: Promise<Result>; appPid: () => number }> {
  const child = startSynth(mode, [], env);
  const done = finish(child);
  const pidFile = path.join(project, 'app.pid');
  while (!fs.existsSync(pidFile) || tempFolders().length === 0) {
    await new Promise(r => setTimeout(r, 50));
  }
  return { child, done, appPid: () => Number(fs.readFileSync(pidFile, 'utf8')) };
}

/** Whether `pid` still runs a second on. A killed orphan may linger as a zombie until init reaps it: that is dead. */
async function isAlive(pid: number): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    if (isZombie(pid)) {
      return false;
    }
    await new Promise(r => setTimeout(r, 50));
  }
  return true;
}

/** What every interrupted synth must leave: exit 130, the app gone, dist/ as it was, no temporary folder, no worker. */
async function expectStoppedCleanly(result: Result, before: Record<string, string>, appPid: number): Promise<void> {
  expect(result.status).toBe(130);
  expect(await isAlive(appPid)).toBe(false);
  expect(readTree(path.join(project, 'dist'))).toEqual(before);
  expect(tempFolders()).toEqual([]);
  expect(processesInProject()).toEqual([]); // the worker too
}

test('Ctrl-C stops the app, leaves dist/ intact and removes the temporary folder', async () => {
  const before = await givenAPreviousDist();
  const { child, done, appPid } = await startHangingSynth();

  child.kill('SIGINT');
  const result = await done;
  await new Promise(r => setTimeout(r, 300)); // the app, if still alive, would recreate files now

  await expectStoppedCleanly(result, before, appPid());
});

test('Ctrl-C stops at once an app that never returns to its event loop', async () => {
  const before = await givenAPreviousDist();
  const { child, done, appPid } = await startHangingSynth({}, 'spin');

  const start = Date.now();
  child.kill('SIGINT');
  const result = await done;
  const elapsed = Date.now() - start;
  await new Promise(r => setTimeout(r, 300));

  expect(elapsed).toBeLessThan(1_000);
  await expectStoppedCleanly(result, before, appPid());
});

test('Ctrl-C kills an app that ignores SIGINT after a grace period', async () => {
  const before = await givenAPreviousDist();
  const { child, done, appPid } = await startHangingSynth({ IGNORE_SIGINT: '1' });

  const start = Date.now();
  child.kill('SIGINT');
  const result = await done;
  const elapsed = Date.now() - start;
  await new Promise(r => setTimeout(r, 300));

  expect(elapsed).toBeGreaterThanOrEqual(4_500); // the app had its grace period
  expect(elapsed).toBeLessThan(10_000); // and did not hang the synth (it would exit by itself after 20 s)
  await expectStoppedCleanly(result, before, appPid());
});

test('a second Ctrl-C kills the app and exits at once', async () => {
  const before = await givenAPreviousDist();
  const { child, done, appPid } = await startHangingSynth({ IGNORE_SIGINT: '1' });

  const start = Date.now();
  child.kill('SIGINT');
  await new Promise(r => setTimeout(r, 200));
  child.kill('SIGINT');
  const result = await done;
  const elapsed = Date.now() - start;
  await new Promise(r => setTimeout(r, 300));

  expect(elapsed).toBeLessThan(2_000);
  await expectStoppedCleanly(result, before, appPid());
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

test('a synth after one that died between its renames restores dist/ first', async () => {
  const before = await givenAPreviousDist();
  fs.renameSync(path.join(project, 'dist'), path.join(project, `.dist-old-dist-${deadPid()}-0123456789ab`));

  const result = await synth('throw');

  expect(result.status).not.toBe(0);
  expect(result.output).toContain('restored');
  expect(readTree(path.join(project, 'dist'))).toEqual(before);
  expect(tempFolders()).toEqual([]);
});

describe('StagedDir', () => {
  function write(dir: string, files: Record<string, string>): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), content);
    }
  }

  test('commit replaces the target and leaves no sibling behind', () => {
    const target = path.join(project, 'dist');
    write(target, { 'old.yaml': 'old' });
    const staged = new StagedDir(target);
    write(staged.path, { 'new.yaml': 'new' });

    staged.commit();
    staged.discard();

    expect(readTree(target)).toEqual({ 'new.yaml': 'new' });
    expect(tempFolders()).toEqual([]);
  });

  test('commit creates a missing target', () => {
    const target = path.join(project, 'dist');
    const staged = new StagedDir(target);
    write(staged.path, { 'new.yaml': 'new' });

    staged.commit();

    expect(readTree(target)).toEqual({ 'new.yaml': 'new' });
  });

  test('commit without a staged folder throws and keeps the target', () => {
    const target = path.join(project, 'dist');
    write(target, { 'old.yaml': 'old' });
    const staged = new StagedDir(target);

    expect(() => staged.commit()).toThrow(`nothing was synthesized into ${staged.path}`);
    expect(readTree(target)).toEqual({ 'old.yaml': 'old' });
    expect(tempFolders()).toEqual([]);
  });

  test('commit sets the old target aside under a name that says what it is', () => {
    const target = path.join(project, 'dist');
    write(target, { 'old.yaml': 'old' });
    const staged = new StagedDir(target);
    write(staged.path, { 'new.yaml': 'new' });
    const rename = jest.spyOn(nodeFs, 'renameSync');

    let aside: string;
    try {
      staged.commit();
      aside = String(rename.mock.calls[0][1]);
    } finally {
      rename.mockRestore();
    }

    // pid and start time (field 22 of /proc/<pid>/stat), so a later run can tell a reused pid from this process
    const startTime = fs.readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ')[19];
    expect(path.basename(aside)).toMatch(new RegExp(`^\\.dist-old-dist-${process.pid}-${startTime}-[0-9a-f]{12}$`));
    expect(path.basename(staged.path)).toMatch(new RegExp(`^\\.dist-new-dist-${process.pid}-${startTime}-[0-9a-f]{12}$`));
  });

  test('a commit whose rollback fails reports both errors and keeps the old copy', () => {
    const target = path.join(project, 'dist');
    write(target, { 'old.yaml': 'old' });
    const staged = new StagedDir(target);
    write(staged.path, { 'new.yaml': 'new' });
    const realRename = fs.renameSync;
    let calls = 0;
    const rename = jest.spyOn(nodeFs, 'renameSync').mockImplementation((from, to) => {
      calls++;
      if (calls === 1) {
        return realRename(from, to);
      }
      throw new Error(calls === 2 ? 'EXDEV: the move failed' : 'EACCES: the rollback failed');
    });

    let error: Error | undefined;
    try {
      staged.commit();
    } catch (e) {
      error = e as Error;
    } finally {
      rename.mockRestore();
    }

    expect(error?.message).toContain('EXDEV: the move failed');
    expect(error?.message).toContain('EACCES: the rollback failed');
    const old = tempFolders().filter(f => f.startsWith('.dist-old-'));
    expect(old).toHaveLength(1);
    expect(error?.message).toContain(path.join(project, old[0]));
    expect(readTree(path.join(project, old[0]))).toEqual({ 'old.yaml': 'old' });
  });

  test('recover puts back the only old copy a dead run left between its renames, and removes its staged folder', () => {
    const dead = deadPid();
    write(path.join(project, `.dist-old-dist-${dead}-0123456789ab`), { 'old.yaml': 'old' });
    write(path.join(project, `.dist-new-dist-${dead}-0123456789ab`), { 'new.yaml': 'new' });

    const actions = StagedDir.recover(path.join(project, 'dist'));

    expect(readTree(path.join(project, 'dist'))).toEqual({ 'old.yaml': 'old' });
    expect(tempFolders()).toEqual([]);
    expect(actions).toHaveLength(2);
  });

  test('recover touches only leftovers of dead runs for this target', () => {
    const dead = deadPid();
    write(path.join(project, 'dist'), { 'current.yaml': 'current' });
    const kept = [
      `.dist-new-dist-${process.pid}-0123456789ab`, // a running synth
      `.dist-old-manifests-${dead}-0123456789ab`, // another target
      `.dist-new-dist-${dead}-not-ours`,
      '.dist-0123456789ab',
      '.distribution',
    ];
    for (const folder of kept) {
      write(path.join(project, folder), { 'x.yaml': 'x' });
    }
    write(path.join(project, `.dist-old-dist-${dead}-0123456789ab`), { 'old.yaml': 'old' });
    write(path.join(project, `.dist-new-dist-${dead}-ba9876543210`), { 'new.yaml': 'new' });

    StagedDir.recover(path.join(project, 'dist'));

    expect(fs.readdirSync(project).filter(f => f.startsWith('.dist')).sort()).toEqual([...kept].sort());
    expect(readTree(path.join(project, 'dist'))).toEqual({ 'current.yaml': 'current' });
  });

  test('recover leaves several old copies alone when the target is missing', () => {
    const dead = deadPid();
    write(path.join(project, `.dist-old-dist-${dead}-0123456789ab`), { 'a.yaml': 'a' });
    write(path.join(project, `.dist-old-dist-${dead}-ba9876543210`), { 'b.yaml': 'b' });

    const actions = StagedDir.recover(path.join(project, 'dist'));

    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
    expect(tempFolders()).toHaveLength(2);
    expect(actions).toEqual([expect.stringContaining('several old copies')]);
  });

  test('discard removes the staged folder and keeps the target', () => {
    const target = path.join(project, 'dist');
    write(target, { 'old.yaml': 'old' });
    const staged = new StagedDir(target);
    write(staged.path, { 'half.yaml': 'half' });

    staged.discard();

    expect(readTree(target)).toEqual({ 'old.yaml': 'old' });
    expect(tempFolders()).toEqual([]);
  });
});
