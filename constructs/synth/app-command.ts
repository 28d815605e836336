// A TypeScript app command of the cdk8s template, run without the type check: `npx ts-node main.ts` spends seconds in
// the TypeScript compiler on every synth; tsx (esbuild) transpiles the same file in milliseconds. Type errors are the
// job of `tsc --noEmit` in the tests, as in this repository.
import * as fs from 'fs';
import * as path from 'path';

import { nearestFile } from './nearest-file';

/** The runners we replace, as the command names them (`npx ts-node`, `ts-node`, `npx tsx`, `tsx`). */
const RUNNERS = new Set(['ts-node', 'tsx']);
/** Scripts tsx's CommonJS hook runs (.mts is an ES module, which needs its ESM loader). */
const SCRIPT = /\.(?:ts|tsx|cts)$/;
/** Where tsx's CommonJS hook is in a project. */
const TSX_HOOK_FILE = path.join('node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
/** Characters that make a command more than plain words: such a command is left to the shell as written. */
const SHELL_SYNTAX = /[;&|<>$`'"\\(){}*?~#!]/;

/** Quotes a word for `sh` (the CLI runs the app through a shell). */
function shellQuote(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** Whether the package that holds `script` (its nearest package.json) is an ES module package. */
function isEsmPackage(script: string): boolean {
  const manifest = nearestFile(path.dirname(path.resolve(script)), 'package.json');
  if (manifest === undefined) {
    return false;
  }
  try {
    return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
  } catch {
    return false;
  }
}

/** Whether a `node -r` module is tsx's CommonJS hook: `tsx/cjs`, or a path to the file that names. */
function isTsxHook(request: string): boolean {
  return request === 'tsx/cjs' || (/^\.{0,2}\//.test(request) && path.resolve(request).endsWith(TSX_HOOK_FILE));
}

/** The script and its arguments of `[npx] ts-node|tsx <script> ...` or `node -r tsx/cjs <script> ...`. */
function scriptAndArgs(words: string[]): string[] | undefined {
  if (words[0] === 'node') {
    return ['-r', '--require'].includes(words[1]) && isTsxHook(words[2] ?? '') ? words.slice(3) : undefined;
  }
  const [runner, ...rest] = words[0] === 'npx' ? words.slice(1) : words;
  return RUNNERS.has(runner) ? rest : undefined;
}

/**
 * The script and its arguments when `app` is `[npx] ts-node <script>.ts [args]`, `[npx] tsx <script>.ts [args]`
 * without runner options, or `node -r tsx/cjs <script>.ts [args]`: an app the synth's runner (tsx's CommonJS hook,
 * see app-runner.ts) runs in one node process. Otherwise undefined, and the app runs as written (so `ts-node
 * --type-check main.ts` keeps its type check).
 */
export function fastAppScript(app: string): string[] | undefined {
  if (SHELL_SYNTAX.test(app)) {
    return undefined;
  }
  const words = scriptAndArgs(app.trim().split(/\s+/));
  const script = words?.[0];
  if (script === undefined || !SCRIPT.test(script) || script.startsWith('-') || isEsmPackage(script)) {
    return undefined;
  }
  return words;
}

/** The command that runs a script and its arguments (`fastAppScript`'s) through the synth's `runner`. */
export function runnerCommand(script: readonly string[], runner: string, node = process.execPath): string {
  return [node, '-r', runner, ...script].map(shellQuote).join(' ');
}

/** The command that runs `app` through the synth's `runner` when it is one of `fastAppScript`'s; otherwise undefined. */
export function fastAppCommand(app: string, runner: string, node = process.execPath): string | undefined {
  const words = fastAppScript(app);
  return words && runnerCommand(words, runner, node);
}
