// Loaded into the app's process by `cdk8s-model-serving synth` (NODE_OPTIONS --require): an InvalidPropsError the app
// does not catch is the user's input, not a crash, so it is printed as the construct's own message, without a stack
// trace. Any other uncaught error is printed as node prints it.
import { inspect } from 'util';

/** Bad props (from any copy of this package), or the whole-app validations cdk8s runs at synth (duplicate names). */
function isInputError(error: unknown): error is Error {
  if (!(error instanceof Error)) {
    return false;
  }
  return (error.name === 'InvalidPropsError' && Array.isArray((error as { problems?: unknown }).problems))
    || error.message.startsWith('Validation failed with the following errors');
}

function onUncaught(error: unknown, origin: string): void {
  if (isInputError(error)) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  if (process.listenerCount('uncaughtException') > 1) {
    return; // the program handles its own errors (npm's does, under npx)
  }
  // what node prints when nothing listens, but for the source line it cannot show from here
  process.stderr.write(`${origin === 'unhandledRejection' ? 'Unhandled rejection: ' : ''}${inspect(error)}\n\nNode.js ${process.version}\n`);
  process.exit(1);
}

process.on('uncaughtException', onUncaught);
