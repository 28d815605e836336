#!/usr/bin/env node
// The `cdk8s-model-serving` command: `cdk8s-model-serving check <files or folders...>`.
import { EXIT_USAGE, runCli } from './check/cli';

/**
 * The last resort: an internal error is one line and exit status 2, never a stack trace, which a user would take
 * for a verdict on their manifests.
 */
function internalError(error: unknown): never {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`cdk8s-model-serving: internal error, the check did not finish: ${message.split('\n')[0]}\n`);
  process.exit(EXIT_USAGE);
}

process.on('uncaughtException', internalError);
// A closed pipe (`check dist | head`) is not an error of the check: stop quietly, with the status so far.
process.stdout.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' ? process.exit() : internalError(error)));

try {
  process.exitCode = runCli(process.argv.slice(2));
} catch (error) {
  internalError(error);
}
