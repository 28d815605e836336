import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';

import { BuildConfig, BuildStep, cloudBuildProblems, stepsBefore } from './ci/cloudbuild';
import { git, runScript, tempDir } from './ci/shell';

const FILE = path.join(__dirname, '..', 'examples', 'ci', 'cloudbuild.yaml');
const text = fs.readFileSync(FILE, 'utf8');
const build: BuildConfig = parse(text);
const IMAGE = 'gcr.io/$PROJECT_ID/purchase-predict-api:$SHORT_SHA';

function step(id: string): BuildStep {
  return build.steps[at(id)];
}

/** The index of a step, for the paths of the problems reported. */
function at(id: string): number {
  const index = build.steps.findIndex(s => s.id === id);
  if (index < 0) {
    throw new Error(`no step '${id}'`);
  }
  return index;
}

/** The file with one change, made on a copy. */
function changed(change: (copy: any) => void): unknown {
  const copy = structuredClone(build);
  change(copy);
  return copy;
}

describe('validation against the documented build config', () => {
  test('the file has only documented fields, and its steps, substitutions and secrets fit together', () => {
    expect(cloudBuildProblems(build)).toEqual([]);
  });

  test.each<[string, (copy: any) => void, string]>([
    ['an unknown field', c => { c.step = c.steps; }, "/: must NOT have additional properties 'step'"],
    ['an unknown step field', c => { c.steps[at('change-cause')].command = 'git'; }, `/steps/${at('change-cause')}: must NOT have additional properties 'command'`],
    ['a step without a name', c => { delete c.steps[at('npm-ci')].name; }, `/steps/${at('npm-ci')}: must have required property 'name'`],
    ['script with args', c => { c.steps[at('npm-ci')].args = ['ci']; }, `/steps/${at('npm-ci')}/args: boolean schema is false`],
    ['script with an entrypoint', c => { c.steps[at('npm-ci')].entrypoint = 'npm'; }, `/steps/${at('npm-ci')}/entrypoint: boolean schema is false`],
    ['a timeout in minutes', c => { c.timeout = '30m'; }, '/timeout: must match pattern "^[0-9]+(\\.[0-9]{1,9})?s$"'],
    ['an unknown machine type', c => { c.options.machineType = 'E2_HUGE'; }, '/options/machineType: must be equal to one of the allowed values'],
    ['an env entry without =', c => { c.steps[at('synth')].env.push('DEBUG'); }, `/steps/${at('synth')}/env/3: must match pattern "^[^=]+="`],
    ['a user substitution without _', c => { c.substitutions.GKE_CLUSTER = 'x'; }, '/substitutions: property name must be valid'],
  ])('rejects %s', (_, change, problem) => {
    expect(cloudBuildProblems(changed(change))).toContain(problem);
  });

  test.each<[string, (copy: any) => void, string]>([
    ['a waitFor naming no earlier step', c => { c.steps[at('npm-test')].waitFor = ['npm-install']; },
      `/steps/${at('npm-test')}: waitFor 'npm-install' is not the id of an earlier step`],
    ['a waitFor naming a later step', c => { c.steps[at('npm-test')].waitFor = ['synth']; }, `/steps/${at('npm-test')}: waitFor 'synth' is not the id of an earlier step`],
    ['a step id used twice', c => { c.steps[at('npm-test')].id = 'npm-ci'; }, `/steps/${at('npm-test')}: id 'npm-ci' is used twice`],
    ['a misspelt substitution in args', c => { c.steps[at('image-build')].args[2] = 'gcr.io/$PROJECT_ID/purchase-predict-api:$SHORT_SH'; },
      `/steps/${at('image-build')}/args/2: $SHORT_SH is neither a built-in nor a declared substitution (write $$ for a shell variable)`],
    ['a misspelt substitution in a script', c => { c.steps[at('kubectl')].script = c.steps[at('kubectl')].script.replace('$_GKE_CLUSTER', '$_GKE_CLUSTR'); },
      `/steps/${at('kubectl')}/script: $_GKE_CLUSTR is neither a built-in nor a declared substitution`],
    ['scripts reading substitutions without automapSubstitutions', c => { delete c.options.automapSubstitutions; },
      `/steps/${at('kubectl')}/script: reads substitutions (_PRODUCTION_OWNER, _PRODUCTION_OWNER, _GKE_CLUSTER, _GKE_LOCATION, PROJECT_ID, _PR_NUMBER, BRANCH_NAME, _DEPLOY_BRANCH, _PRODUCTION_OWNER) without automapSubstitutions, so they are unset`],
    ['an undefined secret', c => { c.steps[at('kubectl')].secretEnv = ['KUBECONFIG_DATA']; },
      `/steps/${at('kubectl')}/secretEnv: 'KUBECONFIG_DATA' is not defined in availableSecrets or secrets`],
    ['a volume of one step', c => { c.steps[at('image-build')].volumes[0].name = 'context'; }, "volume 'context' is used by one step only; a volume must be shared by at least two"],
  ])('rejects %s', (_, change, problem) => {
    expect(cloudBuildProblems(changed(change))).toContain(problem);
  });

  test('accepts the documented secrets and volumes when they are used as documented', () => {
    expect(cloudBuildProblems(changed(c => {
      c.availableSecrets = { secretManager: [{ versionName: 'projects/$PROJECT_ID/secrets/kubeconfig/versions/latest', env: 'KUBECONFIG_DATA' }] };
      c.steps[at('kubectl')].secretEnv = ['KUBECONFIG_DATA'];
      c.steps[at('image-push')].volumes = [{ name: 'kube', path: '/kube' }];
      c.steps[at('kubectl')].volumes = [{ name: 'kube', path: '/kube' }];
    }))).toEqual([]);
  });
});

describe('the image', () => {
  test('is built and pushed as the purchase-predict API image tagged with the 7-character commit SHA', () => {
    // $SHORT_SHA is Cloud Build's "first seven characters of COMMIT_SHA".
    expect(step('image-build').name).toBe('gcr.io/cloud-builders/docker');
    expect(step('image-build').args).toEqual(['build', '--tag', IMAGE, '/image-context']);
    expect(step('image-push').args).toEqual(['push', IMAGE]);
    expect(build.images).toEqual([IMAGE]);
  });

  test('is built from a copy of the source made before any step writes to the workspace', () => {
    const context = { name: 'image-context', path: '/image-context' };
    expect(step('image-context')).toMatchObject({ waitFor: ['-'], volumes: [context], script: 'cp -a /workspace/. /image-context/' });
    expect(step('image-build').volumes).toEqual([context]);
    // Every other step starts after the copy, the build included.
    for (const other of build.steps.filter(s => s.id !== 'image-context')) {
      expect({ id: other.id, after: stepsBefore(build, other.id!).has('image-context') }).toEqual({ id: other.id, after: true });
    }
  });

  test('is pushed only after the check passed, and before kubectl runs', () => {
    expect(stepsBefore(build, 'image-push')).toEqual(new Set(['image-build', 'check', 'synth', 'npm-test', 'npm-ci', 'change-cause', 'image-context']));
    expect(stepsBefore(build, 'kubectl')).toContain('image-push');
  });
});

describe('tests, synth and check', () => {
  test('the npm steps run in the full Node.js image, which has the git and bash the tests use', () => {
    const npmSteps = build.steps.filter(s => /\b(npm|npx) /.test(`${s.script} `));
    expect(npmSteps.map(s => s.id)).toEqual(['npm-ci', 'npm-test', 'synth', 'check']);
    expect(new Set(npmSteps.map(s => s.name))).toEqual(new Set(['node:24-bookworm']));
  });

  test('npm ci, then npm test, then the synth, then the check', () => {
    expect(step('npm-ci').script).toBe('npm ci');
    expect(step('npm-test').script).toBe('npm test');
    expect(step('npm-test').waitFor).toEqual(['npm-ci']);
    expect(stepsBefore(build, 'synth')).toEqual(new Set(['npm-test', 'npm-ci', 'change-cause', 'image-context']));
    expect(stepsBefore(build, 'check')).toContain('synth');
  });

  test('the synth gets IMAGE_TAG=$SHORT_SHA under CI, and the commit subject as CHANGE_CAUSE', () => {
    expect(step('synth').env).toEqual(['CI=true', 'IMAGE_TAG=$SHORT_SHA', 'GCP_PROJECT=$PROJECT_ID']);
    const workspace = tempDir('synth');
    fs.writeFileSync(path.join(workspace, 'change-cause.txt'), 'Serve jokemeter tr at 10%\n');
    const script = step('synth').script!.replace(/\/workspace\//g, `${workspace}/`);
    const run = runScript(script, {
      shell: ['bash'], cwd: workspace, env: { IMAGE_TAG: '3f2a9c1' },
      fakes: { npm: 'echo "IMAGE_TAG=$IMAGE_TAG CHANGE_CAUSE=$CHANGE_CAUSE"' },
    });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['npm run synth']);
    expect(run.stdout).toBe('IMAGE_TAG=3f2a9c1 CHANGE_CAUSE=Serve jokemeter tr at 10%\n');
  });

  test('the checker runs in strict mode on the production folder', () => {
    const check = step('check').script!.split(' ');
    expect(check).toEqual(['npx', '--no', 'cdk8s-model-serving', 'check', '--strict', '--complete', 'dist/production']);
  });
});

describe('the change cause', () => {
  const repo = tempDir('change-cause');
  git(repo, 'init', '-q');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'Serve jokemeter tr at 10%');
  const sha = git(repo, 'rev-parse', 'HEAD');

  function runChangeCause(cwd: string, env: Record<string, string>) {
    const script = step('change-cause').script!.replace(/\/workspace\//g, `${cwd}/`);
    const run = runScript(script, { shell: ['bash'], cwd, env });
    const file = path.join(cwd, 'change-cause.txt');
    return { ...run, cause: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined };
  }

  test('is the subject of the commit', () => {
    expect(runChangeCause(repo, { COMMIT_SHA: sha, SHORT_SHA: sha.slice(0, 7) })).toMatchObject({ status: 0, cause: 'Serve jokemeter tr at 10%\n' });
  });

  test('names the commit when the source came without its history', () => {
    const noHistory = tempDir('no-history');
    expect(runChangeCause(noHistory, { COMMIT_SHA: sha, SHORT_SHA: sha.slice(0, 7) })).toMatchObject({ status: 0, cause: `commit ${sha.slice(0, 7)}\n` });
  });

  test('a build without a commit (no SHORT_SHA) stops here, before any tag could be made up', () => {
    const run = runChangeCause(tempDir('no-sha'), {});
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SHORT_SHA is empty: run this file from a trigger, which builds one commit');
  });
});

describe('kubectl: diff on pull requests, apply on main', () => {
  const workspace = tempDir('kubectl');
  const substitutions = { ...build.substitutions, PROJECT_ID: 'my-gcp-project' };
  const PULL_REQUEST = { ...substitutions, BRANCH_NAME: 'feature', _PR_NUMBER: '12', _BASE_BRANCH: 'main' };
  const MAIN = { ...substitutions, BRANCH_NAME: 'main' };

  function runKubectl(env: Record<string, string>, diffStatus = 0) {
    return runScript(step('kubectl').script!, {
      shell: ['bash'], cwd: workspace, env,
      fakes: {
        gcloud: '',
        kubectl: `case "$1" in diff) echo '+  replicas: 3'; exit ${diffStatus} ;; get) printf 'api-purchase purchase-predict\\n' ;; esac`,
      },
    });
  }

  const getCredentials = 'gcloud container clusters get-credentials purchase-predict --location europe-west1 --project my-gcp-project';

  test('runs in the kubectl builder, whose image has gcloud for the cluster credentials', () => {
    expect(step('kubectl').name).toBe('gcr.io/cloud-builders/kubectl');
    expect(build.options?.automapSubstitutions).toBe(true);
  });

  test('a pull request diffs dist/production and applies nothing', () => {
    const run = runKubectl(PULL_REQUEST);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([getCredentials, 'kubectl diff -f dist/production']);
  });

  test('differences (exit status 1) pass; a failed diff (exit status 2) fails the build', () => {
    expect(runKubectl(PULL_REQUEST, 1)).toMatchObject({ status: 0, stdout: expect.stringContaining('Differences between production and dist/production') });
    const failed = runKubectl(PULL_REQUEST, 2);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain('kubectl diff failed with exit status 2');
  });

  test('a pull request whose head branch is named main still only diffs', () => {
    expect(runKubectl({ ...PULL_REQUEST, BRANCH_NAME: 'main' }).calls).toEqual([getCredentials, 'kubectl diff -f dist/production']);
  });

  test('a push to main applies dist/production and waits for each Deployment', () => {
    const run = runKubectl(MAIN);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      getCredentials,
      'kubectl apply -f dist/production',
      expect.stringMatching(/^kubectl get -f dist\/production -o jsonpath=/),
      'kubectl rollout status deployment/purchase-predict --namespace api-purchase --timeout=10m',
    ]);
  });

  test('a push to another branch only diffs', () => {
    expect(runKubectl({ ...MAIN, BRANCH_NAME: 'release' }).calls).toEqual([getCredentials, 'kubectl diff -f dist/production']);
  });

  test('when Argo CD owns production, main only diffs: one owner per environment', () => {
    expect(runKubectl({ ...MAIN, _PRODUCTION_OWNER: 'argocd' }).calls).toEqual([getCredentials, 'kubectl diff -f dist/production']);
  });

  test('an unknown owner fails the build before it touches the cluster', () => {
    const run = runKubectl({ ...MAIN, _PRODUCTION_OWNER: 'flux' });
    expect(run.status).toBe(1);
    expect(run.calls).toEqual([]);
    expect(run.stderr).toContain("_PRODUCTION_OWNER must be kubectl or argocd, not 'flux'");
  });
});
