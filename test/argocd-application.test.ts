import { JsonPatch } from 'cdk8s';

import { ArgoCdApplication, ArgoCdApplicationProps, InvalidPropsError } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { expectValidCustomResources } from './custom-resources';
import { errorOf, synth, testChart } from './util';

const REPO = 'https://github.com/example/models.git';
const REQUIRED: ArgoCdApplicationProps = { repoUrl: REPO, path: 'dist/production', destinationNamespace: 'ml' };

/** The message of constructing an Application with these props, as a JavaScript caller may pass them. */
function problemOf(props: unknown, id = 'jokemeter'): string {
  return errorOf(() => new ArgoCdApplication(testChart(), id, props as ArgoCdApplicationProps));
}

describe('defaults', () => {
  const objects = synth(chart => new ArgoCdApplication(chart, 'jokemeter', REQUIRED));
  const [application] = objects;

  test('emit one Application named after the construct id, in the argocd namespace', () => {
    expect(objects).toHaveLength(1);
    expect(application.apiVersion).toBe('argoproj.io/v1alpha1');
    expect(application.kind).toBe('Application');
    expect(application.metadata).toEqual({
      name: 'jokemeter',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/name': 'jokemeter', 'app.kubernetes.io/managed-by': 'cdk8s-model-serving' },
    });
    expect(objects).toMatchSnapshot();
  });

  test('track HEAD of the folder in the default project, and deploy to the cluster Argo CD runs in', () => {
    expect(application.spec).toEqual({
      project: 'default',
      source: { repoURL: REPO, path: 'dist/production', targetRevision: 'HEAD' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'ml' },
    });
  });

  test('sync by hand: no automated sync policy', () => {
    expect(application.spec.syncPolicy).toBeUndefined();
  });

  test('are valid for the Argo CD Application CRD and pass the checker', () => {
    expectValidCustomResources(objects, ['Application']);
    expect(checkObjects(objects)).toEqual([]);
  });
});

describe('every prop', () => {
  const props: ArgoCdApplicationProps = {
    name: 'jokemeter-production',
    repoUrl: 'git@github.com:example/models.git',
    path: 'dist/production',
    targetRevision: 'deploy/production',
    include: '{jokemeter,models}.k8s.yaml',
    destinationNamespace: 'ml-production',
    server: 'https://prod.k8s.example.com:6443',
    project: 'models',
    namespace: 'gitops',
    automated: { prune: true, selfHeal: true },
  };
  let app!: ArgoCdApplication;
  const objects = synth(chart => { app = new ArgoCdApplication(chart, 'jokemeter', props); });
  const [application] = objects;

  test('render into the Application', () => {
    expect(application.metadata).toMatchObject({ name: 'jokemeter-production', namespace: 'gitops' });
    expect(application.spec).toEqual({
      project: 'models',
      source: {
        repoURL: 'git@github.com:example/models.git',
        path: 'dist/production',
        targetRevision: 'deploy/production',
        directory: { include: '{jokemeter,models}.k8s.yaml' },
      },
      destination: { server: 'https://prod.k8s.example.com:6443', namespace: 'ml-production' },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    });
    expect(objects).toMatchSnapshot();
    expectValidCustomResources(objects, ['Application']);
  });

  test('are exposed as resolved fields, with the Application as the default child', () => {
    expect(app.name).toBe('jokemeter-production');
    expect(app.targetRevision).toBe('deploy/production');
    expect(app.include).toBe('{jokemeter,models}.k8s.yaml');
    expect(app.automated).toEqual({ prune: true, selfHeal: true });
    expect(app.node.defaultChild).toBe(app.application);
  });
});

describe('automated sync', () => {
  const syncPolicyOf = (automated: ArgoCdApplicationProps['automated']) =>
    synth(chart => new ArgoCdApplication(chart, 'jokemeter', { ...REQUIRED, automated }))[0].spec.syncPolicy;

  test('true syncs every revision, without pruning or self-healing unless asked', () => {
    expect(syncPolicyOf(true)).toEqual({ automated: { prune: false, selfHeal: false } });
    expect(syncPolicyOf({ selfHeal: true })).toEqual({ automated: { prune: false, selfHeal: true } });
  });

  test('false is the default: no sync policy', () => {
    expect(syncPolicyOf(false)).toBeUndefined();
  });

  test('the resolved policy is a field', () => {
    const app = new ArgoCdApplication(testChart(), 'jokemeter', { ...REQUIRED, automated: true });
    expect(app.automated).toEqual({ prune: false, selfHeal: false });
  });
});

test('the escape hatch reaches fields without a prop', () => {
  const objects = synth(chart => {
    const app = new ArgoCdApplication(chart, 'jokemeter', REQUIRED);
    app.application.addJsonPatch(JsonPatch.add('/spec/syncPolicy', { syncOptions: ['ServerSideApply=true'] }));
  });
  expect(objects[0].spec.syncPolicy).toEqual({ syncOptions: ['ServerSideApply=true'] });
  expectValidCustomResources(objects, ['Application']);
});

describe('bad props', () => {
  test('throw InvalidPropsError naming the construct, the prop and the rule', () => {
    const bad = { ...REQUIRED, path: '/dist/production' };
    expect(() => new ArgoCdApplication(testChart(), 'jokemeter', bad)).toThrow(InvalidPropsError);
    expect(problemOf(bad)).toBe("ArgoCdApplication 'test/jokemeter': path '/dist/production' must be relative to the repository root, e.g. 'dist/production'");
  });

  test('list every problem at once', () => {
    expect(problemOf({ repoUrl: 'http://github.com/example/models', path: 'dist/../secrets', destinationNamespace: 'ML' })).toBe([
      "ArgoCdApplication 'test/jokemeter' has 3 invalid props:",
      "  - repoUrl 'http://github.com/example/models' must be a git repository URL: https://, ssh://, git:// or scp-like 'git@github.com:org/repo.git'",
      "  - path 'dist/../secrets' must not contain '..': Argo CD reads only inside the repository",
      "  - destinationNamespace 'ML' must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)",
    ].join('\n'));
  });

  test('missing required props, also from JavaScript callers that pass nothing', () => {
    expect(problemOf(undefined)).toBe("ArgoCdApplication 'test/jokemeter': props (unset) must be an object with repoUrl, path and destinationNamespace");
    expect(problemOf('dist/production')).toBe(
      "ArgoCdApplication 'test/jokemeter': props 'dist/production' must be an object with repoUrl, path and destinationNamespace");
    expect(problemOf({})).toBe([
      "ArgoCdApplication 'test/jokemeter' has 3 invalid props:",
      '  - repoUrl (unset) is required',
      '  - path (unset) is required',
      '  - destinationNamespace (unset) is required',
    ].join('\n'));
  });

  test('unknown props, with the prop probably meant', () => {
    expect(problemOf({ ...REQUIRED, repoURL: REPO, targetrevision: 'main' })).toBe([
      "ArgoCdApplication 'test/jokemeter' has 2 invalid props:",
      '  - repoURL is not a prop of ArgoCdApplication; did you mean repoUrl?',
      '  - targetrevision is not a prop of ArgoCdApplication; did you mean targetRevision?',
    ].join('\n'));
    expect(problemOf({ ...REQUIRED, automated: { prune: true, selfheal: true } }))
      .toBe("ArgoCdApplication 'test/jokemeter': automated.selfheal is not an option of automated; did you mean automated.selfHeal?");
    expect(problemOf({ ...REQUIRED, finalizers: [] })).toBe("ArgoCdApplication 'test/jokemeter': finalizers is not a prop of ArgoCdApplication; "
      + 'known: name, repoUrl, path, targetRevision, include, destinationNamespace, server, project, namespace, automated');
  });

  test('wrong types and empty strings', () => {
    expect(problemOf({ ...REQUIRED, name: 42, targetRevision: '', include: ['a.yaml'], automated: 'yes' })).toBe([
      "ArgoCdApplication 'test/jokemeter' has 4 invalid props:",
      '  - name 42 must be a string',
      "  - targetRevision '' must not be empty",
      '  - include ["a.yaml"] must be a string',
      "  - automated 'yes' must be true, false or { prune?, selfHeal? }",
    ].join('\n'));
    expect(problemOf({ ...REQUIRED, automated: { prune: 'yes' } })).toBe("ArgoCdApplication 'test/jokemeter': automated.prune 'yes' must be true or false");
    expect(problemOf({ ...REQUIRED, destinationNamespace: ' ' })).toBe("ArgoCdApplication 'test/jokemeter': destinationNamespace ' ' must not be empty");
    expect(problemOf({ ...REQUIRED, path: 'dist/production ' }))
      .toBe("ArgoCdApplication 'test/jokemeter': path 'dist/production ' must not start or end with white space");
  });

  test('invalid names and namespaces, including a name taken from the construct id', () => {
    expect(problemOf(REQUIRED, 'Jokemeter')).toBe("ArgoCdApplication 'test/Jokemeter': name 'Jokemeter' must be a DNS-1123 subdomain "
      + "of at most 63 characters (lowercase letters, digits, '-' and '.')");
    expect(problemOf({ ...REQUIRED, name: 'a'.repeat(64) })).toContain(`name '${'a'.repeat(64)}' must be a DNS-1123 subdomain of at most 63 characters`);
    expect(problemOf({ ...REQUIRED, namespace: 'argo.cd' })).toBe("ArgoCdApplication 'test/jokemeter': namespace 'argo.cd' must be a DNS-1123 label "
      + "(lowercase letters, digits and '-', at most 63 characters)");
    expect(problemOf({ ...REQUIRED, project: 'My Project' })).toBe("ArgoCdApplication 'test/jokemeter': project 'My Project' must be the name of "
      + "an AppProject: a DNS-1123 subdomain (lowercase letters, digits, '-' and '.')");
  });

  test('paths outside the repository', () => {
    expect(problemOf({ ...REQUIRED, path: '/srv/dist' })).toBe("ArgoCdApplication 'test/jokemeter': path '/srv/dist' must be relative to the repository "
      + "root, e.g. 'dist/production'");
    expect(problemOf({ ...REQUIRED, path: '..' })).toBe("ArgoCdApplication 'test/jokemeter': path '..' must not contain '..': Argo CD reads only inside the repository");
    expect(problemOf({ ...REQUIRED, path: 'dist\\production' })).toBe("ArgoCdApplication 'test/jokemeter': path 'dist\\production' must separate folders with '/'");
  });

  test('repository URLs that are not https, ssh or git, and URLs with credentials, which the message never shows', () => {
    for (const repoUrl of ['https://github.com/example/models', 'ssh://git@github.com/example/models.git', 'git://example.com/models.git',
      'git@github.com:example/models.git']) {
      expect(() => new ArgoCdApplication(testChart(), 'jokemeter', { ...REQUIRED, repoUrl })).not.toThrow();
    }
    for (const repoUrl of ['http://github.com/example/models', 'file:///srv/models', 'github.com/example/models', 'https://github.com']) {
      expect(problemOf({ ...REQUIRED, repoUrl })).toContain(`repoUrl '${repoUrl}' must be a git repository URL`);
    }
    expect(problemOf({ ...REQUIRED, repoUrl: 'https://ghp_secret@github.com/example/models.git' })).toBe("ArgoCdApplication 'test/jokemeter': "
      + "repoUrl 'https://***@github.com/example/models.git' must not embed credentials: add them to Argo CD as a repository Secret");
    expect(problemOf({ ...REQUIRED, repoUrl: 'ssh://git:hunter2@example.com/models.git' })).not.toContain('hunter2');
  });

  test('servers that are not https API URLs, and revisions and globs that cannot match', () => {
    expect(problemOf({ ...REQUIRED, server: 'kubernetes.default.svc' })).toBe("ArgoCdApplication 'test/jokemeter': server 'kubernetes.default.svc' "
      + "must be the https:// URL of a Kubernetes API server, e.g. 'https://kubernetes.default.svc'");
    expect(problemOf({ ...REQUIRED, targetRevision: 'main branch' })).toBe("ArgoCdApplication 'test/jokemeter': targetRevision 'main branch' "
      + 'must be a branch, a tag or a commit, without white space');
    expect(problemOf({ ...REQUIRED, include: '/jokemeter.k8s.yaml' })).toBe("ArgoCdApplication 'test/jokemeter': include '/jokemeter.k8s.yaml' "
      + "must be a glob relative to path, e.g. 'jokemeter.k8s.yaml'");
  });
});
