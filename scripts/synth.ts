// `npm run synth [-- cdk8s synth options]`: synthesizes into a temporary folder beside the output folder (dist/, or
// what `--output`, `CDK8S_OUTPUT` or cdk8s.yaml `output` name, as for the CLI) and replaces the output folder only
// when the whole synthesis (app and validation plugins) succeeded. On any failure or on Ctrl-C the previous
// output folder is left byte-for-byte as it was and the temporary folder is removed.
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

import { cdk8sSynth, killChildren, stopChildren } from './cdk8s-synth';
import { StagedDir } from './staged-dir';
import { takeOutput, writesToStdout } from './synth-args';

const CONSTRUCT_METADATA_FILE = 'construct-metadata.json';
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

interface Config {
  readonly output?: string;
  readonly validations?: unknown;
}

/** cdk8s.yaml, as far as we use it. */
function readConfig(): Config {
  return fs.existsSync('cdk8s.yaml') ? (parse(fs.readFileSync('cdk8s.yaml', 'utf8')) as Config | null) ?? {} : {};
}

/**
 * Loads the local validation plugins of cdk8s.yaml into the module cache while the app runs in its own process,
 * so the CLI finds them loaded when it validates. A plugin module may also export a `warmUp()` function, called
 * then, to prepare what its validation needs (compile schemas, ...) off the critical path. Errors are left for
 * the CLI to report in its own words.
 */
function preloadLocalPlugins(config: Config, args: string[]): () => void {
  return () => {
    if (!Array.isArray(config.validations) || args.includes('--no-validate')) {
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

/** Set on the first signal: from then on the signal handler decides how the process exits. */
let stopping = false;

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || writesToStdout(args)) {
    return cdk8sSynth(args); // nothing is written to a folder
  }
  const config = readConfig();
  const { output, rest } = takeOutput(args);
  const target = output ?? config.output ?? 'dist';
  for (const line of StagedDir.recover(target)) {
    console.error(line);
  }
  const staged = new StagedDir(target);

  // The CLI exits the process itself when validation fails: clean up on every way out.
  process.on('exit', () => staged.discard());
  // The first signal lets the app stop (SIGKILL after a grace period); a second one ends everything at once.
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stopping) {
        killChildren();
        staged.discard();
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      }
      stopping = true;
      void stopChildren(signal).finally(() => {
        staged.discard();
        process.exit(128 + SIGNAL_NUMBERS[signal]);
      });
    });
  }

  const status = await cdk8sSynth([...rest, '--output', staged.path], preloadLocalPlugins(config, rest));
  if (status !== 0) {
    staged.discard();
    console.error(`Synthesis failed; ${staged.target} was left unchanged.`);
    return status;
  }
  // The CLI records construct metadata for validation reports; `kubectl apply -f dist` would choke on it.
  fs.rmSync(path.join(staged.path, CONSTRUCT_METADATA_FILE), { force: true });
  staged.commit();
  console.log(`Manifests written to ${staged.target}`);
  return 0;
}

main(process.argv.slice(2)).then(
  status => {
    if (!stopping) {
      process.exit(status);
    }
  },
  (e: Error) => {
    console.error(e.stack);
    process.exit(1);
  },
);
