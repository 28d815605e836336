// The validation plugin as this repository's cdk8s.yaml loads it: from the TypeScript source through tsx, like the app,
// so `cdk8s synth` always checks with the checker of the working tree, built or not. Published packages load the
// compiled class from their main module instead (see ManifestCheckValidation in plugin.ts).
const { require: tsxRequire } = require('tsx/cjs/api');

module.exports = tsxRequire('./plugin.ts', __filename);
