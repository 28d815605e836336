// Part of `npm run build`, after tsc: writes lib/check/validators/kubernetes-<version>.js, the standalone code of the
// validators of the kinds the constructs emit (see constructs/check/precompiled-validators.ts), for the default
// Kubernetes version: a check of another version compiles its schemas as before. The file records the fingerprints
// of the checker it was built from, as sources (this repository) and as lib/ (the package).
import * as fs from 'fs';
import * as path from 'path';

import { DEFAULT_KUBERNETES_VERSION } from '../constructs/check/kubernetes-versions';
import { PrecompiledModule, precompiledModuleSource, precompiledValidatorsFile, validatorsFingerprint } from '../constructs/check/precompiled-validators';
import { standaloneValidatorsCode } from '../constructs/check/schema';

const ROOT = path.join(__dirname, '..');

function main(): void {
  const version = DEFAULT_KUBERNETES_VERSION;
  const fingerprints: PrecompiledModule['fingerprints'] = [
    validatorsFingerprint(version, path.join(ROOT, 'constructs', 'check'), '.ts'),
    validatorsFingerprint(version, path.join(ROOT, 'lib', 'check'), '.js'),
  ];
  const file = precompiledValidatorsFile(version);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, precompiledModuleSource(standaloneValidatorsCode(version), fingerprints));
  console.log(`${path.relative(ROOT, file)}: ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
}

main();
