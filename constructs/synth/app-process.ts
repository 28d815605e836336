// How the synth starts a TypeScript app's node process: the modules it loads first and the environment it adds.
import * as path from 'path';

/** A module of this folder, as the running build names it (.ts from the sources, .js from lib/). */
function sibling(name: string): string {
  return path.join(__dirname, `${name}${path.extname(__filename)}`);
}

/** tsx's CommonJS hook, a dependency of this package. */
function tsxHook(): string {
  return require.resolve('tsx/cjs');
}

/** The module that runs TypeScript apps: tsx's hook with shortcuts (app-runner.ts). */
export function appRunner(): string {
  return sibling('app-runner');
}

/** A path as one NODE_OPTIONS word. */
function nodeOptionWord(file: string): string {
  return /[\s"'\\]/.test(file) ? `"${file.replace(/(["\\])/g, '\\$1')}"` : file;
}

/** What the app's environment adds: our handler of uncaught bad props (app-errors.ts), loaded before the app. */
export function appEnvironment(): NodeJS.ProcessEnv {
  const handler = sibling('app-errors');
  // from the sources (this repository), the handler is TypeScript too
  const requires = handler.endsWith('.ts') ? [tsxHook(), handler] : [handler];
  const nodeOptions = [process.env.NODE_OPTIONS, ...requires.map(file => `--require ${nodeOptionWord(file)}`)].filter(Boolean).join(' ');
  return { NODE_OPTIONS: nodeOptions };
}
