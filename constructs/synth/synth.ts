// `cdk8s-model-serving synth [cdk8s synth options]` (and `npm run synth` in this repository): synthesizes into a
// temporary folder beside the output folder (dist/, or what `--output`, `CDK8S_OUTPUT` or cdk8s.yaml `output` name,
// as for the CLI) and replaces the output folder only when the whole synthesis (app and validation plugins)
// succeeded. On any failure or signal the previous output folder is left byte-for-byte as it was and the temporary
// folder is removed.
import * as fs from 'fs';
import * as path from 'path';

import { fastAppScript, runnerCommand } from './app-command';
import { hostApp, WORKER_VARIABLE } from './app-host';
import { appEnvironment, appRunner } from './app-process';
import { cdk8sSynth, exitProcess, synthCommandFile } from './cdk8s-synth';
import { reportStatusToHost } from './early-app';
import { removeConstructMetadata } from './manifest-tree';
import { OutputFolderError, resolveOutputFolder } from './output-folder';
import { interruptedStatus, killChildren, STOP_SIGNALS, stopChildren } from './process-groups';
import { readCdk8sConfig } from './project-config';
import { StagedDir } from './staged-dir';
import { Cdk8sConfig, readSynthOptions, takeApp, takeOutput } from './synth-args';

export const SYNTH_USAGE = `Usage: cdk8s-model-serving synth [cdk8s synth options]

Runs \`cdk8s synth\` (cdk8s-cli, a peer dependency) with the app and validations of cdk8s.yaml, into a
temporary folder, and replaces the output folder only when the app and every validation succeeded.
The output holds manifests only (no construct-metadata.json); \`npx ts-node <app>.ts\` and
\`npx tsx <app>.ts\` apps run through tsx in this process, without a type check; bad props print
without a stack trace.

  -a, --app <command>     the app command (default: cdk8s.yaml \`app\`)
  -o, --output <dir>      the output folder (default: cdk8s.yaml \`output\`, else dist); a symlink is followed
  -p, --stdout            print the manifests instead of writing a folder
  --no-validate           skip the validation plugins of cdk8s.yaml
  --format plain|helm     --format helm --chart-version 1.2.3 writes a Helm chart per environment folder
  --chart-version <v>     the charts' SemVer 2 version
  --chart-api-version v1|v2
  --plugins-dir <dir>, --validation-reports-output-file <file>
                          as for cdk8s synth

Exit status: 0 written, 1 the app or a validation failed (the output folder is unchanged), 2 usage
error, 130/143 interrupted by SIGINT/SIGTERM.
`;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/**
 * Loads the local validation plugins of cdk8s.yaml into the module cache while the app runs in its own process,
 * so the CLI finds them loaded when it validates. A plugin module may also export a `warmUp()` function, called
 * then, to prepare what its validation needs (compile schemas, ...) off the critical path. Errors are left for
 * the CLI to report in its own words.
 */
function preloadLocalPlugins(config: Cdk8sConfig, validate: boolean): () => void {
  return () => {
    if (!Array.isArray(config.validations) || !validate) {
      return;
    }
    for (const validation of config.validations as { package?: unknown }[]) {
      const pkg = validation?.package;
      if (typeof pkg === 'string' && (path.isAbsolute(pkg) || pkg.startsWith(`.${path.sep}`))) {
        try {
          // eslint-disable-next-line @typescript-eslint/no-require-imports
          const plugin = require(path.resolve(pkg)) as { warmUp?: unknown };
          if (typeof plugin.warmUp === 'function') {
            plugin.warmUp();
          }
        } catch {
          // the CLI reports it
        }
      }
    }
  };
}

/** Set on the first signal: from then on the signal handler decides how the process exits, and nothing is swapped in. */
let stopping = false;

/**
 * Lets pending signals be handled: a signal that arrived while validation kept the thread busy is seen before a swap.
 * Node runs signal handlers when its event loop polls; an immediate set from within the check phase runs in the next
 * one, so the second immediate comes after at least one poll.
 */
function signalsHandled(): Promise<boolean> {
  return new Promise(resolve => setImmediate(() => setImmediate(() => resolve(stopping))));
}

/** Never settles: the signal handler ends the process. */
function waitForSignalHandler(): Promise<number> {
  return new Promise(() => undefined);
}

function onSignals(staged: StagedDir): void {
  // The first signal lets the app stop (SIGKILL after a grace period); a second one ends everything at once.
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      if (stopping) {
        killChildren();
        staged.discard();
        exitProcess(interruptedStatus(signal));
      }
      stopping = true;
      void stopChildren(signal).finally(() => {
        staged.discard();
        exitProcess(interruptedStatus(signal));
      });
    });
  }
}

/** A usage error: what is wrong, then the usage. */
function usageError(message: string): number {
  console.error(`${message}\n\n${SYNTH_USAGE}`);
  return EXIT_USAGE;
}

async function synth(args: string[]): Promise<number> {
  // the worker of a host that runs the app (app-host.ts): the same synth, into the host's staged folder
  const hostStaged = process.env[WORKER_VARIABLE];
  if (hostStaged !== undefined) {
    delete process.env[WORKER_VARIABLE];
    reportStatusToHost();
  }
  const config = readCdk8sConfig();
  const options = readSynthOptions(args, config);
  if (typeof options === 'string') {
    return usageError(options);
  }
  if (options.help) {
    console.log(SYNTH_USAGE);
    return EXIT_OK;
  }
  let taken: { app?: string; output?: string; rest: string[] };
  try {
    const { app, rest } = takeApp(args);
    taken = { app, ...takeOutput(rest) };
  } catch (e) {
    return usageError((e as Error).message);
  }
  const app = taken.app ?? config.app;
  if (app === undefined) {
    return usageError('no app to synthesize: set `app` in cdk8s.yaml or pass --app <command>');
  }
  const script = fastAppScript(app);
  const appCommand = script ? runnerCommand(script, appRunner()) : app;
  const appArgs = ['--app', appCommand];
  const appEnv = appEnvironment();
  if (options.stdout) {
    // nothing is written to a folder
    const status = await cdk8sSynth([...taken.rest, ...appArgs, ...(taken.output ? ['--output', taken.output] : [])], { appEnv });
    return status === 0 ? EXIT_OK : EXIT_FAILED;
  }

  const shown = taken.output ?? config.output ?? 'dist';
  let target: string;
  try {
    target = resolveOutputFolder(shown);
  } catch (e) {
    if (e instanceof OutputFolderError) {
      return usageError(e.message);
    }
    throw e;
  }
  if (hostStaged !== undefined && !StagedDir.isStagedFolderOf(target, hostStaged)) {
    console.error(`internal error: the synth's host writes ${hostStaged}, which is not a staged folder of ${target}`);
    return EXIT_FAILED;
  }
  for (const line of hostStaged === undefined ? StagedDir.recover(target) : []) {
    console.error(line);
  }
  const staged = new StagedDir(target, hostStaged);
  // The CLI may exit the process itself: clean up on every way out.
  process.on('exit', () => staged.discard());
  const validations = options.validate && (typeof config.validations === 'string' || (Array.isArray(config.validations) && config.validations.length > 0));
  if (script && !options.helm && hostStaged === undefined && !process.env.CDK8S_SYNTH_SPAWN_CLI && fs.existsSync(synthCommandFile())) {
    // a TypeScript app runs here, at once; a worker process runs the CLI and the validations (app-host.ts)
    return hostApp({ script, staged, recordMetadata: validations });
  }
  onSignals(staged);
  const failed = (why?: string) => {
    staged.discard();
    if (why) {
      console.error(why);
    }
    console.error(`Synthesis failed; ${fs.existsSync(target) ? `${shown} was left unchanged` : `no ${shown} was written`}.`);
    return EXIT_FAILED;
  };

  const status = await cdk8sSynth([...taken.rest, ...appArgs, '--output', staged.path], {
    whileAppRuns: preloadLocalPlugins(config, options.validate),
    appEnv,
    // a Helm synth writes its chart scaffolding first and the app into templates/: the CLI starts that app itself
    early: options.helm ? undefined : { app: appCommand, outdir: staged.path, recordMetadata: validations, inHost: hostStaged !== undefined },
  });
  if (await signalsHandled()) {
    return waitForSignalHandler();
  }
  if (status !== 0) {
    return failed();
  }
  removeConstructMetadata(staged.path);
  if (options.helm) {
    // loaded only for Helm output: it needs the YAML library, which would delay every plain synth's app
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const helm = require('./helm') as typeof import('./helm');
    try {
      helm.buildHelmCharts(staged.path, helm.chartNameOf(helm.projectName()));
    } catch (e) {
      if (e instanceof helm.HelmChartError) {
        return failed(e.message);
      }
      throw e;
    }
  }
  if (await signalsHandled()) {
    return waitForSignalHandler();
  }
  staged.commit();
  console.log(`Manifests written to ${shown}${path.resolve(shown) === target ? '' : ` (${target})`}`);
  return EXIT_OK;
}

/** Runs `cdk8s-model-serving synth <args>` and exits the process with its status. */
export function runSynthCommand(args: string[]): void {
  synth(args).then(
    status => {
      if (!stopping) {
        exitProcess(status);
      }
    },
    (e: Error) => {
      console.error(e.stack);
      exitProcess(EXIT_FAILED);
    },
  );
}
