// The example app: four real model deployments, written once, synthesized per environment into dist/<env>/.
// This is the only file that reads the environment; `npm run synth` runs it.
import * as path from 'path';

import { buildEnvironment, buildGitOps } from './app/charts';
import { ENVIRONMENTS } from './app/environments';
import { SettingsError, settingsFromEnvironment } from './app/settings';
import { InvalidPropsError, ServingApp } from './constructs';

/** Bad input (settings, props, or whole-app validations such as duplicate names) is reported as what to fix, without a stack trace. */
function isInputError(e: unknown): e is Error {
  return e instanceof SettingsError || e instanceof InvalidPropsError
    || (e instanceof Error && e.message.startsWith('Validation failed with the following errors'));
}

if (require.main === module) {
  try {
    const settings = settingsFromEnvironment(process.env);
    const outdir = process.env.CDK8S_OUTDIR ?? 'dist';
    // Build every environment before writing any, so a bad prop in one leaves all folders unwritten.
    const apps = ENVIRONMENTS.map(environment =>
      buildEnvironment(new ServingApp({ outdir: path.join(outdir, environment.name) }), environment, settings));
    apps.push(buildGitOps(new ServingApp({ outdir: path.join(outdir, 'argocd') }), settings));
    apps.forEach(app => app.synth());
  } catch (e) {
    if (!isInputError(e)) {
      throw e;
    }
    console.error(e.message);
    process.exitCode = 1;
  }
}
