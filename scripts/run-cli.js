// `npm run synth` and `npm run check`: the cdk8s-model-serving command of the working tree, compiled (lib/cli.js)
// when lib/ is its build, else from the TypeScript sources through tsx (see current-build.js).
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const EARLY_APP = path.join(ROOT, 'lib', 'synth', 'early-app.js');

// A synth's app process boots while the build is checked (lib/synth/early-app.js), and is dropped if lib/ is stale.
const earlyApp = process.argv[2] === 'synth' && fs.existsSync(EARLY_APP) ? require(EARLY_APP) : {};
earlyApp.prestartApp?.();

const { libIsCurrent } = require('./current-build');

if (libIsCurrent()) {
  require(path.join(ROOT, 'lib', 'cli.js'));
} else {
  earlyApp.dropPrestarted?.();
  require('tsx/cjs');
  require(path.join(ROOT, 'constructs', 'cli.ts'));
}
