// The output folder of `cdk8s synth` arguments, found the way the CLI finds it (scripts/synth.ts stages into a
// folder of its own and must know which folder the CLI would have replaced).
import { cliDir } from './cdk8s-synth';

type Argv = Record<string, unknown>;

/** Parses `args` the way the cdk8s CLI does (its yargs, the synth options that matter here, `CDK8S_*` variables). */
function parseLikeCli(args: string[], withEnv: boolean): Argv {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const yargs = require(require.resolve('yargs', { paths: [cliDir()] })) as (args: string[]) => YargsLike;
  const parser = yargs(args)
    .option('output', { alias: 'o' })
    .option('stdout', { type: 'boolean', alias: 'p' })
    .option('validate', { type: 'boolean' })
    .help(false)
    .version(false);
  return (withEnv ? parser.env('CDK8S') : parser).parse();
}
interface YargsLike {
  option(key: string, options: object): YargsLike;
  env(prefix: string): YargsLike;
  help(enable: boolean): YargsLike;
  version(enable: boolean): YargsLike;
  parse(): Argv;
}

/** Whether `token` is one of the forms of `-o`/`--output` that take the next argument as the value. */
const OUTPUT_THEN_VALUE = /^(?:--output|--o|-[a-zA-Z]*o)$/;
/** `--output=dir`, `--o=dir`, `-o=dir`, `-o/dir` (yargs takes a short option's value after a non-letter). */
const OUTPUT_WITH_VALUE = /^(?:--output=|--o=|-o=|-o(?=[^a-zA-Z0-9]))/;

/**
 * Splits the output folder off the arguments: the value the CLI would use (from the arguments or `CDK8S_OUTPUT`),
 * and the arguments without it, so we can hand the CLI our own `--output`. Throws when the output is given in a form
 * we cannot take out (the CLI would then see two outputs) or more than once.
 */
export function takeOutput(args: string[]): { output?: string; rest: string[] } {
  const output = parseLikeCli(args, true).output;
  if (output !== undefined && typeof output !== 'string') {
    throw new Error(`the output folder must be given once, as --output <dir> (got ${JSON.stringify(output)})`);
  }
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (OUTPUT_THEN_VALUE.test(arg)) {
      if (arg.startsWith('-') && !arg.startsWith('--') && arg.length > 2) {
        rest.push(arg.slice(0, -1)); // `-po dir`: keep `-p`
      }
      i++;
    } else if (!OUTPUT_WITH_VALUE.test(arg)) {
      rest.push(arg);
    }
  }
  if (parseLikeCli(rest, false).output !== undefined) {
    throw new Error(`cannot tell which of the arguments sets the output folder: ${args.join(' ')}; use --output <dir>`);
  }
  return { output, rest };
}

/** Whether the CLI would write to stdout instead of a folder (`--stdout`, `-p`, `CDK8S_STDOUT=true`, ...). */
export function writesToStdout(args: string[]): boolean {
  return parseLikeCli(args, true).stdout === true;
}
