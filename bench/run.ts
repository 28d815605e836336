// `npm run bench`: synthesizes N model endpoints with ServingApp and with cdk8s App, and checks 100,000 objects and
// hostile inputs with the checker, each case in a fresh process, and prints tables and the targets with PASS or FAIL.
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

import { benchChecker } from './check';
import type { Measurement } from './measure';
import type { Target } from './target';
import { outputBase, VARIANTS } from './variants';

const ROOT = path.join(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const SIZES = [100, 1000, 3000];
/** ServingApp cases are fast: take the median of this many fresh processes. */
const REPEATS = 5;
/** cdk8s App is quadratic: at N = 3,000 one case takes about 2 minutes, so the bench skips it. */
const APP_MAX_N = 1000;
const CASE_TIMEOUT_MS = 150_000;
const SERVING_APP_VARIANTS = ['serving-app', 'one-chart', 'production-props', 'model-url', 'tf-serving'];
/** The variants that use every production prop: each builds 3,000 apps in under 1 s. */
const EVERY_PROP_VARIANTS = ['production-props', 'model-url', 'tf-serving'];

interface Row {
  readonly variant: string;
  readonly n: number;
  readonly result?: Measurement;
  readonly note?: string;
}

function runCase(variant: string, n: number): Measurement {
  const child = spawnSync(process.execPath, [TSX, path.join(__dirname, 'measure.ts'), variant, String(n)], {
    cwd: ROOT, encoding: 'utf8', timeout: CASE_TIMEOUT_MS, maxBuffer: 1024 * 1024,
  });
  if (child.status !== 0) {
    const reason = child.error ? child.error.message : child.stderr.trim().split('\n').slice(-3).join(' ');
    throw new Error(`${variant} at N=${n} failed: ${reason}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '') as Measurement;
}

/** The run with the median synth time, with the median build time of all runs (the two vary apart). */
function median(results: Measurement[]): Measurement {
  const middle = <T>(values: T[], by: (x: T) => number) => [...values].sort((a, b) => by(a) - by(b))[Math.floor(values.length / 2)];
  return { ...middle(results, r => r.synthMs), buildMs: middle(results.map(r => r.buildMs), x => x) };
}

function measure(variant: string, n: number): Row {
  const usesServingApp = SERVING_APP_VARIANTS.includes(variant);
  if (!usesServingApp && n > APP_MAX_N) {
    return { variant, n, note: 'skipped to keep the bench under 5 minutes' };
  }
  const runs = Array.from({ length: usesServingApp ? REPEATS : 1 }, () => runCase(variant, n));
  process.stderr.write(`  ${variant} N=${n}: synth ${runs.map(r => seconds(r.synthMs)).join(', ')} s\n`);
  return { variant, n, result: median(runs) };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2);
}

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
}

function synthOf(rows: Row[], variant: string, n: number): number | undefined {
  return rows.find(r => r.variant === variant && r.n === n)?.result?.synthMs;
}

function printTable(rows: Row[]): void {
  const header = ['N', 'variant', 'build s', 'synth s', 'App/ServingApp', 'peak RSS MiB', 'files'];
  const widths = [5, 63, 8, 8, 14, 12, 6];
  console.log(pad(header, widths));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  for (const row of rows) {
    const label = VARIANTS[row.variant].label;
    if (!row.result) {
      // cdk8s App is quadratic: (n / APP_MAX_N)^2 times its time at APP_MAX_N
      const capped = synthOf(rows, row.variant, APP_MAX_N);
      const estimate = capped === undefined ? '' : `; cdk8s App is quadratic: ${(capped * (row.n / APP_MAX_N) ** 2 / 1000).toFixed(0)} s or more, at least ${(row.n / APP_MAX_N) ** 2}x its N=1,000 time`;
      console.log(pad([String(row.n), label, '-', '-', '-', '-', '-'], widths) + `  (${row.note}${estimate})`);
      continue;
    }
    const servingApp = synthOf(rows, 'serving-app', row.n);
    const ratio = row.variant === 'app' || row.variant === 'hand-written'
      ? `${(row.result.synthMs / (servingApp ?? NaN)).toFixed(1)}x` : '';
    console.log(pad([
      String(row.n), label, seconds(row.result.buildMs), seconds(row.result.synthMs), ratio,
      row.result.peakRssMiB.toFixed(0), String(row.result.files),
    ], widths));
  }
}

function synthTargets(rows: Row[]): Target[] {
  const synth = (variant: string, n: number) => synthOf(rows, variant, n) ?? NaN;
  const build = (variant: string, n: number) => rows.find(r => r.variant === variant && r.n === n)?.result?.buildMs ?? NaN;
  const servingAppRows = rows.filter(r => SERVING_APP_VARIANTS.includes(r.variant));
  const times = (v: number) => `${v.toFixed(1)}x`;
  const targets: Target[] = [
    {
      name: 'N=1,000: ServingApp >= 10x faster than hand-written cdk8s-plus with App',
      value: synth('hand-written', 1000) / synth('serving-app', 1000), pass: v => v >= 10, show: times,
    },
    {
      name: 'N=1,000: ServingApp >= 5x faster than App on the same ModelServingApp tree',
      value: synth('app', 1000) / synth('serving-app', 1000), pass: v => v >= 5, show: times,
    },
    {
      name: 'N=3,000: ServingApp synth <= 4x its N=1,000 synth (chart per endpoint)',
      value: synth('serving-app', 3000) / synth('serving-app', 1000), pass: v => v <= 4, show: times,
    },
    {
      name: 'N=3,000: ServingApp synth <= 4x its N=1,000 synth (one chart)',
      value: synth('one-chart', 3000) / synth('one-chart', 1000), pass: v => v <= 4, show: times,
    },
    {
      name: 'peak RSS of every ServingApp case < 1 GiB',
      value: Math.max(...servingAppRows.map(r => r.result?.peakRssMiB ?? NaN)), pass: v => v < 1024, show: v => `${v.toFixed(0)} MiB`,
    },
    {
      name: 'building 3,000 apps with every production prop < 1 s (slowest of (e), (f), (g))',
      value: Math.max(...EVERY_PROP_VARIANTS.map(v => build(v, 3000))), pass: v => v < 1000, show: v => `${seconds(v)} s`,
    },
    {
      name: 'building 3,000 ModelServingApps < 1 s (slowest of both layouts)',
      value: Math.max(build('serving-app', 3000), build('one-chart', 3000)), pass: v => v < 1000, show: v => `${seconds(v)} s`,
    },
  ];
  return targets;
}

function printTargets(targets: readonly Target[]): boolean {
  console.log('\nTargets');
  for (const target of targets) {
    console.log(`  ${target.pass(target.value) ? 'PASS' : 'FAIL'}  ${target.name}: ${target.show(target.value)}`);
  }
  return targets.every(t => t.pass(t.value));
}

/** `npm run bench` measures synthesis and the checker; `npm run bench -- check` only the checker. */
function main(): void {
  const started = Date.now();
  const only = process.argv[2];
  const targets: Target[] = [];
  if (only !== 'check') {
    targets.push(...benchSynth());
  }
  targets.push(...benchChecker());
  const ok = printTargets(targets);
  console.log(`\nTotal bench time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  process.exitCode = ok ? 0 : 1;
}

function benchSynth(): Target[] {
  const order = ['serving-app', 'one-chart', 'production-props', 'model-url', 'tf-serving', 'app', 'hand-written'];
  const rows: Row[] = [];
  process.stderr.write('Measuring (each case in a fresh process; ServingApp cases: median of 5)...\n');
  for (const n of SIZES) {
    for (const variant of order) {
      rows.push(measure(variant, n));
    }
  }
  console.log(`\nSynthesis of N model endpoints, node ${process.version}, ${os.cpus().length} CPUs, manifests written to ${outputBase()} ` +
    '(then removed).\nAn endpoint is a ModelServingApp with ingress and autoscaling (Deployment, Service, Ingress, HPA, PDB), or by hand ' +
    'with cdk8s-plus-28 (Deployment, exposeViaService, Ingress, HPA).\n(e) to (g) add every production prop: env references, mounts, ' +
    'probes, GPU, placement, ServiceAccount, init container and sidecar; (f) a downloaded model; (g) TF Serving with 2 models.\nTimes in seconds; build = constructing the tree, synth = app.synth(); ' +
    'App/ServingApp = synth time of the row divided by (a) at the same N.\n');
  printTable(rows);
  return synthTargets(rows);
}

main();
