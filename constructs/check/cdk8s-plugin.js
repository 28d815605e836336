// The validation plugin as this repository's cdk8s.yaml loads it: always the checker of the working tree, built or
// not: the compiled plugin when lib/ is the build of the sources (scripts/current-build.js), else the TypeScript
// source through tsx. Published packages load the compiled class from their main module instead (see
// ManifestCheckValidation in plugin.ts).
const path = require('path');

const { libIsCurrent, ROOT } = require('../../scripts/current-build');

module.exports = libIsCurrent()
  ? require(path.join(ROOT, 'lib', 'check', 'plugin.js'))
  : require('tsx/cjs/api').require('./plugin.ts', __filename);
