// Compiles a dependency's CommonJS file with V8's code cache, for the synth's app runner (app-runner.ts). Compiling
// is the largest part of an app's start-up (cdk8s-plus-28 alone is megabytes of JavaScript), and V8 can instead
// read back the code it made the previous time, including the functions the run compiled on first call. The cache
// is V8's own format, checked by V8: data made by another V8 version, with other flags or for another text is
// rejected, and the file compiles as usual.
//
// Only dependencies' files, which never carry source maps the app would need, are compiled here: Node maps stack
// traces only of code its own loader compiled, so TypeScript (whose stack traces must point at the .ts lines) stays
// with it. The module runs as under Node: inside the function wrapper (columns on a file's first line count it too),
// with `this` its exports and the same `require`.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as vm from 'vm';

import { cacheFolder, cacheKey, DiskCache } from '../cache';
import { mayBeModuleSyntax } from './module-syntax';

/** A loader of `Module._extensions`. */
export type Loader = (module: Module, filename: string) => void;
type Compile = (content: string, filename: string) => unknown;

/** Bump when the cached value changes meaning. */
const FORMAT = 'v8-code-1';

interface LoadingModule {
  exports: unknown;
  require(id: string): unknown;
}

interface ModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: { paths?: string[] }): string;
  _resolveLookupPaths(request: string, parent: unknown): string[] | null;
  _extensions: unknown;
  _cache: unknown;
}

/** `require` inside a module, as Node makes it (lib/internal/modules/helpers.js makeRequireFunction). */
function requireFunctionOf(module: LoadingModule): NodeJS.Require {
  const internals = Module as unknown as ModuleInternals;
  const require = ((id: string) => module.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) =>
    internals._resolveFilename(request, module, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => internals._resolveLookupPaths(request, module);
  require.resolve = resolve;
  require.main = process.mainModule;
  require.extensions = internals._extensions as NodeJS.RequireExtensions;
  require.cache = internals._cache as NodeJS.Dict<NodeModule>;
  return require;
}

/**
 * Whether a text may call `import()`, which code compiled here could not do: Node's loader for it in `vm` is still
 * experimental (and says so on stderr). Such a file is left to Node.
 */
export function mayImportDynamically(text: string): boolean {
  return /\bimport\s*\(/.test(text);
}

/**
 * A `.js` loader that compiles the CommonJS files `eligible` names as Node does, with `codeCache` when there is one
 * (a file that calls `import()`, or starts with `#!`, compiles without it); every other file, and one that may hold
 * ES module syntax, goes to `fallback`, the loader it replaces.
 */
export function compilingWithCodeCache(fallback: Loader, codeCache: CodeCache | undefined, eligible: (filename: string) => boolean): Loader {
  return (module, filename) => {
    if (!eligible(filename)) {
      return fallback(module, filename);
    }
    const text = fs.readFileSync(filename, 'utf8');
    if (mayBeModuleSyntax(text)) {
      return fallback(module, filename);
    }
    if (codeCache && !mayImportDynamically(text) && !text.startsWith('#!')) {
      codeCache.run(module as unknown as LoadingModule, text, filename);
    } else {
      (module as unknown as { _compile: Compile })._compile(text, filename);
    }
  };
}

export class CodeCache {
  private readonly made: { key: string; script: vm.Script }[] = [];

  public constructor(private readonly cache: DiskCache) {
    // after the run, so the cache also holds what the run compiled lazily
    process.once('exit', () => this.save());
  }

  /** Compiles and runs `text`, which does not call `import()`, as the CommonJS module `module` loaded from `filename`. */
  public run(module: LoadingModule, text: string, filename: string): void {
    const key = cacheKey([FORMAT, process.version, process.arch, filename, text]);
    const cachedData = this.cache.getBytes(key);
    const script = new vm.Script(Module.wrap(text), { filename, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) {
      this.made.push({ key, script });
    }
    const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
    wrapper.call(module.exports, module.exports, requireFunctionOf(module), module, filename, path.dirname(filename));
  }

  private save(): void {
    for (const { key, script } of this.made.splice(0)) {
      this.cache.set(key, script.createCachedData());
    }
  }
}

const IN_DEPENDENCIES = `${path.sep}node_modules${path.sep}`;

/** Whether a file is a dependency's (inside a node_modules folder). */
export function isDependencyFile(filename: string): boolean {
  return filename.includes(IN_DEPENDENCIES);
}

/**
 * From now on, compiles the dependencies' CommonJS files this process loads, and those inside `ownFolder`, with the
 * code cache (see `compilingWithCodeCache`), unless the cache is off. The synth's own process uses it for the cdk8s
 * CLI and the checker (this package's compiled code), which it loads on every run.
 */
export function compileWithCodeCache(ownFolder: string): void {
  const codeCache = processCodeCache();
  if (!codeCache) {
    return;
  }
  const extensions = (Module as unknown as { _extensions: Record<string, Loader> })._extensions;
  const own = `${path.resolve(ownFolder)}${path.sep}`;
  extensions['.js'] = compilingWithCodeCache(extensions['.js'], codeCache, filename => isDependencyFile(filename) || filename.startsWith(own));
}

let codeCacheOfProcess: CodeCache | null | undefined;

/**
 * The code cache of this process, one for all its loaders (the synth's own and the app runner's, which share the
 * synth's process when it runs the app: app-host.ts), saved once at exit; undefined when the cache is off.
 */
export function processCodeCache(): CodeCache | undefined {
  if (codeCacheOfProcess === undefined) {
    const folder = cacheFolder('v8-code');
    codeCacheOfProcess = folder ? new CodeCache(new DiskCache(folder)) : null;
  }
  return codeCacheOfProcess ?? undefined;
}
