import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';

import { expressionsHold, workflowErrors } from './ci/github-actions';
import { git, runScript, tempDir } from './ci/shell';

const FILE = path.join(__dirname, '..', 'examples', 'ci', 'github-workflow.yml');
const text = fs.readFileSync(FILE, 'utf8');
const workflow = parse(text);
const jobs: Record<string, any> = workflow.jobs;

/** GitHub's `shell: bash`, which the workflow sets as its default. */
const GITHUB_BASH = ['bash', '--noprofile', '--norc', '-eo', 'pipefail'];

function step(job: string, id: string): any {
  const found = jobs[job].steps.find((s: any) => s.id === id);
  if (!found) {
    throw new Error(`no step '${id}' in job '${job}'`);
  }
  return found;
}

function stepUsing(job: string, action: string): any {
  const found = jobs[job].steps.filter((s: any) => s.uses?.startsWith(`${action}@`));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('validation', () => {
  test('GitHub\'s own workflow parser accepts the workflow', () => {
    expect(workflowErrors({ 'github-workflow.yml': text })).toEqual({ 'github-workflow.yml': [] });
  });

  test('the parser rejects broken variants of it, so the check above can fail', () => {
    const broken = {
      'unknown-key': text.replace('    timeout-minutes: 20\n', '    timeout-minute: 20\n'),
      'bad-permission': text.replace('      contents: write\n', '      contents: admin\n'),
      'bad-expression': text.replace("if: github.event_name == 'push' && vars.PRODUCTION_OWNER == 'argocd'", "if: github.event_name == 'push' &&"),
      'unknown-context': text.replace('${{ vars.GKE_CLUSTER }}', '${{ variables.GKE_CLUSTER }}'),
      'uses-and-run': text.replace('      - run: npm ci\n', '      - run: npm ci\n        uses: actions/cache@v4\n'),
    };
    const errors = workflowErrors(broken);
    expect(errors['unknown-key']).toEqual([expect.stringContaining("Unexpected value 'timeout-minute'")]);
    expect(errors['bad-permission']).toEqual([expect.stringContaining("Unexpected value 'admin'")]);
    expect(errors['bad-expression']).toEqual([expect.stringContaining('Unexpected end of expression')]);
    expect(errors['unknown-context']).toEqual(expect.arrayContaining([expect.stringContaining("Unrecognized named-value: 'variables'")]));
    expect(errors['uses-and-run']).toEqual([expect.stringContaining("Unexpected value 'uses'")]);
  });

  test('every needs names a job, and every needs.<job> in an expression names one of the job\'s needs', () => {
    for (const [id, job] of Object.entries(jobs)) {
      const needs: string[] = [job.needs ?? []].flat();
      expect(needs.filter(n => !(n in jobs))).toEqual([]);
      const referenced = [...JSON.stringify(job).matchAll(/needs\.([\w-]+)\./g)].map(m => m[1]);
      expect({ id, missing: referenced.filter(n => !needs.includes(n)) }).toEqual({ id, missing: [] });
    }
  });

  test('every steps.<id> in an expression names an earlier step of the same job', () => {
    for (const job of Object.values(jobs)) {
      const ids: string[] = [];
      for (const s of job.steps) {
        const referenced = [...JSON.stringify(s).matchAll(/steps\.([\w-]+)\./g)].map(m => m[1]);
        expect(referenced.filter(r => !ids.includes(r))).toEqual([]);
        if (s.id) {
          ids.push(s.id);
        }
      }
      const outputs = [...JSON.stringify(job.outputs ?? {}).matchAll(/steps\.([\w-]+)\./g)].map(m => m[1]);
      expect(outputs.filter(r => !ids.includes(r))).toEqual([]);
    }
  });
});

describe('supply chain and permissions', () => {
  test('every action is pinned to a full commit SHA, with its version in a comment', () => {
    const uses = text.split('\n').filter(line => /^\s*(- )?uses:/.test(line));
    expect(uses.length).toBeGreaterThan(10);
    for (const line of uses) {
      expect(line).toMatch(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
  });

  test('the workflow grants nothing by default, and each job only what it needs', () => {
    expect(workflow.permissions).toEqual({});
    const permissions = Object.fromEntries(Object.entries(jobs).map(([id, job]) => [id, job.permissions]));
    expect(permissions).toEqual({
      meta: { contents: 'read' },
      build: { contents: 'read' },
      image: { 'contents': 'read', 'id-token': 'write' },
      diff: { 'contents': 'read', 'id-token': 'write' },
      apply: { 'contents': 'read', 'id-token': 'write' },
      gitops: { contents: 'write' },
    });
  });

  test('only the job that pushes the deploy branch keeps git credentials', () => {
    for (const id of Object.keys(jobs)) {
      const checkout = stepUsing(id, 'actions/checkout');
      expect({ id, persist: checkout.with['persist-credentials'] }).toEqual({ id, persist: id === 'gitops' });
    }
  });

  test('no run script expands ${{ }} itself, so no commit subject or branch name is run as code', () => {
    const scripts = Object.values(jobs).flatMap(job => job.steps.filter((s: any) => s.run).map((s: any) => s.run as string));
    expect(scripts.length).toBeGreaterThan(8);
    expect(scripts.filter(s => s.includes('${{'))).toEqual([]);
  });

  test('cluster credentials come from Workload Identity Federation and get-gke-credentials, never a stored key', () => {
    for (const id of ['diff', 'apply']) {
      expect(stepUsing(id, 'google-github-actions/auth').with).toEqual({
        workload_identity_provider: '${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}',
        service_account: '${{ vars.GCP_SERVICE_ACCOUNT }}',
      });
      expect(stepUsing(id, 'google-github-actions/get-gke-credentials').with).toEqual({
        cluster_name: '${{ vars.GKE_CLUSTER }}', location: '${{ vars.GKE_LOCATION }}', project_id: '${{ vars.GCP_PROJECT }}',
      });
    }
    expect(text).not.toMatch(/credentials_json|secrets\./);
  });
});

describe('when each job runs', () => {
  const contexts = {
    'a pull request from a branch': { github: { event_name: 'pull_request', repository: 'org/app', event: { pull_request: { head: { repo: { full_name: 'org/app' } } } } } },
    'a pull request from a fork': { github: { event_name: 'pull_request', repository: 'org/app', event: { pull_request: { head: { repo: { full_name: 'someone/app' } } } } } },
    'a push to main': { github: { event_name: 'push', repository: 'org/app', event: {} } },
  };
  const owners = { 'unset': '', 'kubectl': 'kubectl', 'argocd': 'argocd' };

  // Every job's `if:` for every event and owner, evaluated at once: the evaluator runs in a process of its own.
  const ids = Object.keys(jobs);
  const cases = Object.keys(contexts).flatMap(event => Object.values(owners).map(owner => ({ event, owner })));
  let running: Map<string, string[]>;
  beforeAll(() => {
    const hold = expressionsHold(cases.flatMap(({ event, owner }) => ids.map(id => ({
      expression: jobs[id].if ?? 'true',
      context: { ...contexts[event as keyof typeof contexts], vars: { PRODUCTION_OWNER: owner } },
    }))));
    running = new Map(cases.map(({ event, owner }, c) => [`${event}/${owner}`, ids.filter((_, i) => hold[c * ids.length + i])]));
  });

  /** The jobs that run for an event, given the repository variable PRODUCTION_OWNER. */
  const jobsRunning = (event: keyof typeof contexts, owner: string): string[] | undefined => running.get(`${event}/${owner}`);

  test('it runs on pull requests to main and pushes to main only', () => {
    expect(workflow.on).toEqual({ pull_request: { branches: ['main'] }, push: { branches: ['main'] } });
  });

  test.each(Object.entries(owners))('a pull request diffs and deploys nothing (PRODUCTION_OWNER %s)', (_, owner) => {
    expect(jobsRunning('a pull request from a branch', owner)).toEqual(['meta', 'build', 'image', 'diff']);
  });

  test('a pull request from a fork, which gets no cloud credentials, skips the diff', () => {
    expect(jobsRunning('a pull request from a fork', '')).toEqual(['meta', 'build', 'image']);
  });

  test('a push to main applies with kubectl when PRODUCTION_OWNER is unset or kubectl', () => {
    expect(jobsRunning('a push to main', '')).toEqual(['meta', 'build', 'image', 'apply']);
    expect(jobsRunning('a push to main', 'kubectl')).toEqual(['meta', 'build', 'image', 'apply']);
  });

  test('a push to main commits to the deploy branch instead, when Argo CD owns production', () => {
    expect(jobsRunning('a push to main', 'argocd')).toEqual(['meta', 'build', 'image', 'gitops']);
  });

  test('a deploy waits for the checked manifests and the pushed image', () => {
    expect(jobs.apply.needs).toEqual(['build', 'image']);
    expect(jobs.gitops.needs).toEqual(expect.arrayContaining(['build', 'image']));
    expect(jobs.diff.needs).toBe('build');
  });

  test('the two deploy jobs share one environment and one concurrency group, and never cancel a running deploy', () => {
    for (const id of ['apply', 'gitops']) {
      expect(jobs[id].environment).toBe('production');
      expect(jobs[id].concurrency).toEqual({ 'group': 'deploy-production', 'cancel-in-progress': false });
    }
  });

  test('the image is pushed on a push to main only', () => {
    const push = stepUsing('image', 'docker/build-push-action').with.push.replace(/^\$\{\{\s*|\s*\}\}$/g, '');
    const [onPullRequest, onPush] = expressionsHold([
      { expression: push, context: contexts['a pull request from a branch'] },
      { expression: push, context: contexts['a push to main'] },
    ]);
    expect({ onPullRequest, onPush }).toEqual({ onPullRequest: false, onPush: true });
  });
});

describe('the image tag and the change cause', () => {
  const repo = tempDir('meta');
  git(repo, 'init', '-q');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'Base');
  const base = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'switch', '-q', '-c', 'feature');
  git(repo, 'commit', '-q', '--allow-empty', '-m', 'Serve jokemeter tr at 10%');
  const head = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'switch', '-q', '--detach', base);
  git(repo, 'merge', '-q', '--no-ff', '-m', 'Merge feature into main', head);

  function runMeta(env: Record<string, string>): { status: number; outputs: Record<string, string>; stdout: string } {
    const outputFile = path.join(repo, '..', `${path.basename(repo)}-output`);
    fs.writeFileSync(outputFile, '');
    const run = runScript(step('meta', 'meta').run, { shell: GITHUB_BASH, cwd: repo, env: { GITHUB_OUTPUT: outputFile, PRODUCTION_OWNER: '', ...env } });
    const outputs = Object.fromEntries(fs.readFileSync(outputFile, 'utf8').split('\n').filter(l => l).map(l => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    fs.rmSync(outputFile);
    return { status: run.status, outputs, stdout: run.stdout };
  }

  test('on a pull request, the tag is the 7-character SHA of the pushed commit, not of the merge commit', () => {
    // The workflow passes github.event.pull_request.head.sha, checked out as the merge commit's second parent.
    expect(step('meta', 'meta').env.COMMIT_SHA).toBe('${{ github.event.pull_request.head.sha || github.sha }}');
    expect(stepUsing('meta', 'actions/checkout').with['fetch-depth']).toBe(2);
    expect(runMeta({ COMMIT_SHA: head })).toEqual({
      status: 0, stdout: '', outputs: { 'image-tag': head.slice(0, 7), 'change-cause': 'Serve jokemeter tr at 10%' },
    });
  });

  test('on main, the tag and change cause are those of the pushed commit', () => {
    const merge = git(repo, 'rev-parse', 'HEAD');
    expect(runMeta({ COMMIT_SHA: merge }).outputs).toEqual({ 'image-tag': merge.slice(0, 7), 'change-cause': 'Merge feature into main' });
  });

  test('a PRODUCTION_OWNER other than kubectl or argocd fails the run before anything deploys', () => {
    const run = runMeta({ COMMIT_SHA: head, PRODUCTION_OWNER: 'argo' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("::error::PRODUCTION_OWNER must be kubectl or argocd, not 'argo'");
  });

  test('the image is built as IMAGE:<tag>, the purchase-predict API image main.ts deploys', () => {
    expect(workflow.env.IMAGE).toBe('gcr.io/${{ vars.GCP_PROJECT }}/purchase-predict-api');
    expect(stepUsing('image', 'docker/build-push-action').with.tags).toBe('${{ env.IMAGE }}:${{ needs.meta.outputs.image-tag }}');
    expect(jobs.meta.outputs['image-tag']).toBe('${{ steps.meta.outputs.image-tag }}');
  });

  test('the registry login uses the short-lived token of Workload Identity Federation', () => {
    expect(stepUsing('image', 'google-github-actions/auth').with.token_format).toBe('access_token');
    expect(stepUsing('image', 'docker/login-action').with).toEqual({
      registry: 'gcr.io', username: 'oauth2accesstoken', password: '${{ steps.auth.outputs.access_token }}',
    });
  });
});

describe('build', () => {
  const runs = jobs.build.steps.map((s: any) => s.run).filter(Boolean);

  test('runs npm ci, npm test, the synth and the check, in that order', () => {
    expect(runs).toEqual([
      'npm ci',
      'npm test',
      'npm run synth',
      'npx --no cdk8s-model-serving check --strict --complete --format github dist/production',
    ]);
  });

  test('the synth gets IMAGE_TAG and CHANGE_CAUSE from the meta job, under CI', () => {
    const synth = jobs.build.steps.find((s: any) => s.run === 'npm run synth');
    expect(synth.env).toEqual({
      CI: 'true',
      IMAGE_TAG: '${{ needs.meta.outputs.image-tag }}',
      CHANGE_CAUSE: '${{ needs.meta.outputs.change-cause }}',
      GCP_PROJECT: '${{ vars.GCP_PROJECT }}',
    });
  });

  test('the checker runs in strict mode on the production folder, with GitHub annotations', () => {
    const check = runs[3].split(' ');
    expect(check).toEqual(expect.arrayContaining(['check', '--strict', '--complete', 'dist/production']));
    expect(check[check.indexOf('--format') + 1]).toBe('github');
  });

  test('the later jobs diff, apply or commit the very files the build checked', () => {
    const upload = stepUsing('build', 'actions/upload-artifact').with;
    expect(upload).toMatchObject({ 'name': 'dist-production', 'path': 'dist/production/', 'if-no-files-found': 'error' });
    for (const id of ['diff', 'apply', 'gitops']) {
      expect(stepUsing(id, 'actions/download-artifact').with.name).toBe('dist-production');
    }
    expect(stepUsing('diff', 'actions/download-artifact').with.path).toBe('dist/production');
    expect(stepUsing('apply', 'actions/download-artifact').with.path).toBe('dist/production');
  });
});

describe('kubectl diff on pull requests', () => {
  const workspace = tempDir('diff');

  function runDiff(exitStatus: number) {
    const summary = path.join(workspace, `summary-${exitStatus}`);
    fs.writeFileSync(summary, '');
    const run = runScript(step('diff', 'kubectl-diff').run, {
      shell: GITHUB_BASH, cwd: workspace,
      env: { RUNNER_TEMP: workspace, GITHUB_STEP_SUMMARY: summary },
      fakes: { kubectl: `echo '+  replicas: 3'; echo 'kubectl error output' >&2; exit ${exitStatus}` },
    });
    return { ...run, summary: fs.readFileSync(summary, 'utf8') };
  }

  test('diffs exactly dist/production', () => {
    expect(runDiff(0).calls).toEqual(['kubectl diff -f dist/production']);
  });

  test('exit status 0, no differences, passes', () => {
    const run = runDiff(0);
    expect(run.status).toBe(0);
    expect(run.summary).toContain('### No differences');
  });

  test('exit status 1, differences found, passes and shows the diff in the summary', () => {
    const run = runDiff(1);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('+  replicas: 3');
    expect(run.summary).toBe('### Differences between production and dist/production\n\n```diff\n+  replicas: 3\n```\n');
  });

  test.each([2, 127])('exit status %d, a failed kubectl, fails the step with its status', status => {
    const run = runDiff(status);
    expect(run.status).toBe(status);
    expect(run.stdout).toContain(`::error::kubectl diff failed with exit status ${status}`);
    expect(run.summary).toBe('');
  });
});

describe('kubectl apply on main', () => {
  const workspace = tempDir('apply');
  const deployments = 'api-purchase purchase-predict\\njokemeter jokemeter\\n';

  test('applies exactly dist/production', () => {
    const run = runScript(step('apply', 'kubectl-apply').run, { shell: GITHUB_BASH, cwd: workspace, fakes: { kubectl: '' } });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual(['kubectl apply -f dist/production']);
  });

  test('then waits for the rollout of every Deployment of the folder, in its namespace', () => {
    const run = runScript(step('apply', 'rollout-status').run, {
      shell: GITHUB_BASH, cwd: workspace, fakes: { kubectl: `[ "$1" = get ] && printf '${deployments}'; exit 0` },
    });
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([
      expect.stringMatching(/^kubectl get -f dist\/production -o jsonpath=\{range \.items\[\?\(@\.kind=="Deployment"\)\]\}/),
      'kubectl rollout status deployment/purchase-predict --namespace api-purchase --timeout=10m',
      'kubectl rollout status deployment/jokemeter --namespace jokemeter --timeout=10m',
    ]);
  });

  test('a rollout that does not finish fails the job at once', () => {
    const run = runScript(step('apply', 'rollout-status').run, {
      shell: GITHUB_BASH, cwd: workspace,
      fakes: { kubectl: `[ "$1" = get ] && printf '${deployments}' && exit 0; [ "$3" = deployment/purchase-predict ] && exit 1; exit 0` },
    });
    expect(run.status).toBe(1);
    expect(run.calls.filter(c => c.includes('rollout'))).toEqual(['kubectl rollout status deployment/purchase-predict --namespace api-purchase --timeout=10m']);
  });
});

describe('GitOps: the deploy branch for Argo CD', () => {
  const root = tempDir('gitops');
  const origin = path.join(root, 'origin.git');
  const checkout = path.join(root, 'checkout');
  const rendered = path.join(root, 'rendered');
  git(root, 'init', '-q', '--bare', origin);
  git(root, 'clone', '-q', origin, checkout);
  fs.writeFileSync(path.join(checkout, 'main.ts'), '// the app\n');
  git(checkout, 'add', 'main.ts');
  git(checkout, 'commit', '-q', '-m', 'The app');
  git(checkout, 'push', '-q', 'origin', 'HEAD:refs/heads/main');

  function render(files: Record<string, string>): void {
    fs.rmSync(rendered, { recursive: true, force: true });
    fs.mkdirSync(rendered);
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(rendered, name), content);
    }
  }

  function runGitops(tag: string) {
    const runnerTemp = fs.mkdtempSync(path.join(root, 'runner-'));
    return runScript(step('gitops', 'commit-deploy-branch').run, {
      shell: GITHUB_BASH, cwd: checkout,
      env: {
        RUNNER_TEMP: runnerTemp, RENDERED: rendered, DEPLOY_BRANCH: workflow.env.DEPLOY_BRANCH, IMAGE_TAG: tag,
        CHANGE_CAUSE: 'Serve jokemeter tr at 10%', GITHUB_SHA: 'f'.repeat(40), GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'org/app', GITHUB_RUN_ID: '42',
      },
    });
  }

  const branchFiles = () => git(origin, 'ls-tree', '-r', '--name-only', 'deploy/production').split('\n');
  const branchCommits = () => Number(git(origin, 'rev-list', '--count', 'deploy/production'));

  test('the first deploy creates the branch with dist/production only', () => {
    render({ 'purchase-predict.k8s.yaml': 'kind: Deployment\n', 'jokemeter.k8s.yaml': 'kind: Deployment\n' });
    const run = runGitops('3f2a9c1');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(branchFiles()).toEqual(['dist/production/jokemeter.k8s.yaml', 'dist/production/purchase-predict.k8s.yaml']);
    expect(git(origin, 'log', '-1', '--format=%s', 'deploy/production')).toBe('dist/production for 3f2a9c1: Serve jokemeter tr at 10%');
  });

  test('a later deploy replaces the folder, so a removed object is removed from the branch', () => {
    render({ 'purchase-predict.k8s.yaml': 'kind: Deployment\nreplicas: 3\n' });
    expect(runGitops('4b5c6d7').status).toBe(0);
    expect(branchFiles()).toEqual(['dist/production/purchase-predict.k8s.yaml']);
    expect(git(origin, 'show', 'deploy/production:dist/production/purchase-predict.k8s.yaml')).toBe('kind: Deployment\nreplicas: 3');
    expect(branchCommits()).toBe(2);
  });

  test('an unchanged render adds no commit', () => {
    const run = runGitops('5c6d7e8');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('dist/production is unchanged on deploy/production');
    expect(branchCommits()).toBe(2);
  });

  test('main is left alone', () => {
    expect(git(origin, 'ls-tree', '-r', '--name-only', 'main')).toBe('main.ts');
  });
});

describe('the README\'s alternative: a KUBECONFIG secret for a cluster outside GKE', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
  const snippet = readme.slice(readme.indexOf('For a cluster outside GKE')).match(/```yaml\n([\s\S]*?)```/)![1];
  const credentialsSteps = parse(snippet);

  test('in place of the GKE steps, it still makes a valid workflow', () => {
    const variant = structuredClone(workflow);
    for (const id of ['diff', 'apply']) {
      const steps: any[] = variant.jobs[id].steps;
      const at = steps.findIndex(s => s.uses?.startsWith('google-github-actions/auth@'));
      expect(steps[at + 1].uses).toMatch(/^google-github-actions\/get-gke-credentials@/);
      steps.splice(at, 2, ...credentialsSteps);
      delete variant.jobs[id].permissions['id-token'];
    }
    expect(workflowErrors({ 'kubeconfig-variant.yml': stringify(variant) })).toEqual({ 'kubeconfig-variant.yml': [] });
  });

  test('it writes the kubeconfig readable by the runner only, and points kubectl at it', () => {
    const runnerTemp = tempDir('kubeconfig');
    const githubEnv = path.join(runnerTemp, 'github-env');
    const kubeconfig = 'apiVersion: v1\nkind: Config\n';
    const run = runScript(credentialsSteps[0].run, {
      shell: GITHUB_BASH, cwd: runnerTemp, env: { RUNNER_TEMP: runnerTemp, GITHUB_ENV: githubEnv, KUBECONFIG_DATA: kubeconfig },
    });
    expect(run.status).toBe(0);
    const file = path.join(runnerTemp, 'kubeconfig');
    expect(fs.readFileSync(file, 'utf8')).toBe(kubeconfig);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(githubEnv, 'utf8')).toBe(`KUBECONFIG=${file}\n`);
    expect(credentialsSteps[0].env).toEqual({ KUBECONFIG_DATA: '${{ secrets.KUBECONFIG }}' });
  });
});
