#!/usr/bin/env node
// The `cdk8s-model-serving` command: `check <files or folders...>`, `rules`, and `synth [cdk8s synth options]`.
// Each command loads only its own modules: the synth must not wait for the checker, nor the checker for cdk8s-cli.
/* eslint-disable @typescript-eslint/no-require-imports */
const [command, ...rest] = process.argv.slice(2);
if (command === 'synth') {
  (require('./synth/synth') as typeof import('./synth/synth')).runSynthCommand(rest);
} else {
  process.exitCode = (require('./check/cli') as typeof import('./check/cli')).runCli(process.argv.slice(2));
}
