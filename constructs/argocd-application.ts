import { Construct } from 'constructs';

import { Application } from './imports/argoproj.io';
import { MANAGED_BY } from './internal/labels';
import { PropProblems } from './internal/problems';
import * as rules from './kubernetes-rules';
import { closest } from './kubernetes-rules';

/** What Argo CD does on its own once the tracked revision changes or the cluster drifts. */
export interface ArgoCdAutomatedSync {
  /** Delete the objects that were removed from git. @default false */
  readonly prune?: boolean;
  /** Undo changes made in the cluster by hand, e.g. `kubectl scale` or `kubectl edit`. @default false */
  readonly selfHeal?: boolean;
}

export interface ArgoCdApplicationProps {
  /** The Application's name, shown in the Argo CD UI and CLI. @default - the construct id */
  readonly name?: string;
  /**
   * The git repository that holds the rendered manifests: `https://`, `ssh://`, `git://` or scp-like `git@host:org/repo.git`.
   * Credentials belong in an Argo CD repository Secret, not in the URL.
   */
  readonly repoUrl: string;
  /** One environment's folder in the repository, relative to its root, e.g. `dist/production`. */
  readonly path: string;
  /** The branch, tag or commit to track, e.g. the deploy branch CI commits the rendered manifests to. @default 'HEAD' */
  readonly targetRevision?: string;
  /**
   * A glob of the files in `path` to sync (`spec.source.directory.include`), so that one Application syncs one app's
   * file, e.g. `jokemeter.k8s.yaml` or `{jokemeter,models}.k8s.yaml`.
   * @default - every manifest in `path`
   */
  readonly include?: string;
  /** The namespace the manifests are applied to when they name none. */
  readonly destinationNamespace: string;
  /** The API server of the cluster to deploy to. @default 'https://kubernetes.default.svc' (the cluster Argo CD runs in) */
  readonly server?: string;
  /** The Argo CD AppProject the Application belongs to. @default 'default' */
  readonly project?: string;
  /** The namespace of the Application object itself: the one Argo CD watches. @default 'argocd' */
  readonly namespace?: string;
  /**
   * Sync automatically: `true` syncs every new revision, an object also enables pruning or self-healing.
   * @default - no automated sync: sync from the UI or with `argocd app sync`
   */
  readonly automated?: boolean | ArgoCdAutomatedSync;
}

/** The automated sync policy after defaults: both switches are explicit in the manifest. */
export interface ArgoCdResolvedAutomatedSync {
  readonly prune: boolean;
  readonly selfHeal: boolean;
}

const CONSTRUCT_TYPE = 'ArgoCdApplication';
const PROPS: readonly (keyof ArgoCdApplicationProps)[] = [
  'name', 'repoUrl', 'path', 'targetRevision', 'include', 'destinationNamespace', 'server', 'project', 'namespace', 'automated',
];
const AUTOMATED_PROPS: readonly (keyof ArgoCdAutomatedSync)[] = ['prune', 'selfHeal'];
const IN_CLUSTER_SERVER = 'https://kubernetes.default.svc';

/**
 * An Argo CD `Application` that syncs one environment's folder of rendered manifests from git into a namespace:
 * the GitOps alternative to `kubectl apply -f dist/<env>`. Pick one of the two per environment.
 */
export class ArgoCdApplication extends Construct {
  public readonly name: string;
  public readonly repoUrl: string;
  public readonly path: string;
  public readonly targetRevision: string;
  /** Undefined without the `include` prop. */
  public readonly include?: string;
  public readonly destinationNamespace: string;
  public readonly server: string;
  public readonly project: string;
  public readonly namespace: string;
  /** Undefined without automated sync. */
  public readonly automated?: ArgoCdResolvedAutomatedSync;
  /** The Application object: the escape hatch for fields without a prop (`application.addJsonPatch(...)`). */
  public readonly application: Application;

  constructor(scope: Construct, id: string, props: ArgoCdApplicationProps) {
    super(scope, id);
    const given: Partial<ArgoCdApplicationProps> = isRecord(props) ? props : {};
    this.name = given.name ?? id;
    this.repoUrl = given.repoUrl as string;
    this.path = given.path as string;
    this.targetRevision = given.targetRevision ?? 'HEAD';
    this.include = given.include;
    this.destinationNamespace = given.destinationNamespace as string;
    this.server = given.server ?? IN_CLUSTER_SERVER;
    this.project = given.project ?? 'default';
    this.namespace = given.namespace ?? 'argocd';
    this.automated = resolveAutomated(given.automated);
    checkProps(this, props);

    this.application = new Application(this, 'Resource', {
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/managed-by': MANAGED_BY },
      },
      spec: {
        project: this.project,
        source: {
          repoUrl: this.repoUrl,
          path: this.path,
          targetRevision: this.targetRevision,
          directory: this.include !== undefined ? { include: this.include } : undefined,
        },
        destination: { server: this.server, namespace: this.destinationNamespace },
        syncPolicy: this.automated ? { automated: { ...this.automated } } : undefined,
      },
    });
  }
}

function resolveAutomated(automated: ArgoCdApplicationProps['automated']): ArgoCdResolvedAutomatedSync | undefined {
  if (automated === undefined || automated === false) {
    return undefined;
  }
  const options: ArgoCdAutomatedSync = isRecord(automated) ? automated : {};
  return { prune: options.prune ?? false, selfHeal: options.selfHeal ?? false };
}

/** Checks the resolved values, so that a default (the construct id as the name) is checked as a given value is. */
function checkProps(app: ArgoCdApplication, props: ArgoCdApplicationProps): void {
  const p = new PropProblems(CONSTRUCT_TYPE, app);
  if (!isRecord(props)) {
    p.check(false, 'props', props, 'must be an object with repoUrl, path and destinationNamespace');
    return p.throwIfAny();
  }
  checkKnownKeys(p, '', props, PROPS);
  if (checkString(p, 'repoUrl', app.repoUrl, true)) {
    checkRepoUrl(p, app.repoUrl);
  }
  if (checkString(p, 'path', app.path, true)) {
    checkRepoPath(p, app.path);
  }
  if (checkString(p, 'destinationNamespace', app.destinationNamespace, true)) {
    checkDnsLabel(p, 'destinationNamespace', app.destinationNamespace);
  }
  if (checkString(p, 'name', app.name)) {
    checkName(p, app.name);
  }
  if (checkString(p, 'namespace', app.namespace)) {
    checkDnsLabel(p, 'namespace', app.namespace);
  }
  if (checkString(p, 'project', app.project)) {
    p.check(rules.isDns1123Subdomain(app.project), 'project', app.project,
      "must be the name of an AppProject: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')");
  }
  if (checkString(p, 'targetRevision', app.targetRevision)) {
    p.check(!/\s/.test(app.targetRevision), 'targetRevision', app.targetRevision, 'must be a branch, a tag or a commit, without white space');
  }
  if (checkString(p, 'server', app.server)) {
    p.check(isHttpsUrl(app.server), 'server', app.server, `must be the https:// URL of a Kubernetes API server, e.g. '${IN_CLUSTER_SERVER}'`);
  }
  if (app.include !== undefined && checkString(p, 'include', app.include)) {
    p.check(!app.include.startsWith('/'), 'include', app.include, "must be a glob relative to path, e.g. 'jokemeter.k8s.yaml'");
  }
  checkAutomated(p, props.automated);
  p.throwIfAny();
}

/** Records a problem unless the value is a non-empty string; true when it is one, to check further. */
function checkString(p: PropProblems, prop: string, value: unknown, required: boolean = false): boolean {
  if (value === undefined) {
    p.check(!required, prop, value, 'is required');
    return false;
  }
  if (typeof value !== 'string') {
    return p.check(false, prop, value, 'must be a string');
  }
  if (!p.check(value.trim().length > 0, prop, value, 'must not be empty')) {
    return false;
  }
  return p.check(value.trim() === value, prop, value, 'must not start or end with white space');
}
function checkKnownKeys(p: PropProblems, prefix: string, given: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(given)) {
    if (!known.includes(key)) {
      const suggestion = closest(key, known);
      const owner = prefix ? `an option of ${prefix.slice(0, -1)}` : `a prop of ${CONSTRUCT_TYPE}`;
      p.add(`${prefix}${key} is not ${owner}; ` + (suggestion ? `did you mean ${prefix}${suggestion}?` : `known: ${known.map(k => prefix + k).join(', ')}`));
    }
  }
}

// https://host/org/repo, ssh://[user@]host[:port]/org/repo, git://host/org/repo, or scp-like user@host:org/repo.
const URL_REPO = /^(https|ssh|git):\/\/[^\s/]+\/\S+$/;
const SCP_LIKE_REPO = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s/]\S*$/;

// A token as the user of an https URL, or a password in any URL; `ssh://git@host/...` is a plain user name.
const CREDENTIALS = /^(https:\/\/[^/@]+@|[a-z]+:\/\/[^/@:]*:[^/@]*@)/;

function checkRepoUrl(p: PropProblems, repoUrl: string): void {
  // Messages show the URL without its credentials: they end up in CI logs.
  const shown = repoUrl.replace(CREDENTIALS, match => `${match.slice(0, match.indexOf('//') + 2)}***@`);
  if (!p.check(shown === repoUrl, 'repoUrl', shown, 'must not embed credentials: add them to Argo CD as a repository Secret')) {
    return;
  }
  p.check(URL_REPO.test(repoUrl) || SCP_LIKE_REPO.test(repoUrl), 'repoUrl', repoUrl,
    "must be a git repository URL: https://, ssh://, git:// or scp-like 'git@github.com:org/repo.git'");
}

function checkRepoPath(p: PropProblems, path: string): void {
  p.check(!path.startsWith('/'), 'path', path, "must be relative to the repository root, e.g. 'dist/production'");
  p.check(!path.split(/[/\\]/).includes('..'), 'path', path, "must not contain '..': Argo CD reads only inside the repository");
  p.check(!path.includes('\\'), 'path', path, "must separate folders with '/'");
}

function checkDnsLabel(p: PropProblems, prop: string, value: string): void {
  p.check(rules.isDns1123Label(value), prop, value,
    `must be a DNS-1123 label (lowercase letters, digits and '-', at most ${rules.DNS_LABEL_MAX} characters)`);
}

function checkName(p: PropProblems, name: string): void {
  // Argo CD tracks resources with a label whose value is the Application name, so it must fit a label value too.
  p.check(rules.isDns1123Subdomain(name) && name.length <= rules.DNS_LABEL_MAX, 'name', name,
    `must be a DNS-1123 subdomain of at most ${rules.DNS_LABEL_MAX} characters (lowercase letters, digits, '-' and '.')`);
}

function checkAutomated(p: PropProblems, automated: unknown): void {
  if (automated === undefined || typeof automated === 'boolean') {
    return;
  }
  if (!isRecord(automated)) {
    p.check(false, 'automated', automated, 'must be true, false or { prune?, selfHeal? }');
    return;
  }
  checkKnownKeys(p, 'automated.', automated, AUTOMATED_PROPS);
  for (const prop of AUTOMATED_PROPS) {
    const value = automated[prop];
    p.check(value === undefined || typeof value === 'boolean', `automated.${prop}`, value, 'must be true or false');
  }
}

function isHttpsUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.username === '' && url.password === '' && !/\s/.test(value);
  } catch {
    return false;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
