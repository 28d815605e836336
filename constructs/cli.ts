#!/usr/bin/env node
// The `cdk8s-model-serving` command: `check <files or folders...>`, `rules`, and `synth [cdk8s synth options]`.
// Each command loads only its own modules: the synth must not wait for the checker, nor the checker for cdk8s-cli.
/* eslint-disable @typescript-eslint/no-require-imports */

/** A usage error, an unreadable input, and an internal error all exit with this status, as `check` documents. */
const EXIT_USAGE = 2;

/**
 * The last resort of the checker: an internal error is one line and exit status 2, never a stack trace, which a user
 * would take for a verdict on their manifests.
 */
function internalError(error: unknown): never {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`cdk8s-model-serving: internal error, the check did not finish: ${message.split('\n')[0]}\n`);
  process.exit(EXIT_USAGE);
}

function runCheckCommand(args: string[]): void {
  process.on('uncaughtException', internalError);
  // A closed pipe (`check dist | head`) is not an error of the check: stop quietly, with the status so far.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit() : internalError(error)));
  try {
    process.exitCode = (require('./check/cli') as typeof import('./check/cli')).runCli(args);
  } catch (error) {
    internalError(error);
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'synth') {
  // the cdk8s CLI and the checker, loaded on every synth, compile from V8's code cache
  (require('./synth/code-cache') as typeof import('./synth/code-cache')).compileWithCodeCache(__dirname);
  (require('./synth/synth') as typeof import('./synth/synth')).runSynthCommand(rest);
} else if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
  const usage = `${(require('./check/cli') as typeof import('./check/cli')).USAGE}\n${(require('./synth/synth') as typeof import('./synth/synth')).SYNTH_USAGE}`;
  if (command === undefined) {
    console.error(`missing command\n\n${usage}`);
    process.exitCode = EXIT_USAGE;
  } else {
    console.log(usage);
  }
} else {
  runCheckCommand(process.argv.slice(2));
}
