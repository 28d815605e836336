// The package's public surfaces: the root carries the constructs, the checker lives at its own subpath,
// and the Kubernetes rules module is a leaf that both import.
import * as fs from 'fs';
import * as path from 'path';

import * as root from '../constructs';
import * as check from '../constructs/check';

test('the root export holds the constructs, their error and the validation plugin class', () => {
  for (const name of ['ModelServingApp', 'TfServingApp', 'ServingApp', 'ModelSource', 'InvalidPropsError', 'ManifestCheckValidation', 'EnvValue', 'Mount',
    'WhenUnsatisfiable']) {
    expect(root).toHaveProperty(name);
  }
});

test('the root export carries no checker internals', () => {
  for (const name of ['runCli', 'USAGE', 'EXIT_OK', 'splitPath', 'checkManifests', 'loadManifests', 'RULES', 'findingOf']) {
    expect(root).not.toHaveProperty(name);
  }
});

test('the check subpath holds the checker API and not the CLI internals', () => {
  for (const name of ['checkManifests', 'checkObjects', 'parseManifests', 'loadManifests', 'RULES', 'Severity', 'ManifestCheckValidation']) {
    expect(check).toHaveProperty(name);
  }
  for (const name of ['runCli', 'USAGE', 'EXIT_OK', 'splitPath']) {
    expect(check).not.toHaveProperty(name);
  }
});

test('package.json maps the check subpath for Node and for TypeScript', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));
  expect(pkg.exports['./check']).toEqual({ types: './lib/check/index.d.ts', default: './lib/check/index.js' });
  expect(pkg.typesVersions['*'].check).toEqual(['lib/check/index.d.ts']);
});

const constructsDir = path.join(__dirname, '..', 'constructs');

function importsOf(dir: string): { file: string; from: string }[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.ts'))
    .flatMap(f => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/from '([^']+)'/g)].map(m => ({ file: f, from: m[1] })));
}

test('the Kubernetes rules module is a leaf: it imports neither the constructs nor the checker', () => {
  const imports = importsOf(path.join(constructsDir, 'kubernetes-rules'));
  expect(imports.length).toBeGreaterThan(0);
  expect(imports.filter(i => !i.from.startsWith('./'))).toEqual([]);
});

test('the constructs never import the checker, except the plugin class the root re-exports', () => {
  const outsideCheck = fs.readdirSync(constructsDir, { recursive: true, encoding: 'utf8' })
    .filter(f => f.endsWith('.ts') && !f.startsWith('check') && f !== 'index.ts' && f !== 'cli.ts')
    .flatMap(f => [...fs.readFileSync(path.join(constructsDir, f), 'utf8').matchAll(/from '([^']+)'/g)].map(m => ({ file: f, from: m[1] })));
  expect(outsideCheck.filter(i => /(^|\/)check(\/|$)/.test(i.from))).toEqual([]);
});

test('the checker never imports the constructs\' internals', () => {
  const imports = importsOf(path.join(constructsDir, 'check'));
  expect(imports.filter(i => /\.\.\/(internal|model-|tf-|serving-)/.test(i.from))).toEqual([]);
});
