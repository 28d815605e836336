#!/usr/bin/env node
// The `cdk8s-model-serving` command: `check <files or folders...>`, `rules`, and `synth [cdk8s synth options]`.
// Each command loads only its own modules: the synth must not wait for the checker, nor the checker for cdk8s-cli.
/* eslint-disable @typescript-eslint/no-require-imports */
const [command, ...rest] = process.argv.slice(2);
if (command === 'synth') {
  (require('./synth/synth') as typeof import('./synth/synth')).runSynthCommand(rest);
} else if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  const usage = `${(require('./check/cli') as typeof import('./check/cli')).USAGE}\n${(require('./synth/synth') as typeof import('./synth/synth')).SYNTH_USAGE}`;
  if (command === undefined) {
    console.error(`missing command\n\n${usage}`);
    process.exitCode = 2;
  } else {
    console.log(usage);
  }
} else {
  process.exitCode = (require('./check/cli') as typeof import('./check/cli')).runCli(process.argv.slice(2));
}
