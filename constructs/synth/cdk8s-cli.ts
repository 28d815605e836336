// Where the installed cdk8s CLI (a peer dependency) is, to load its synth command and its own copies of yargs and fs-extra.
import * as path from 'path';

export function cliDir(): string {
  return path.dirname(require.resolve('cdk8s-cli/package.json'));
}
