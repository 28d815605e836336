// Runs the checker command in this process and prints one JSON line: `tsx bench/measure-check.ts <args...>`.
// check.ts starts each case in a fresh process, so that peak memory is the case's own.
import { runCli } from '../constructs/check/cli';

export interface CheckMeasurement {
  readonly status: number;
  /** Time of the command itself, without starting node and loading the checker. */
  readonly checkMs: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly outputBytes: number;
}

const start = performance.now();
let outputBytes = 0;
const status = runCli(process.argv.slice(2), { stdout: text => { outputBytes += text.length; }, stderr: text => { outputBytes += text.length; } });
const checkMs = performance.now() - start;
const usage = process.resourceUsage();
const measurement: CheckMeasurement = {
  status, checkMs, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMiB: usage.maxRSS / 1024, outputBytes,
};
console.log(JSON.stringify(measurement));
