// Measures one benchmark case in this process and prints one JSON line: `tsx bench/measure.ts <variant> <n>`.
// run.ts starts each case in a fresh process, so timings and peak memory do not leak between cases.
import { App } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';

import { outputBase, VARIANTS } from './variants';

export interface Measurement {
  readonly variant: string;
  readonly n: number;
  readonly buildMs: number;
  readonly synthMs: number;
  readonly files: number;
  readonly peakRssMiB: number;
}

function countFiles(dir: string): number {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter(e => e.isFile()).length;
}

function measure(variantName: string, n: number): Measurement {
  const variant = VARIANTS[variantName];
  if (!variant) {
    throw new Error(`unknown variant '${variantName}'; expected one of ${Object.keys(VARIANTS).join(', ')}`);
  }
  const outdir = fs.mkdtempSync(path.join(outputBase(), 'cdk8s-model-serving-bench-'));
  try {
    const app: App = new variant.App({ outdir });
    const start = performance.now();
    variant.build(app, n);
    const built = performance.now();
    app.synth();
    const synthesized = performance.now();
    return {
      variant: variantName,
      n,
      buildMs: built - start,
      synthMs: synthesized - built,
      files: countFiles(outdir),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const [variantName, n] = process.argv.slice(2);
console.log(JSON.stringify(measure(variantName, Number(n))));
