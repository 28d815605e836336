// `npm run synth` and `npm run check`: the cdk8s-model-serving command of the working tree, compiled (lib/cli.js)
// when lib/ is its build, else from the TypeScript sources through tsx (see current-build.js).
const path = require('path');

const { libIsCurrent, ROOT } = require('./current-build');

if (libIsCurrent()) {
  require(path.join(ROOT, 'lib', 'cli.js'));
} else {
  require('tsx/cjs');
  require(path.join(ROOT, 'constructs', 'cli.ts'));
}
