import Ajv from 'ajv';

import { CLOUD_BUILD_SCHEMA } from './cloudbuild-schema';

/**
 * Substitutions Cloud Build defines itself: for every build, for builds a trigger starts, and for pull request
 * triggers of GitHub (https://cloud.google.com/build/docs/configuring-builds/substitute-variable-values).
 */
export const BUILT_IN_SUBSTITUTIONS = [
  'PROJECT_ID', 'BUILD_ID', 'PROJECT_NUMBER', 'LOCATION',
  'TRIGGER_NAME', 'COMMIT_SHA', 'REVISION_ID', 'SHORT_SHA', 'REPO_NAME', 'REPO_FULL_NAME', 'BRANCH_NAME', 'TAG_NAME',
  'REF_NAME', 'TRIGGER_BUILD_CONFIG_PATH', 'SERVICE_ACCOUNT_EMAIL', 'SERVICE_ACCOUNT',
  '_HEAD_BRANCH', '_BASE_BRANCH', '_HEAD_REPO_URL', '_PR_NUMBER',
];

export interface BuildStep {
  readonly name: string;
  readonly id?: string;
  readonly args?: string[];
  readonly env?: string[];
  readonly waitFor?: string[];
  readonly script?: string;
  readonly secretEnv?: string[];
  readonly automapSubstitutions?: boolean;
  readonly volumes?: { name: string; path: string }[];
}

export interface BuildConfig {
  readonly steps: BuildStep[];
  readonly substitutions?: Record<string, string>;
  readonly options?: { automapSubstitutions?: boolean; secretEnv?: string[]; volumes?: { name: string }[] };
  readonly availableSecrets?: { secretManager?: { env: string }[]; inline?: { envMap: Record<string, string> }[] };
  readonly secrets?: { secretEnv: Record<string, string> }[];
  readonly images?: string[];
}

const validateSchema = new Ajv({ allErrors: true, strict: true }).compile(CLOUD_BUILD_SCHEMA);

/** `$NAME` or `${NAME...}`, the forms Cloud Build substitutes; `$$` is a literal `$`. */
const SUBSTITUTION = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)|\$([A-Za-z_][A-Za-z0-9_]*)/g;

function substitutionsIn(text: string): string[] {
  return [...text.matchAll(SUBSTITUTION)].filter(m => m[0] !== '$$').map(m => m[1] ?? m[2]);
}

/** Every string of a value, with its path; `script` fields are left out, since Cloud Build never rewrites them. */
function stringsOf(value: unknown, at: string): [string, string][] {
  if (typeof value === 'string') {
    return [[at, value]];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => stringsOf(v, `${at}/${i}`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).filter(([k]) => k !== 'script').flatMap(([k, v]) => stringsOf(v, `${at}/${k}`));
  }
  return [];
}

/**
 * The problems Cloud Build would report for a build config, or that would make it misbehave silently: the
 * documented schema, then the rules that span fields (step ids, waitFor, substitutions, secrets, volumes).
 */
export function cloudBuildProblems(config: unknown): string[] {
  if (!validateSchema(config)) {
    return (validateSchema.errors ?? []).map(e => `${e.instancePath || '/'}: ${e.message}${e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : ''}`);
  }
  const build = config as unknown as BuildConfig;
  const problems: string[] = [];
  const ids: string[] = [];
  build.steps.forEach((step, i) => {
    for (const dependency of step.waitFor ?? []) {
      if (dependency !== '-' && !ids.includes(dependency)) {
        problems.push(`/steps/${i}: waitFor '${dependency}' is not the id of an earlier step`);
      }
    }
    if (step.id !== undefined) {
      if (ids.includes(step.id)) {
        problems.push(`/steps/${i}: id '${step.id}' is used twice`);
      }
      ids.push(step.id);
    }
  });

  const declared = Object.keys(build.substitutions ?? {});
  const known = new Set([...BUILT_IN_SUBSTITUTIONS, ...declared]);
  for (const [at, text] of stringsOf(build, '')) {
    for (const name of substitutionsIn(text).filter(n => !known.has(n))) {
      problems.push(`${at}: $${name} is neither a built-in nor a declared substitution (write $$ for a shell variable)`);
    }
  }
  build.steps.forEach((step, i) => {
    // With automapSubstitutions, scripts read substitutions as environment variables; a user substitution starts with _.
    const used = substitutionsIn(step.script ?? '').filter(n => n.startsWith('_') || BUILT_IN_SUBSTITUTIONS.includes(n));
    for (const name of used.filter(n => !known.has(n))) {
      problems.push(`/steps/${i}/script: $${name} is neither a built-in nor a declared substitution`);
    }
    if (used.length > 0 && !(step.automapSubstitutions ?? build.options?.automapSubstitutions)) {
      problems.push(`/steps/${i}/script: reads substitutions (${used.join(', ')}) without automapSubstitutions, so they are unset`);
    }
  });

  const secrets = new Set([
    ...(build.availableSecrets?.secretManager ?? []).map(s => s.env),
    ...(build.availableSecrets?.inline ?? []).flatMap(s => Object.keys(s.envMap)),
    ...(build.secrets ?? []).flatMap(s => Object.keys(s.secretEnv)),
  ]);
  const secretUses: [string, string[]][] = [['/options', build.options?.secretEnv ?? []], ...build.steps.map((s, i): [string, string[]] => [`/steps/${i}`, s.secretEnv ?? []])];
  for (const [at, names] of secretUses) {
    for (const name of names.filter(n => !secrets.has(n))) {
      problems.push(`${at}/secretEnv: '${name}' is not defined in availableSecrets or secrets`);
    }
  }

  // "Each named volume must be used by at least two build steps."
  const volumeUses = new Map<string, number>();
  for (const step of build.steps) {
    for (const volume of step.volumes ?? []) {
      volumeUses.set(volume.name, (volumeUses.get(volume.name) ?? 0) + 1);
    }
  }
  for (const [name, uses] of volumeUses) {
    if (uses < 2) {
      problems.push(`volume '${name}' is used by one step only; a volume must be shared by at least two`);
    }
  }
  return problems;
}

/**
 * The ids of the steps a step waits for, directly or not. Without waitFor a step waits for every step before it;
 * `-` means it starts at once.
 */
export function stepsBefore(build: BuildConfig, id: string): Set<string> {
  const index = build.steps.findIndex(s => s.id === id);
  if (index < 0) {
    throw new Error(`no step '${id}'`);
  }
  const direct = (i: number): number[] => {
    const waitFor = build.steps[i].waitFor;
    if (waitFor === undefined) {
      return [...Array(i).keys()];
    }
    return waitFor.filter(w => w !== '-').map(w => build.steps.findIndex(s => s.id === w));
  };
  const seen = new Set<number>();
  const visit = (i: number): void => direct(i).filter(d => !seen.has(d)).forEach(d => {
    seen.add(d);
    visit(d);
  });
  visit(index);
  return new Set([...seen].map(i => build.steps[i].id ?? `#${i}`));
}
