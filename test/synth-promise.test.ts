// The synth keeps its promise (dist/ only from a complete, uninterrupted synth) against signals during validation,
// leftovers it cannot remove, leftovers of zombies and reused pids, an output that is no folder, and a first synth.
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { StagedDir } from '../constructs/synth/staged-dir';
import { finish, givenAPreviousDist, isZombie, processesInProject, project, readTree, Result, startSynth, synth, tempFolders, useThrowawayProject, useValidation } from './synth-project';

// the module object itself, which jest can spy on
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeFs = require('fs') as typeof fs;

useThrowawayProject();
jest.setTimeout(60_000);

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function startTimeOf(pid: number): string {
  return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[19];
}

function write(dir: string, files: Record<string, string>): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, name), content);
  }
}

describe('a signal after the app has exited, while validation runs', () => {
  /** A synth of changed manifests whose validation keeps the thread busy for 1.5 s, once it validates. */
  async function startValidatingSynth(): Promise<{ child: ChildProcess; done: Promise<Result> }> {
    useValidation('Slow');
    const child = startSynth('changed');
    const done = finish(child);
    while (!fs.existsSync(path.join(project, 'validating'))) {
      await new Promise(r => setTimeout(r, 20));
    }
    return { child, done };
  }

  test.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s never swaps in the new dist/ and exits %d', async (signal, status) => {
    const before = await givenAPreviousDist();
    const { child, done } = await startValidatingSynth();

    child.kill(signal);
    const result = await done;

    expect(result.status).toBe(status);
    expect(result.output).not.toContain('Manifests written');
    expect(readTree(path.join(project, 'dist'))).toEqual(before);
    expect(tempFolders()).toEqual([]);
  });

  test('a second SIGINT ends the synth at once, and leaves nothing behind', async () => {
    const before = await givenAPreviousDist();
    const { child, done } = await startValidatingSynth();

    const start = Date.now();
    child.kill('SIGINT');
    await new Promise(r => setTimeout(r, 100));
    child.kill('SIGINT');
    const result = await done;
    const elapsed = Date.now() - start;

    expect(result.status).toBe(130);
    expect(elapsed).toBeLessThan(1_000); // the validation alone takes 1.5 s
    expect(readTree(path.join(project, 'dist'))).toEqual(before);
    expect(tempFolders()).toEqual([]);
    await new Promise(r => setTimeout(r, 300));
    expect(processesInProject()).toEqual([]);
  });
});

describe('leftovers that cannot be removed at once', () => {
  test('a staged folder left read-only by a failed run is made writable and removed', async () => {
    const leftover = path.join(project, `.dist-new-dist-${deadPid()}-0123456789ab`);
    write(path.join(leftover, 'locked'), { 'a.k8s.yaml': 'kind: Partial\n' });
    fs.chmodSync(path.join(leftover, 'locked'), 0o500);
    fs.chmodSync(leftover, 0o500);

    const result = await synth('ok');

    expect(result.status).toBe(0);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(Object.keys(readTree(path.join(project, 'dist'))).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  });

  test('a leftover that cannot be removed at all is reported, and does not stop the recovery', () => {
    const leftover = path.join(project, `.dist-new-dist-${deadPid()}-0123456789ab`);
    write(leftover, { 'a.k8s.yaml': 'x' });
    const rm = jest.spyOn(nodeFs, 'rmSync').mockImplementation(() => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    });

    let actions: string[];
    try {
      actions = StagedDir.recover(path.join(project, 'dist'));
    } finally {
      rm.mockRestore();
    }

    expect(actions).toEqual([
      `could not remove ${leftover}, left by an interrupted synth: EACCES: permission denied; remove it by hand`,
    ]);
    expect(fs.existsSync(leftover)).toBe(true);
  });

  test('a staged folder the app made read-only is removed after a failed synth', async () => {
    fs.writeFileSync(path.join(project, 'app.ts'), `
import * as fs from 'fs';
import * as path from 'path';
const out = process.env.CDK8S_OUTDIR!;
fs.mkdirSync(path.join(out, 'locked'), { recursive: true });
fs.writeFileSync(path.join(out, 'locked', 'a.k8s.yaml'), 'kind: Partial\\n');
fs.chmodSync(path.join(out, 'locked'), 0o500);
process.exit(1);
`);

    const result = await synth('ok');

    expect(result.status).toBe(1);
    expect(tempFolders()).toEqual([]);
  });
});

/** The pid of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

describe('leftovers of processes that are gone', () => {
  test('a zombie owner does not keep its leftovers', async () => {
    // The child exits after the shell has become `sleep` (exec), which never reaps it: a zombie for 30 s. The child
    // outlives the exec, so that the shell cannot reap it first.
    const parent = spawn('sh', ['-c', 'sleep 0.5 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = Number(await new Promise<string>(resolve => parent.stdout!.once('data', d => resolve(String(d).trim()))));
      while (!isZombie(zombie)) {
        await new Promise(r => setTimeout(r, 10));
      }
      write(path.join(project, `.dist-new-dist-${zombie}-${startTimeOf(zombie)}-0123456789ab`), { 'x.yaml': 'x' });
      write(path.join(project, `.dist-new-dist-${zombie}-ba9876543210`), { 'x.yaml': 'x' }); // a name without a start time

      const actions = StagedDir.recover(path.join(project, 'dist'));

      expect(tempFolders()).toEqual([]);
      expect(actions).toHaveLength(2);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  test('a reused pid does not keep the leftovers of the process that had it, and a live owner keeps its own', async () => {
    const other = spawn('sleep', ['30']);
    try {
      const reused = `.dist-new-dist-${other.pid}-1-0123456789ab`; // started at tick 1: not this process
      const live = `.dist-new-dist-${other.pid}-${startTimeOf(other.pid!)}-ba9876543210`;
      write(path.join(project, reused), { 'x.yaml': 'x' });
      write(path.join(project, live), { 'x.yaml': 'x' });

      StagedDir.recover(path.join(project, 'dist'));

      expect(tempFolders()).toEqual([live]);
    } finally {
      other.kill('SIGKILL');
    }
  });
});

describe('an output that is not a folder', () => {
  test('a regular file named dist is refused with exit 2 and left as it was', async () => {
    fs.writeFileSync(path.join(project, 'dist'), 'my notes');

    const result = await synth('ok');

    expect(result.status).toBe(2);
    expect(result.output).toContain('the output folder dist is not a folder; move it away or choose another with --output <dir>');
    expect(fs.readFileSync(path.join(project, 'dist'), 'utf8')).toBe('my notes');
    expect(tempFolders()).toEqual([]);
  });

  test('a symlink to a folder is followed: the folder it names is replaced, the link stays', async () => {
    fs.mkdirSync(path.join(project, 'build', 'manifests'), { recursive: true });
    fs.writeFileSync(path.join(project, 'build', 'manifests', 'old.k8s.yaml'), 'kind: Old\n');
    fs.symlinkSync(path.join('build', 'manifests'), path.join(project, 'dist'));

    const result = await synth('ok');

    expect(result.status).toBe(0);
    expect(fs.lstatSync(path.join(project, 'dist')).isSymbolicLink()).toBe(true);
    expect(Object.keys(readTree(path.join(project, 'build', 'manifests'))).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
    expect(fs.readdirSync(path.join(project, 'build')).filter(f => f.startsWith('.dist-'))).toEqual([]);
  });

  test('a symlink to a folder not created yet is followed and the folder created', async () => {
    fs.mkdirSync(path.join(project, 'build'));
    fs.symlinkSync(path.join('build', 'manifests'), path.join(project, 'dist'));

    const result = await synth('ok');

    expect(result.status).toBe(0);
    expect(Object.keys(readTree(path.join(project, 'build', 'manifests'))).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  });

  test('a symlink to a file is refused with exit 2', async () => {
    fs.writeFileSync(path.join(project, 'notes.txt'), 'my notes');
    fs.symlinkSync('notes.txt', path.join(project, 'dist'));

    const result = await synth('ok');

    expect(result.status).toBe(2);
    expect(result.output).toContain(`the output folder dist is a symlink to ${fs.realpathSync(path.join(project, 'notes.txt'))}, which is not a folder`);
    expect(fs.readFileSync(path.join(project, 'notes.txt'), 'utf8')).toBe('my notes');
  });
});

describe('what a failed synth says about dist/', () => {
  test('without a previous dist/, it says none was written', async () => {
    const result = await synth('throw');

    expect(result.status).toBe(1);
    expect(result.output).toContain('Synthesis failed; no dist was written.');
    expect(result.output).not.toContain('left unchanged');
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });

  test('with a previous dist/, it says it was left unchanged', async () => {
    await givenAPreviousDist();

    const result = await synth('throw');

    expect(result.output).toContain('Synthesis failed; dist was left unchanged.');
  });
});
