// The `cdk8s synth` options of `cdk8s-model-serving synth`, read the way the CLI reads them (its yargs, `CDK8S_*`
// variables, cdk8s.yaml), checked up front so a usage error exits 2 before the app runs, and the folder options
// taken out so we can hand the CLI our own (the staged folder, a faster app command).
import { cliDir } from './cdk8s-cli';

type Argv = Record<string, unknown>;

/** The options of the cdk8s CLI's synth command (2.x), with their one-letter aliases. */
const OPTIONS: Record<string, { alias?: string; type?: 'boolean' | 'string' }> = {
  'app': { alias: 'a', type: 'string' },
  'output': { alias: 'o', type: 'string' },
  'stdout': { alias: 'p', type: 'boolean' },
  'plugins-dir': { type: 'string' },
  'validate': { type: 'boolean' },
  'validation-reports-output-file': { type: 'string' },
  'format': { type: 'string' },
  'chart-api-version': { type: 'string' },
  'chart-version': { type: 'string' },
  // the CLI's global options: `--check-upgrade` is accepted and ignored (we never ask the registry)
  'check-upgrade': { type: 'boolean' },
  'help': { alias: 'h', type: 'boolean' },
};

/** Parses `args` the way the cdk8s CLI does (its yargs, the synth options, `CDK8S_*` variables when `withEnv`). */
function parseLikeCli(args: string[], withEnv: boolean): Argv {
  // A plain `synth` has nothing to parse, and loading yargs would delay the start of the app by some 20 ms.
  if (args.length === 0 && (!withEnv || !Object.keys(process.env).some(name => name.startsWith('CDK8S_')))) {
    return { _: [] };
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require(require.resolve('yargs', { paths: [cliDir()] })) as (args: string[]) => YargsLike;
  let parser = yargs(args).help(false).version(false);
  for (const [name, { alias, type }] of Object.entries(OPTIONS)) {
    parser = parser.option(name, { ...(alias ? { alias } : {}), ...(type ? { type } : {}) });
  }
  return (withEnv ? parser.env('CDK8S') : parser).parse();
}
interface YargsLike {
  option(key: string, options: object): YargsLike;
  env(prefix: string): YargsLike;
  help(enable: boolean): YargsLike;
  version(enable: boolean): YargsLike;
  parse(): Argv;
}

/** The forms of `--<long>` / `-<short>` that take the next argument as the value (`-po dir` too). */
function thenValue(long: string, short: string): RegExp {
  return new RegExp(`^(?:--${long}|--${short}|-[a-zA-Z]*${short})$`);
}
/** `--long=v`, `--o=v`, `-o=v`, `-o/v` (yargs takes a short option's value after a non-letter). */
function withValue(long: string, short: string): RegExp {
  return new RegExp(`^(?:--${long}=|--${short}=|-${short}=|-${short}(?=[^a-zA-Z0-9]))`);
}

/**
 * Splits one string option off the arguments: the value the CLI would use (from the arguments or `CDK8S_<NAME>`),
 * and the arguments without it, so we can hand the CLI our own. Throws when the option is given in a form we cannot
 * take out (the CLI would then see two) or more than once.
 */
function takeOption(args: string[], long: string, short: string): { value?: string; rest: string[] } {
  const value = parseLikeCli(args, true)[long];
  if (value !== undefined && (typeof value !== 'string' || value === '')) {
    throw new Error(`--${long} must be given once, as --${long} <value> (got ${JSON.stringify(value)})`);
  }
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (thenValue(long, short).test(arg)) {
      if (arg.startsWith('-') && !arg.startsWith('--') && arg.length > 2) {
        rest.push(arg.slice(0, -1)); // `-po dir`: keep `-p`
      }
      i++;
    } else if (!withValue(long, short).test(arg)) {
      rest.push(arg);
    }
  }
  if (parseLikeCli(rest, false)[long] !== undefined) {
    throw new Error(`cannot tell which of the arguments sets --${long}: ${args.join(' ')}; use --${long} <value>`);
  }
  return { value, rest };
}

/**
 * Splits the output folder off the arguments: the value the CLI would use (from the arguments or `CDK8S_OUTPUT`),
 * and the arguments without it.
 */
export function takeOutput(args: string[]): { output?: string; rest: string[] } {
  const { value, rest } = takeOption(args, 'output', 'o');
  return { output: value, rest };
}

/** Splits the app command off the arguments (`--app`, `-a`, `CDK8S_APP`), like `takeOutput`. */
export function takeApp(args: string[]): { app?: string; rest: string[] } {
  const { value, rest } = takeOption(args, 'app', 'a');
  return { app: value, rest };
}

/** Whether the CLI would write to stdout instead of a folder (`--stdout`, `-p`, `CDK8S_STDOUT=true`, ...). */
export function writesToStdout(args: string[]): boolean {
  return parseLikeCli(args, true).stdout === true;
}

/** cdk8s.yaml, as far as the synth uses it. */
export interface Cdk8sConfig {
  readonly app?: string;
  readonly output?: string;
  readonly validations?: unknown;
  readonly synthConfig?: { readonly format?: string; readonly chartVersion?: string; readonly chartApiVersion?: string };
}

/** What the synth does besides running the app, from the arguments, `CDK8S_*` variables and cdk8s.yaml. */
export interface SynthOptions {
  readonly help: boolean;
  readonly stdout: boolean;
  /** `undefined` for plain manifests. */
  readonly helm?: { readonly chartVersion: string };
  readonly validate: boolean;
}

/** A SemVer 2 version, as semver.org writes it (Helm requires one for a chart). */
const IDENTIFIER = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)';
const SEMVER = new RegExp(`^(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)\\.(?:0|[1-9]\\d*)(?:-${IDENTIFIER}(?:\\.${IDENTIFIER})*)?(?:\\+[0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*)?$`);

/** The names yargs gives an option in its result: as written, camelCased, and its alias. */
function knownKeys(): Set<string> {
  const keys = new Set(['_', '$0']);
  for (const [name, { alias }] of Object.entries(OPTIONS)) {
    keys.add(name).add(name.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()));
    if (alias) {
      keys.add(alias);
    }
  }
  return keys;
}

/**
 * Reads the synth options, or returns what is wrong with them (a usage error): an unknown option or argument, a
 * format other than plain or helm, Helm options without `--format helm` or a chart version that is not SemVer 2.
 */
export function readSynthOptions(args: string[], config: Cdk8sConfig): SynthOptions | string {
  const given = parseLikeCli(args, false);
  const known = knownKeys();
  const unknown = Object.keys(given).filter(key => !known.has(key));
  if (unknown.length > 0) {
    return `unknown option ${unknown.map(key => (key.length === 1 ? `-${key}` : `--${key}`)).join(', ')}`;
  }
  const positional = given._ as unknown[];
  if (positional.length > 0) {
    return `unexpected argument ${positional.map(x => JSON.stringify(String(x))).join(', ')}`;
  }
  const argv = parseLikeCli(args, true);
  const stdout = argv.stdout === true;
  const format = (argv.format as string | undefined) ?? config.synthConfig?.format ?? 'plain';
  const chartVersion = (argv.chartVersion as string | undefined) ?? config.synthConfig?.chartVersion;
  const chartApiVersion = (argv.chartApiVersion as string | undefined) ?? config.synthConfig?.chartApiVersion;
  if (format !== 'plain' && format !== 'helm') {
    return `--format must be plain or helm (got ${JSON.stringify(format)})`;
  }
  if (format === 'plain' && (chartVersion !== undefined || chartApiVersion !== undefined)) {
    return `--${chartVersion !== undefined ? 'chart-version' : 'chart-api-version'} needs --format helm`;
  }
  if (chartApiVersion !== undefined && chartApiVersion !== 'v1' && chartApiVersion !== 'v2') {
    return `--chart-api-version must be v1 or v2 (got ${JSON.stringify(chartApiVersion)})`;
  }
  if (format === 'helm') {
    if (chartVersion === undefined) {
      return '--format helm needs --chart-version <SemVer 2 version>, e.g. --chart-version 1.2.3';
    }
    if (!SEMVER.test(String(chartVersion))) {
      return `--chart-version must be a SemVer 2 version such as 1.2.3 or 1.2.3-rc.1 (got ${JSON.stringify(chartVersion)})`;
    }
    if (stdout) {
      return '--format helm writes a chart folder; it cannot be combined with --stdout';
    }
  }
  return {
    help: argv.help === true,
    stdout,
    helm: format === 'helm' ? { chartVersion: String(chartVersion) } : undefined,
    validate: argv.validate !== false,
  };
}
