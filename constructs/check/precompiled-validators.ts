// The validators of the kinds the constructs emit, compiled by `npm run build` (scripts/precompile-validators.ts) with
// ajv's standalone code generation, so that a check loads them in milliseconds instead of compiling the Kubernetes and
// CRD schemas for each kind (most of the checker's time in `npm run synth`). They are used only when they were built
// from exactly the checker that runs: any change to its code, the definitions or ajv makes it compile as before.
import type { ValidateFunction } from 'ajv';
import type { RegExpEngine } from 'ajv/dist/types';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

import { BUILTIN_CRDS_FILE } from './builtin-crds';
import { packedDefinitionsFile } from './packed-definitions';

/** The package root, from this file in source (constructs/check/) and in lib/check/. */
const PACKAGE_ROOT = path.join(__dirname, '..', '..');

/** Where the build writes the precompiled validators (shipped with lib/). */
export const PRECOMPILED_VALIDATORS_DIR = path.join(PACKAGE_ROOT, 'lib', 'check', 'validators');

/** The file of one Kubernetes version's precompiled validators. */
export function precompiledValidatorsFile(kubernetesVersion: string, dir: string = PRECOMPILED_VALIDATORS_DIR): string {
  return path.join(dir, `kubernetes-${kubernetesVersion}.js`);
}

// Export names are also the ids the build compiles the schemas under, so they must not look like a URI or a path
// (ajv would resolve the schemas' references against them).

/** The export name of a Kubernetes kind's validator, from the key the checker caches it by (`apps/v1|Deployment`). */
export function kindExportName(key: string): string {
  return `kind-${encodeURIComponent(key)}`;
}

/** The export name of a prepared custom resource schema's validator: a digest of its JSON, the checker's cache key. */
export function customResourceExportName(schemaJson: string): string {
  return `crd-${createHash('sha256').update(schemaJson).digest('hex')}`;
}

/** What a generated file exports: the fingerprints it was built for, and a factory of its validators. */
export interface PrecompiledModule {
  readonly fingerprints: readonly string[];
  readonly createValidators: (linearRegExpEngine: RegExpEngine) => Record<string, ValidateFunction>;
}

/**
 * A digest of everything the generated code depends on: the checker's modules as they run (the `.ts` sources in this
 * repository, the `.js` files of lib/ in the package), the constructs' shared rules (the quantity pattern), the
 * packed definitions of the version, the built-in CRDs, and the versions of ajv and ajv-formats.
 */
export function validatorsFingerprint(kubernetesVersion: string, checkDir: string = __dirname, extension: string = path.extname(__filename)): string {
  const hash = createHash('sha256');
  const rulesDir = path.join(checkDir, '..', 'kubernetes-rules');
  for (const dir of [checkDir, rulesDir]) {
    for (const name of fs.readdirSync(dir).filter(n => n.endsWith(extension) && !n.endsWith(`.d${extension}`)).sort()) {
      hash.update(`${path.basename(dir)}/${name}\0`).update(fs.readFileSync(path.join(dir, name))).update('\0');
    }
  }
  for (const file of [packedDefinitionsFile(kubernetesVersion), BUILTIN_CRDS_FILE]) {
    hash.update(fs.readFileSync(file)).update('\0');
  }
  for (const pkg of ['ajv', 'ajv-formats']) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    hash.update(`${pkg}@${(require(`${pkg}/package.json`) as { version: string }).version}\0`);
  }
  return hash.digest('hex');
}

/**
 * The precompiled validators of a Kubernetes version, by export name, if the build made them for the checker that
 * runs; undefined otherwise (not built, another version, or built from other code), and the checker compiles.
 * CDK8S_MODEL_SERVING_COMPILE_SCHEMAS=1 always compiles (to compare both ways).
 */
export function loadPrecompiledValidators(kubernetesVersion: string, engine: RegExpEngine): Record<string, ValidateFunction> | undefined {
  const file = precompiledValidatorsFile(kubernetesVersion);
  if (process.env.CDK8S_MODEL_SERVING_COMPILE_SCHEMAS || !fs.existsSync(file)) {
    return undefined;
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const generated = require(file) as PrecompiledModule;
    if (!generated.fingerprints.includes(validatorsFingerprint(kubernetesVersion))) {
      return undefined;
    }
    return generated.createValidators(engine);
  } catch {
    return undefined; // a damaged file: compile instead
  }
}
