// The checker cases of `npm run bench`: 100,000 objects (about 55 MB), and hostile inputs under 1 MB, each checked
// by the command in a fresh process.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { writeCheckCorpus } from './check-corpus';
import type { CheckMeasurement } from './measure-check';
import type { Target } from './target';
import { outputBase } from './variants';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
const LARGE_OBJECTS = 100_000;
const CASE_TIMEOUT_MS = 300_000;

interface CheckCase {
  readonly name: string;
  readonly args: readonly string[];
  /** The exit status the case must end with. */
  readonly status: number;
  readonly bytes: number;
}

interface CheckRow {
  readonly case: CheckCase;
  /** From starting the process to its exit. */
  readonly wallMs: number;
  readonly result?: CheckMeasurement;
  readonly problem?: string;
}

function runCase(c: CheckCase): CheckRow {
  const start = performance.now();
  const child = spawnSync(process.execPath, ['--require', TSX, path.join(__dirname, 'measure-check.ts'), ...c.args], {
    cwd: ROOT, encoding: 'utf8', timeout: CASE_TIMEOUT_MS, maxBuffer: 1024 * 1024,
  });
  const wallMs = performance.now() - start;
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.error || !last.startsWith('{')) {
    return { case: c, wallMs, problem: child.error ? child.error.message : child.stderr.trim().split('\n').slice(0, 3).join(' ') };
  }
  const result = JSON.parse(last) as CheckMeasurement;
  const problem = result.status !== c.status ? `exit status ${result.status}, expected ${c.status}` : undefined;
  return { case: c, wallMs, result, ...(problem ? { problem } : {}) };
}

/** Hostile inputs, each under 1 MB, that hung, crashed or took long before the checker bounded them. */
function writeHostileInputs(dir: string): CheckCase[] {
  const write = (name: string, content: string): { file: string; bytes: number } => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return { file, bytes: Buffer.byteLength(content) };
  };
  const configMap = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: ${data}\n`;
  const pattern = write('pattern.yaml', [
    'apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata: {name: things.example.com}', 'spec:',
    '  group: example.com', '  names: {kind: Thing, plural: things}', '  scope: Namespaced', '  versions:',
    '    - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object,',
    "        properties: {value: {type: string, pattern: '^(a+)+$'}}}}}}}",
    '---', 'apiVersion: example.com/v1', 'kind: Thing', 'metadata: {name: t}', `spec: {value: ${'a'.repeat(40)}!}`, '',
  ].join('\n'));
  const list = write('list.yaml', `apiVersion: v1\nkind: List\nitems: [${'{},'.repeat(130_000)}]\n`);
  // Nine levels of nine aliases each: 9^9 strings once expanded.
  const levels = 'abcdefghi'.split('');
  const laughs = levels.map((k, i) => `${k}: &${k} [${Array(9).fill(i === 0 ? 'lol' : `*${levels[i - 1]}`).join(',')}]`);
  const bomb = write('bomb.yaml', `${configMap('lol', '{}')}${laughs.join('\n')}\n`);
  const deep = write('deep.yaml', configMap('deep', `{x: ${'['.repeat(400_000)}${']'.repeat(400_000)}}`));
  const key = write('key.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: a}]\n  ? ${'abcdefghij'.repeat(90_000)}\n  : 1\n`);
  const keys = write('keys.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: a}]\n${Array.from({ length: 40_000 }, (_, i) => `  nodeSelecter${i}: 1\n`).join('')}`);
  const label = write('label.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${'a'.repeat(450_000)}\n  labels: {app: ${'a-'.repeat(200_000)}!}\n`);
  const files = Array.from({ length: 8_000 }, (_, i) => write(`files/c${i}.yaml`, configMap(`c${i}`, '{x: 1}')).bytes).reduce((a, b) => a + b, 0);
  return [
    { name: `CRD pattern ^(a+)+$ and a resource of ${pattern.bytes} bytes`, args: ['check', pattern.file], status: 1, bytes: pattern.bytes },
    { name: 'a List of 130,000 empty items (json)', args: ['check', list.file, '--format', 'json'], status: 1, bytes: list.bytes },
    { name: 'a YAML alias bomb (9^9 nodes)', args: ['check', bomb.file], status: 1, bytes: bomb.bytes },
    { name: 'a flow sequence nested 400,000 deep', args: ['check', deep.file], status: 1, bytes: deep.bytes },
    { name: 'a 900 KB unknown key', args: ['check', key.file], status: 1, bytes: key.bytes },
    { name: '40,000 misspelt keys', args: ['check', keys.file], status: 1, bytes: keys.bytes },
    { name: 'a 450 KB name and a 400 KB label value', args: ['check', label.file], status: 1, bytes: label.bytes },
    { name: '8,000 files with a finding each (text)', args: ['check', path.join(dir, 'files')], status: 1, bytes: files },
    { name: '8,000 files with a finding each (json)', args: ['check', path.join(dir, 'files'), '--format', 'json'], status: 1, bytes: files },
  ];
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function printRows(rows: readonly CheckRow[]): void {
  const widths = [48, 9, 7, 7, 7, 12];
  const pad = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(pad(['checker case', 'input', 'wall s', 'check s', 'CPU s', 'peak RSS MiB']));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  for (const row of rows) {
    const r = row.result;
    const size = row.case.bytes >= 1024 * 1024 ? `${(row.case.bytes / 1024 / 1024).toFixed(1)} MiB` : `${(row.case.bytes / 1024).toFixed(0)} KiB`;
    console.log(pad([row.case.name, size, seconds(row.wallMs), r ? seconds(r.checkMs) : '-', r ? seconds(r.cpuMs) : '-', r ? r.peakRssMiB.toFixed(0) : '-'])
      + (row.problem ? `  (${row.problem})` : ''));
  }
}

/**
 * Measures the checker cases, prints their table, and returns their targets: 100,000 objects in under 60 s and
 * 1.5 GB, every hostile input under 1 MB in under 5 s with the exit status it must have.
 */
export function benchChecker(): Target[] {
  const dir = fs.mkdtempSync(path.join(outputBase(), 'cdk8s-model-serving-bench-check-'));
  try {
    process.stderr.write('Measuring the checker (each case in a fresh process)...\n');
    const largeDir = path.join(dir, 'large');
    fs.mkdirSync(largeDir);
    const corpus = writeCheckCorpus(largeDir, LARGE_OBJECTS, 100);
    const large: CheckCase = {
      name: `${corpus.objects.toLocaleString('en')} objects in ${corpus.files.toLocaleString('en')} files (strict)`,
      args: ['check', '--strict', largeDir], status: 0, bytes: corpus.bytes,
    };
    const rows = [large, ...writeHostileInputs(path.join(dir, 'hostile'))].map(c => {
      const row = runCase(c);
      process.stderr.write(`  ${c.name}: ${seconds(row.wallMs)} s${row.problem ? ` (${row.problem})` : ''}\n`);
      return row;
    });
    console.log('');
    printRows(rows);
    const [largeRow, ...hostile] = rows;
    const slowest = hostile.reduce((a, b) => (b.wallMs > a.wallMs ? b : a));
    return [
      {
        name: `checker, ${large.name}: under 60 s`,
        value: largeRow.problem ? NaN : largeRow.wallMs, pass: v => v < 60_000, show: v => `${seconds(v)} s`,
      },
      {
        name: `checker, ${large.name}: peak RSS under 1.5 GB`,
        value: largeRow.result?.peakRssMiB ?? NaN, pass: v => v * 1024 * 1024 < 1.5e9, show: v => `${v.toFixed(0)} MiB`,
      },
      {
        name: `checker, every hostile input under 1 MB in under 5 s with its exit status (slowest: ${slowest.case.name})`,
        value: hostile.some(r => r.problem || r.case.bytes >= 1024 * 1024) ? NaN : slowest.wallMs, pass: v => v < 5_000, show: v => `${seconds(v)} s`,
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
