// A TypeScript app command of the cdk8s template, run without the type check: `npx ts-node main.ts` spends seconds in
// the TypeScript compiler on every synth; tsx (esbuild) transpiles the same file in milliseconds. Type errors are the
// job of `tsc --noEmit` in the tests, as in this repository.
import * as fs from 'fs';
import * as path from 'path';

/** The runners we replace, as the command names them (`npx ts-node`, `ts-node`, `npx tsx`, `tsx`). */
const RUNNERS = new Set(['ts-node', 'tsx']);
/** Scripts tsx's CommonJS hook runs (.mts is an ES module, which needs its ESM loader). */
const SCRIPT = /\.(?:ts|tsx|cts)$/;
/** Characters that make a command more than plain words: such a command is left to the shell as written. */
const SHELL_SYNTAX = /[;&|<>$`'"\\(){}*?~#!]/;

/** Quotes a word for `sh` (the CLI runs the app through a shell). */
function shellQuote(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, "'\\''")}'`;
}

/** Whether the package that holds `script` (its nearest package.json) is an ES module package. */
function isEsmPackage(script: string): boolean {
  for (let dir = path.dirname(path.resolve(script)); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        return (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (path.dirname(dir) === dir) {
      return false;
    }
  }
}

/**
 * The command that runs `app` with tsx's CommonJS hook in one node process, when `app` is `[npx] ts-node <script>.ts
 * [args]` or `[npx] tsx <script>.ts [args]` without runner options; otherwise undefined, and the app runs as written
 * (so `ts-node --type-check main.ts` keeps its type check).
 */
export function fastAppCommand(app: string, tsxHook: string, node = process.execPath): string | undefined {
  if (SHELL_SYNTAX.test(app)) {
    return undefined;
  }
  const words = app.trim().split(/\s+/);
  const start = words[0] === 'npx' ? 1 : 0;
  const [runner, script, ...rest] = words.slice(start);
  if (!RUNNERS.has(runner) || script === undefined || !SCRIPT.test(script) || script.startsWith('-') || isEsmPackage(script)) {
    return undefined;
  }
  return [node, '-r', tsxHook, script, ...rest].map(shellQuote).join(' ');
}
