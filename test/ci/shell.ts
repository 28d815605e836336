import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface ScriptRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Every call of a fake command, as `name arg arg ...`. */
  readonly calls: string[];
}

export interface ScriptOptions {
  /** The interpreter and its options, e.g. GitHub's `shell: bash`. */
  readonly shell: string[];
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Commands to fake, as bash bodies run after the call is logged (`$1`... are the arguments). */
  readonly fakes?: Record<string, string>;
}

const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true })));

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk8s-model-serving-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Runs a CI step's script for real, with some commands (kubectl, gcloud, npm) replaced by fakes. */
export function runScript(script: string, options: ScriptOptions): ScriptRun {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-model-serving-script-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const callLog = path.join(dir, 'calls.log');
    fs.writeFileSync(callLog, '');
    for (const [name, body] of Object.entries(options.fakes ?? {})) {
      const fake = path.join(bin, name);
      fs.writeFileSync(fake, `#!/usr/bin/env bash\necho "${name} $*" >> "$FAKE_CALL_LOG"\n${body}\n`);
      fs.chmodSync(fake, 0o755);
    }
    const file = path.join(dir, 'script');
    fs.writeFileSync(file, script);
    const [shell, ...args] = options.shell;
    const result = spawnSync(shell, [...args, file], {
      cwd: options.cwd,
      encoding: 'utf8',
      env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, HOME: dir, FAKE_CALL_LOG: callLog, ...options.env },
    });
    if (result.error) {
      throw result.error;
    }
    const calls = fs.readFileSync(callLog, 'utf8').split('\n').filter(line => line !== '');
    return { status: result.status ?? -1, stdout: result.stdout, stderr: result.stderr, calls };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs git in `cwd` with a fixed identity, and returns its output. */
export function git(cwd: string, ...args: string[]): string {
  const result = spawnSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args], {
    cwd, encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  }
  return result.stdout.trim();
}
