// `npm run bench:synth`: times `npm run synth` of the example app against the app alone and against the cdk8s
// template's way (`ts-node main.ts` under `cdk8s synth`), interleaved in one run, and checks the targets of the safe
// synth. The template's row needs ts-node (not a dependency): give its path in TS_NODE_BIN, or it is skipped.
import { spawnSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TSX_HOOK = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
const CDK8S = path.join(ROOT, 'node_modules', '.bin', 'cdk8s');

interface Case {
  readonly name: string;
  readonly command: string;
}

const CASES: Case[] = [
  { name: 'npm run synth', command: 'npm run --silent synth' },
  { name: 'the app alone (node -r tsx/cjs main.ts)', command: `node -r ${TSX_HOOK} main.ts` },
  ...(process.env.TS_NODE_BIN
    ? [{ name: "the cdk8s template's ts-node main.ts + cdk8s synth", command: `${CDK8S} synth --no-check-upgrade --app "${process.env.TS_NODE_BIN} main.ts"` }]
    : []),
];

/** Wall time of one run in milliseconds; a failed run fails the bench. */
function time(command: string): number {
  const start = performance.now();
  const run = spawnSync('sh', ['-c', command], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`${command} failed: ${run.stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function main(): void {
  const times = new Map<string, number[]>(CASES.map(c => [c.name, []]));
  for (const c of CASES) {
    time(c.command); // warm-up: disk caches, tsx's transform cache
  }
  for (let i = 0; i < RUNS; i++) {
    for (const c of CASES) {
      times.get(c.name)!.push(time(c.command)); // interleaved, so load changes hit every case alike
    }
  }
  const synth = median(times.get(CASES[0].name)!);
  console.log(`Median of ${RUNS} interleaved runs, node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}\n`);
  for (const c of CASES) {
    console.log(`  ${(median(times.get(c.name)!) / 1000).toFixed(2)} s  ${c.name}`);
  }
  const targets = [
    { name: 'npm run synth <= 1.3x the app alone', value: synth / median(times.get(CASES[1].name)!), limit: 1.3 },
    ...(CASES[2] ? [{ name: "npm run synth <= 0.25x the template's synth", value: synth / median(times.get(CASES[2].name)!), limit: 0.25 }] : []),
  ];
  console.log('\nTargets');
  for (const target of targets) {
    console.log(`  ${target.value <= target.limit ? 'PASS' : 'FAIL'}  ${target.name}: ${target.value.toFixed(2)}x`);
  }
  if (!CASES[2]) {
    console.log("  skipped  npm run synth <= 0.25x the template's synth: set TS_NODE_BIN to a ts-node binary");
  }
  process.exitCode = targets.every(t => t.value <= t.limit) ? 0 : 1;
}

main();
