// The example app: four real model deployments, written once, synthesized per environment into dist/<env>/.
// This is the only file that reads the environment; `npm run synth` runs it.
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
    // Each environment's own folder, dist/<env>/, checked and applied as a set of its own. Every app is built before
    // any is written, so a bad prop in one leaves all folders unwritten.
    const apps = ENVIRONMENTS.map(environment => buildEnvironment(new ServingApp({ environment: environment.name }), environment, settings));
    apps.push(buildGitOps(new ServingApp({ environment: 'argocd' }), settings));
    apps.forEach(app => app.synth());
  } catch (e) {
    if (!isInputError(e)) {
      throw e;
    }
    console.error(e.message);
    process.exitCode = 1;
  }
}
