// The validation plugin as this repository's cdk8s.yaml loads it: always the checker of the working tree, built or
// not. When lib/ is the build of exactly these sources (see builtFromSources), its compiled JavaScript, which loads in
// a fraction of the time tsx takes to transpile the sources; otherwise the TypeScript source through tsx. Published
// packages load the compiled class from their main module instead (see ManifestCheckValidation in plugin.ts).
const path = require('path');

function builtPlugin() {
  const lib = path.join(__dirname, '..', '..', 'lib', 'check');
  try {
    if (require(path.join(lib, 'precompiled-validators.js')).builtFromSources(__dirname)) {
      return require(path.join(lib, 'plugin.js'));
    }
  } catch {
    // no build, or a broken one: the sources
  }
  return undefined;
}

module.exports = builtPlugin() ?? require('tsx/cjs/api').require('./plugin.ts', __filename);
