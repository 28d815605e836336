// The README's examples of models and TF Serving's features type-check against the library and synthesize
// manifests that pass the 1.28 schema and `check --strict`.
import { Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

import * as library from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { expectValidForKubernetes, testApp } from './util';

const README = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('## TfServingApp props'), README.indexOf('## Security'));
const EXAMPLES = [...SECTION.matchAll(/```ts\n([\s\S]*?)```/g)].map(m => m[1]);
/** What the examples use without importing it, as in the README's other examples. */
const NAMES = ['ModelServingApp', 'ModelSource', 'ServiceType', 'TfServingApp'];
const TYPES = ['ModelSourceConfig', 'ModelSourceContext'];

function program(): string {
  const imports = `import { Chart } from 'cdk8s';\nimport { ${[...NAMES, ...TYPES].join(', ')} } from '../constructs';\n`;
  return imports + EXAMPLES.map((code, i) => `export function example${i}(chart: Chart): void {\n${code}}\n`).join('\n');
}

test('there are examples to check', () => {
  expect(EXAMPLES.length).toBeGreaterThanOrEqual(4);
});

test('the examples type-check against the library', () => {
  const file = path.join(__dirname, 'readme-models.generated.ts');
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  host.readFile = name => (path.resolve(name) === file ? program() : readFile(name));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = name => path.resolve(name) === file || fileExists(name);
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true, types: ['node'],
  };
  const diagnostics = ts.getPreEmitDiagnostics(ts.createProgram([file], options, host))
    .map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  expect(diagnostics).toEqual([]);
});

test.each(EXAMPLES.map((code, i) => [i, code]))('example %i synthesizes clean manifests', (_, code) => {
  const js = ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  const chart = new Chart(testApp(), 'readme');
  const scope = NAMES.map(name => (library as Record<string, unknown>)[name]);
  new Function('chart', ...NAMES, js)(chart, ...scope);
  const objects = Testing.synth(chart);
  expect(objects.length).toBeGreaterThan(0);
  expectValidForKubernetes(objects);
  expect(checkObjects(objects, { strict: true }).filter(f => f.waived === undefined)).toEqual([]);
});
