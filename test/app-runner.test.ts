// The synth's runner of TypeScript apps (constructs/synth/app-runner.ts): the same program as under tsx's hook.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { CACHE_VARIABLE } from '../constructs/cache';
import { mayImportDynamically } from '../constructs/synth/code-cache';
import { mayBeModuleSyntax } from '../constructs/synth/module-syntax';

const RUNNER = path.join(__dirname, '..', 'constructs', 'synth', 'app-runner.ts');
const CODE_CACHE = path.join(__dirname, '..', 'constructs', 'synth', 'code-cache.ts');
const TSX = require.resolve('tsx/cjs');

describe('mayBeModuleSyntax', () => {
  test.each([
    'import { a } from "a";',
    "import a from 'a';",
    'import a, { b } from "a";',
    'import * as a from "a";',
    "import 'side-effect';",
    'const url = import.meta.url;',
    'export const a = 1;',
    'export default function () {}',
    'export { a };',
    'export * from "a";',
    'function f() {}\nexport async function g() {}',
  ])('%s may be module syntax', text => {
    expect(mayBeModuleSyntax(text)).toBe(true);
  });

  test.each([
    '"use strict"; exports.a = 1; module.exports = { b: 2 };',
    "const a = require('a'); Object.defineProperty(exports, '__esModule', { value: true });",
    "const later = import('./later.js');",
    'const important = 1; const exported = important;',
    'exports.exportAll = exportAll;',
  ])('%s is CommonJS', text => {
    expect(mayBeModuleSyntax(text)).toBe(false);
  });
});

test('mayImportDynamically finds import() calls, which code compiled outside Node\'s loader cannot make', () => {
  expect(mayImportDynamically("const m = import('x');")).toBe(true);
  expect(mayImportDynamically('await import ( name )')).toBe(true);
  expect(mayImportDynamically("const important = require('x'); exports.imports = 1;")).toBe(false);
});

describe('running an app', () => {
  let project: string;
  let cache: string;

  beforeEach(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'app-runner-'));
    cache = path.join(project, 'cache');
    const files: Record<string, string> = {
      'tsconfig.json': '{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true } }\n',
      'main.ts': [
        "import esm, { named } from 'esm-only';",
        "import { value } from 'plain-cjs';",
        "import { twice } from './lib';",
        'console.log(JSON.stringify({ esm: esm(), named, value, twice: twice(21) }));',
        '',
      ].join('\n'),
      'lib.ts': 'export function twice(n: number): number {\n  return n * 2;\n}\n',
      'fail.ts': "interface Unused { a: string }\n\n\nfunction fail(): never {\n  throw new Error('failed here');\n}\nfail();\n",
      'node_modules/esm-only/package.json': '{ "name": "esm-only", "version": "1.0.0", "main": "index.js" }\n',
      'node_modules/esm-only/index.js': "export default function () { return 'esm default'; }\nexport const named = 'esm named';\n",
      'node_modules/plain-cjs/package.json': '{ "name": "plain-cjs", "version": "1.0.0", "main": "index.js" }\n',
      'node_modules/plain-cjs/index.js': "// a comment that says export default and import x from 'y'\nexports.value = 'cjs';\n",
      'node_modules/wired-cjs/package.json': '{ "name": "wired-cjs", "version": "1.0.0", "main": "index.js" }\n',
      'node_modules/wired-cjs/index.js': [
        "'use strict';",
        'const self = this;',
        'exports.wiring = () => ({',
        '  thisIsExports: self === module.exports,',
        "  file: __filename.endsWith('wired-cjs/index.js'),",
        "  dir: __dirname.endsWith('wired-cjs'),",
        "  resolved: require.resolve('plain-cjs').endsWith('plain-cjs/index.js'),",
        "  paths: Array.isArray(require.resolve.paths('plain-cjs')),",
        '  main: require.main === process.mainModule,',
        '  cached: require.cache[__filename] === module,',
        "  required: require('plain-cjs').value,",
        '});',
        "exports.later = () => import('plain-cjs').then(m => m.default.value);",
        '',
      ].join('\n'),
      'node_modules/cached-cjs/package.json': '{ "name": "cached-cjs", "version": "1.0.0", "main": "index.js" }\n',
      'node_modules/cached-cjs/index.js': [
        "'use strict';",
        'const self = this;',
        'exports.wiring = () => ({',
        '  thisIsExports: self === module.exports,',
        "  file: __filename.endsWith('cached-cjs/index.js'),",
        "  dir: __dirname.endsWith('cached-cjs'),",
        "  resolved: require.resolve('plain-cjs').endsWith('plain-cjs/index.js'),",
        "  paths: Array.isArray(require.resolve.paths('plain-cjs')),",
        '  main: require.main === process.mainModule,',
        '  cached: require.cache[__filename] === module,',
        "  required: require('plain-cjs').value,",
        '});',
        '',
      ].join('\n'),
      'node_modules/bin-cjs/package.json': '{ "name": "bin-cjs", "version": "1.0.0", "main": "cli.js" }\n',
      'node_modules/bin-cjs/cli.js': "#!/usr/bin/env node\nexports.value = 'bin';\n",
      'bin.ts': "import { value } from 'bin-cjs';\nconsole.log(value);\n",
      'cached.ts': [
        "import { wiring } from 'cached-cjs';",
        'console.log(JSON.stringify(wiring()));',
        '',
      ].join('\n'),
      'wiring.ts': [
        "import { later, wiring } from 'wired-cjs';",
        'later().then(value => console.log(JSON.stringify({ ...wiring(), imported: value })));',
        '',
      ].join('\n'),
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true });
      fs.writeFileSync(path.join(project, file), text);
    }
  });
  afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

  function run(script: string, runner: string[], env: NodeJS.ProcessEnv = {}) {
    return spawnSync(process.execPath, ['-r', TSX, ...runner, script], {
      cwd: project, encoding: 'utf8', env: { ...process.env, [CACHE_VARIABLE]: cache, ...env },
    });
  }
  const withRunner = ['-r', RUNNER];
  const entries = () => (fs.existsSync(path.join(cache, 'tsx-output')) ? fs.readdirSync(path.join(cache, 'tsx-output')).filter(f => !f.startsWith('.')) : []);

  test('gives the output of tsx alone, first and from its cache, and keeps one entry per TypeScript file', () => {
    const tsx = run('main.ts', []);
    expect(tsx.stderr).toBe('');
    expect(JSON.parse(tsx.stdout)).toEqual({ esm: 'esm default', named: 'esm named', value: 'cjs', twice: 42 });

    const first = run('main.ts', withRunner);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(tsx.stdout);
    expect(entries()).toHaveLength(2);

    const cached = run('main.ts', withRunner);
    expect(cached.stdout).toBe(tsx.stdout);
    expect(entries()).toHaveLength(2);
  });

  const WIRING = { thisIsExports: true, file: true, dir: true, resolved: true, paths: true, main: true, cached: true, required: 'cjs' };
  const codeEntries = () => fs.readdirSync(path.join(cache, 'v8-code')).filter(f => !f.startsWith('.'));

  test('a dependency compiled with the code cache sees what Node gives a module, also from the cache', () => {
    expect(JSON.parse(run('cached.ts', []).stdout)).toEqual(WIRING);
    const first = run('cached.ts', withRunner);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual(WIRING);
    expect(codeEntries()).toHaveLength(2); // cached-cjs and plain-cjs
    const again = run('cached.ts', withRunner);
    expect(again.stderr).toBe('');
    expect(JSON.parse(again.stdout)).toEqual(WIRING);
  });

  test('V8 refuses damaged code cache data, and the file compiles as usual', () => {
    run('cached.ts', withRunner);
    for (const entry of codeEntries()) {
      fs.writeFileSync(path.join(cache, 'v8-code', entry), 'not V8 code');
    }
    const damaged = run('cached.ts', withRunner);
    expect(damaged.stderr).toBe('');
    expect(JSON.parse(damaged.stdout)).toEqual(WIRING);
    for (const entry of codeEntries()) {
      expect(fs.readFileSync(path.join(cache, 'v8-code', entry), 'utf8')).not.toBe('not V8 code');
    }
  });

  test('a dependency that calls import() is left to Node, and its import() works', () => {
    const expected = { ...WIRING, imported: 'cjs' };
    expect(JSON.parse(run('wiring.ts', []).stdout)).toEqual(expected);
    const result = run('wiring.ts', withRunner);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual(expected);
    expect(codeEntries()).toHaveLength(1); // plain-cjs only
  });

  test('a dependency that starts with #! (a command that is also a module) loads, also the second time', () => {
    expect(run('bin.ts', []).stdout).toBe('bin\n');
    for (let i = 0; i < 2; i++) {
      const result = run('bin.ts', withRunner);
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('bin\n');
    }
  });

  test('the synth\'s own process compiles dependencies and its own folder with the code cache, and nothing else', () => {
    fs.mkdirSync(path.join(project, 'own'));
    fs.writeFileSync(path.join(project, 'own', 'part.js'), "exports.part = require('cached-cjs').wiring();\n");
    fs.writeFileSync(path.join(project, 'elsewhere.js'), 'exports.other = 1;\n');
    const program = [
      `require(${JSON.stringify(CODE_CACHE)}).compileWithCodeCache(${JSON.stringify(path.join(project, 'own'))});`,
      "console.log(JSON.stringify({ ...require('./own/part').part, other: require('./elsewhere').other }));",
    ].join('\n');
    const cli = () => spawnSync(process.execPath, ['-r', TSX, '-e', program], { cwd: project, encoding: 'utf8', env: { ...process.env, [CACHE_VARIABLE]: cache } });
    const first = cli();
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toEqual({ ...WIRING, other: 1 });
    expect(codeEntries()).toHaveLength(3); // own/part.js, cached-cjs, plain-cjs; not elsewhere.js
    const again = cli();
    expect(JSON.parse(again.stdout)).toEqual({ ...WIRING, other: 1 });
    expect(codeEntries()).toHaveLength(3);
  });

  test('an edited file runs as edited', () => {
    run('main.ts', withRunner);
    fs.writeFileSync(path.join(project, 'lib.ts'), 'export function twice(n: number): number {\n  return n * 3;\n}\n');
    expect(JSON.parse(run('main.ts', withRunner).stdout).twice).toBe(63);
  });

  test('another tsconfig.json gives other entries', () => {
    run('main.ts', withRunner);
    fs.writeFileSync(path.join(project, 'tsconfig.json'), '{ "compilerOptions": { "target": "ES2020", "module": "commonjs", "strict": true } }\n');
    run('main.ts', withRunner);
    expect(entries()).toHaveLength(4);
  });

  test('stack traces point at the TypeScript lines, also from the cache', () => {
    for (let i = 0; i < 2; i++) {
      const failed = run('fail.ts', withRunner);
      expect(failed.status).not.toBe(0);
      expect(failed.stderr).toContain('Error: failed here');
      expect(failed.stderr).toMatch(/fail\.ts:5:9/);
    }
  });

  test(`${CACHE_VARIABLE}=off keeps nothing`, () => {
    const result = run('main.ts', withRunner, { [CACHE_VARIABLE]: 'off' });
    expect(JSON.parse(result.stdout).twice).toBe(42);
    expect(fs.existsSync(cache)).toBe(false);
  });
});
