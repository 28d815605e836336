// Runs the checker command for tests: as a separate process (for standard input, and for inputs that could hang),
// or in this process.
import { spawnSync } from 'child_process';
import * as path from 'path';

import { runCli } from '../../constructs/check/cli';

export const ROOT = path.join(__dirname, '..', '..');

/** The TypeScript loader, as `npm run check` uses it. */
export const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');

export interface CommandOptions {
  readonly input?: string | Buffer;
  /** @default 60000 */
  readonly timeoutMs?: number;
  readonly preload?: string;
}

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real command, from its TypeScript source, as a separate process, killed after `timeoutMs` (a hang fails
 * the test with status null instead of blocking it). `preload` is a module required before the command.
 */
export function runCommand(args: readonly string[], options: CommandOptions = {}): CommandResult {
  const preload = options.preload ? ['--require', options.preload] : [];
  const result = spawnSync(process.execPath, [...preload, '--require', TSX, path.join(ROOT, 'constructs', 'cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf-8',
    input: options.input ?? '',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the command in this process, capturing its output. */
export function runInProcess(...args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { status, stdout, stderr };
}

/** A JavaScript stack trace line, which the command must never print. */
export const STACK_TRACE = /^\s+at .+[:(]/m;
