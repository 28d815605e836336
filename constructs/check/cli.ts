import { groupByEnvironment } from '../kubernetes-rules';
import { checkManifests, summarize } from './check';
import { ManifestObject } from './findings';
import { formatGithub, formatJson, formatText } from './format';
import { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, kubernetesVersionOf, unsupportedKubernetesVersion } from './kubernetes-versions';
import { loadCustomResourceDefinitions, loadManifests, LoadResult, STDIN } from './load';
import { RULES } from './rules';
import { append, appendAll } from './util';

/** Exit status: nothing failed. */
export const EXIT_OK = 0;
/** Exit status: errors were found (or warnings, in strict mode). */
export const EXIT_FINDINGS = 1;
/** Exit status: the command line is wrong, a file cannot be read, or nothing was checked. */
export const EXIT_USAGE = 2;

export const USAGE = `Usage: cdk8s-model-serving check <files or folders...> [--format text|json|github] [--strict] [--complete] [--crd <file>]...
                                  [--kubernetes-version <version>]
       cdk8s-model-serving rules

Checks Kubernetes YAML against the schema of a Kubernetes version, the wiring between objects,
runtime traps and policy (Pod Security restricted, pinned images, requests, probes).
Folders are read recursively (*.yaml, *.yml); - reads the standard input
(helm template ... | cdk8s-model-serving check -).

  --format text|json|github
                      output for people (default), machines, or GitHub Actions annotations
  --strict            warnings fail the check too (--strict=false: they do not)
  --complete          the files hold everything deployed together: a Service, Ingress, HTTPRoute,
                      autoscaler, disruption budget or ServiceMonitor whose target is not among
                      them is an error, not a warning (--complete=false: a warning)
  --crd <file>        CustomResourceDefinitions to check custom resources with
  --kubernetes-version <version>
                      the Kubernetes API to check against: ${KUBERNETES_VERSIONS.join(', ')}
                      (default ${DEFAULT_KUBERNETES_VERSION}; v1.30 and 1.30.4 mean 1.30)

The rules command lists every rule id with its severity and what it checks.

Info findings (Secrets, ConfigMaps, ServiceAccounts, claims, PriorityClasses that must exist
before apply) never fail the check.

Exit status: 0 passed, 1 findings fail the check, 2 usage error, unreadable file or --crd file,
or nothing to check (empty standard input, a folder without manifests).
Waive a warning (a policy rule, runtime/read-only-root-tmp) on one object with the annotation
  model-serving.cdk8s.io/waive.<rule id, "/" written as ".">: "<reason>"
or, for a rule about volumes, on some volumes only: "volumes=<name>,<name>; <reason>"
`;

/**
 * Where the command writes.
 */
export interface CliOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const FORMATS = ['text', 'json', 'github'] as const;
type Format = typeof FORMATS[number];

interface CheckCommand {
  readonly paths: string[];
  readonly format: Format;
  readonly strict: boolean;
  readonly complete: boolean;
  readonly crds: string[];
  readonly kubernetesVersion: string;
}

/**
 * Runs the command line (without `node` and the script) and returns the exit status.
 */
export function runCli(args: readonly string[], out: CliOutput = defaultOutput()): number {
  const [command, ...rest] = args;
  if (command === '--help' || command === '-h' || command === 'help') {
    out.stdout(USAGE);
    return EXIT_OK;
  }
  if (command === 'rules') {
    out.stdout(formatRules());
    return EXIT_OK;
  }
  if (command !== 'check') {
    out.stderr(`${command === undefined ? 'missing command' : `unknown command "${command}"`}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const parsed = parseCheckArgs(rest);
  if (parsed === 'help') {
    out.stdout(USAGE);
    return EXIT_OK;
  }
  if (typeof parsed === 'string') {
    out.stderr(`${parsed}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const crds = loadCustomResourceDefinitions(parsed.crds);
  const loaded = loadManifests(parsed.paths);
  const problems = [...crds.problems, ...loaded.unreadable.map(u => `${u.file}: ${u.message}`)];
  if (problems.length > 0) {
    for (const problem of problems) {
      out.stderr(`cannot read ${problem}\n`);
    }
    return EXIT_USAGE;
  }
  const nothing = nothingChecked(loaded, parsed.paths);
  if (nothing.length > 0) {
    for (const message of nothing) {
      out.stderr(`nothing was checked: ${message}\n`);
    }
    return EXIT_USAGE;
  }
  const findings = [...loaded.findings];
  // As the validation plugin does: each environment folder of a synth (dist/<env>/) is applied, so checked, on its own.
  for (const items of itemsByEnvironment(loaded.items)) {
    appendAll(findings, checkManifests(items, {
      strict: parsed.strict, complete: parsed.complete, customResourceDefinitions: crds.definitions, kubernetesVersion: parsed.kubernetesVersion,
    }));
  }
  const summary = summarize(findings, parsed.strict);
  const formats: Record<Format, () => string> = {
    text: () => formatText(findings, summary, loaded.items.length, loaded.files),
    json: () => formatJson(findings, summary, loaded.items.length),
    github: () => formatGithub(findings, summary, loaded.items.length),
  };
  const text = formats[parsed.format]();
  out.stdout(text);
  return summary.passed ? EXIT_OK : EXIT_FINDINGS;
}

/** The checked objects in the sets they are applied as: one per environment folder, one of all other files, then stdin. */
function itemsByEnvironment(items: readonly ManifestObject[]): ManifestObject[][] {
  const files = [...new Set(items.flatMap(i => (i.file !== undefined && i.file !== STDIN ? [i.file] : [])))];
  const setOf = new Map<string, number>();
  groupByEnvironment(files).forEach((group, i) => group.forEach(file => setOf.set(file, i)));
  const sets = new Map<number, ManifestObject[]>();
  for (const item of items) {
    append(sets, setOf.get(item.file ?? STDIN) ?? -1, item);
  }
  return [...sets.values()];
}

/**
 * Why a check would check nothing: the standard input or a folder gave no object, or no input did. A check of nothing
 * must not pass, as a failed `helm template | check -` would then pass in CI.
 */
function nothingChecked(loaded: LoadResult, paths: readonly string[]): string[] {
  if (loaded.empty.length > 0) {
    return loaded.empty.map(e => e.message);
  }
  if (loaded.items.length === 0 && loaded.findings.length === 0) {
    const shown = paths.length > 3 ? `${paths.slice(0, 3).join(', ')} and ${paths.length - 3} more` : paths.join(', ');
    return [`no Kubernetes objects in ${shown}`];
  }
  return [];
}

function parseCheckArgs(args: readonly string[]): CheckCommand | string {
  const paths: string[] = [];
  const crds: string[] = [];
  let format: Format = 'text';
  let strict = false;
  let complete = false;
  let kubernetesVersion: string = DEFAULT_KUBERNETES_VERSION;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--help' || flag === '-h') {
      return 'help';
    } else if (flag === '--strict' || flag === '--complete') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        return `${flag} takes no value, or "true" or "false", got "${inline}"`;
      }
      if (flag === '--strict') {
        strict = inline !== 'false';
      } else {
        complete = inline !== 'false';
      }
    } else if (flag === '--format') {
      const v = value();
      if (!FORMATS.includes(v as Format)) {
        return `--format must be "text", "json" or "github", got ${v === undefined ? 'nothing' : `"${v}"`}`;
      }
      format = v as Format;
    } else if (flag === '--crd') {
      const v = value();
      if (v === undefined) {
        return '--crd needs a file';
      }
      crds.push(v);
    } else if (flag === '--kubernetes-version') {
      const v = value();
      const version = kubernetesVersionOf(v);
      if (!version) {
        return unsupportedKubernetesVersion('--kubernetes-version', v);
      }
      kubernetesVersion = version;
    } else if (flag === '--') {
      appendAll(paths, args.slice(i + 1));
      break;
    } else if (flag.startsWith('-') && flag !== '-') {
      return `unknown option "${arg}"`;
    } else {
      paths.push(arg);
    }
  }
  if (paths.length === 0) {
    return 'check needs at least one file or folder';
  }
  return { paths, format, strict, complete, crds, kubernetesVersion };
}

/**
 * Every rule, one a line: id, severity (warnings are errors in strict mode; info never fails) and description.
 */
export function formatRules(): string {
  const width = RULES.reduce((max, r) => Math.max(max, r.id.length), 0);
  return RULES.map(r => `${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.description}`).join('\n') + '\n';
}

function defaultOutput(): CliOutput {
  return { stdout: text => process.stdout.write(text), stderr: text => process.stderr.write(text) };
}
