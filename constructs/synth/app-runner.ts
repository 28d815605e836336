// Loaded into a TypeScript app's process by `cdk8s-model-serving synth` (`node -r <this module> main.ts`): tsx's
// CommonJS hook, as the app would run under `node -r tsx/cjs`, with two shortcuts that give the same modules in less
// time. Most of an app's start-up is loading modules, and tsx spends most of it on work whose result never changes:
// - it scans every JavaScript file, cdk8s-plus-28's megabytes included, for import/export syntax. A dependency's file
//   without such syntax is CommonJS, which Node loads as it is; only the others go through tsx;
// - it transpiles every TypeScript file again (its own cache saves esbuild, not the scan before it). Its output is
//   kept on disk (../cache), keyed by everything it depends on: the file, its text, the tsconfig.json, and the
//   versions of tsx, esbuild and Node.
// Dependencies' files also compile with V8's code cache (code-cache.ts).
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';

import { cacheFolder, cacheKey, DiskCache, packageVersion } from '../cache';
import { compilingWithCodeCache, isDependencyFile, Loader, processCodeCache } from './code-cache';
import { nearestFile } from './nearest-file';

type Compile = (content: string, filename: string) => unknown;

/** Bump when the cached value changes meaning. */
const FORMAT = 'tsx-output-1';
/** TypeScript files tsx transpiles to CommonJS (.mts output takes steps after the compile, so it is left to tsx). */
const TYPESCRIPT = ['.ts', '.tsx', '.cts'];

/** The tsconfig.json tsx uses: TSX_TSCONFIG_PATH, else the nearest one from the working directory up. */
function tsconfigFile(): string | undefined {
  if (process.env.TSX_TSCONFIG_PATH) {
    return path.resolve(process.env.TSX_TSCONFIG_PATH);
  }
  return nearestFile(process.cwd(), 'tsconfig.json');
}

/**
 * What every cached transpilation depends on besides its file, or undefined when that cannot be known cheaply: a
 * tsconfig.json that `extends` another takes options from files this key would not cover.
 */
function outputKeyParts(): string[] | undefined {
  const tsxDir = path.dirname(require.resolve('tsx/package.json'));
  const tsconfig = tsconfigFile();
  const tsconfigText = tsconfig && fs.existsSync(tsconfig) ? fs.readFileSync(tsconfig, 'utf8') : '';
  if (/"extends"/.test(tsconfigText)) {
    return undefined;
  }
  return [FORMAT, packageVersion('tsx', tsxDir), packageVersion('esbuild', tsxDir), process.version, String(process.sourceMapsEnabled),
    tsconfig ?? '', tsconfigText];
}

/** tsx's loader of a TypeScript extension, with its output kept in `cache`. */
function rememberingOutput(tsxLoader: Loader, cache: DiskCache, keyParts: readonly string[]): Loader {
  return (module, filename) => {
    const key = cacheKey([...keyParts, filename, fs.readFileSync(filename)]);
    const compiling = module as unknown as { _compile: Compile };
    const cached = cache.get(key);
    if (cached !== undefined) {
      compiling._compile(cached, filename);
      return;
    }
    // tsx compiles its output with module._compile: a stand-in on the module keeps a copy on the way
    const compile = compiling._compile;
    compiling._compile = function (this: unknown, content: string, file: string) {
      delete (compiling as Partial<typeof compiling>)._compile;
      cache.set(key, content);
      return compile.call(this, content, file);
    };
    try {
      tsxLoader(module, filename);
    } finally {
      delete (compiling as Partial<typeof compiling>)._compile;
    }
  };
}

/** Registers tsx's CommonJS hook with the shortcuts. */
function registerAppRunner(): void {
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const codeCache = processCodeCache();
  // tsx's own files (and esbuild's API) compile with the code cache too
  const nodeLoader = extensions['.js'];
  extensions['.js'] = compilingWithCodeCache(nodeLoader, codeCache, isDependencyFile);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('tsx/cjs');
  // a dependency's CommonJS file as Node compiles it, with the code cache; anything else by tsx
  extensions['.js'] = compilingWithCodeCache(extensions['.js'], codeCache, isDependencyFile);
  const folder = cacheFolder('tsx-output');
  const keyParts = folder ? outputKeyParts() : undefined;
  if (folder && keyParts) {
    const cache = new DiskCache(folder);
    for (const extension of TYPESCRIPT) {
      if (extensions[extension]) {
        extensions[extension] = rememberingOutput(extensions[extension], cache, keyParts);
      }
    }
  }
}

registerAppRunner();
