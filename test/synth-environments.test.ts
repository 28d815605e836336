// One folder per environment (dist/<env>/, from one ServingApp per environment): the synth swaps the whole tree, and
// the validation plugin checks each environment folder as its own set.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

import { InvalidPropsError } from '../constructs/internal/problems';
import { ENVIRONMENT_MARKER, groupByEnvironment } from '../constructs/kubernetes-rules';
import { ServingApp } from '../constructs/serving-app';
import { givenAPreviousDist, project, readTree, ROOT, synth, tempFolders, useThrowawayProject, useValidation } from './synth-project';

useThrowawayProject();
jest.setTimeout(60_000);

/** The same jokemeter in staging and production, which differ in replicas; MODE=no-marker writes the folders without ServingApp's environment. */
const ENVIRONMENTS_APP = `
import * as path from 'path';
import { Chart } from 'cdk8s';
import { ModelServingApp, ServingApp } from '${path.join(ROOT, 'constructs')}';

for (const [environment, replicas] of [['staging', 1], ['production', 3]] as const) {
  const app = process.env.MODE === 'no-marker'
    ? new ServingApp({ outdir: path.join(process.env.CDK8S_OUTDIR ?? 'dist', environment) })
    : new ServingApp({ environment });
  new ModelServingApp(new Chart(app, 'jokemeter'), 'jokemeter', { image: 'peterwolf/jokemeter:lr', port: 80, replicas, probes: { readiness: '/ready' } });
  app.synth();
}
`;

beforeEach(() => {
  fs.writeFileSync(path.join(project, 'app.ts'), ENVIRONMENTS_APP);
});

function objectsIn(file: string): any[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJSON());
}

test('each environment is written to its own folder, marked, with nothing but manifests for kubectl', async () => {
  useValidation('ManifestCheckValidation', path.join(ROOT, 'constructs', 'check', 'cdk8s-plugin.js'));

  const result = await synth('ok');

  expect(result.status).toBe(0);
  expect(Object.keys(readTree(path.join(project, 'dist'))).sort()).toEqual([
    `production/${ENVIRONMENT_MARKER}`, 'production/jokemeter.k8s.yaml',
    `staging/${ENVIRONMENT_MARKER}`, 'staging/jokemeter.k8s.yaml',
  ]);
  const deployment = (env: string) => objectsIn(path.join(project, 'dist', env, 'jokemeter.k8s.yaml')).find(o => o.kind === 'Deployment');
  expect(deployment('staging').spec.replicas).toBe(1);
  expect(deployment('production').spec.replicas).toBe(3);
  expect(fs.readFileSync(path.join(project, 'dist', 'staging', ENVIRONMENT_MARKER), 'utf8')).toBe('staging\n');
});

test('the validation plugin checks each environment folder as its own set: the same object in both is no duplicate', async () => {
  useValidation('ManifestCheckValidation', path.join(ROOT, 'constructs', 'check', 'cdk8s-plugin.js'));

  const marked = await synth('ok');
  const unmarked = await synth('no-marker');

  expect(marked.status).toBe(0);
  expect(marked.output).not.toContain('wiring/duplicate-object');
  // the same folders without markers are one set, in which each object is there twice
  expect(unmarked.status).toBe(1);
  expect(unmarked.output).toContain('wiring/duplicate-object');
});

test('the CLI gives the plugin the manifests of every environment folder', async () => {
  useValidation('Record');

  expect((await synth('ok')).status).toBe(0);

  const validated = (JSON.parse(fs.readFileSync(path.join(project, 'validated.json'), 'utf8')) as string[]).map(f => f.replace(/^.*\.dist-new-dist-[^/]+\//, ''));
  expect(validated.sort()).toEqual(['production/jokemeter.k8s.yaml', 'staging/jokemeter.k8s.yaml']);
});

test('the swap replaces the whole tree, and a failed synth leaves every environment folder as it was', async () => {
  const before = await givenAPreviousDist(); // the first synth of this project's app: both environments
  fs.writeFileSync(path.join(project, 'app.ts'), `${ENVIRONMENTS_APP}\nthrow new Error('the app failed');\n`);

  const failed = await synth('ok');
  const afterFailure = readTree(path.join(project, 'dist'));
  fs.writeFileSync(path.join(project, 'app.ts'), ENVIRONMENTS_APP.replace("['production', 3]", "['production', 4]"));
  const succeeded = await synth('ok');

  expect(failed.status).toBe(1);
  expect(afterFailure).toEqual(before);
  expect(succeeded.status).toBe(0);
  expect(Object.keys(before)).toContain('notes.txt');
  const after = readTree(path.join(project, 'dist'));
  expect(Object.keys(after)).not.toContain('notes.txt');
  expect(after['production/jokemeter.k8s.yaml']).toContain('replicas: 4');
  expect(tempFolders()).toEqual([]);
});

test('with validations on, no environment folder keeps construct metadata', async () => {
  useValidation('Accept');

  expect((await synth('ok')).status).toBe(0);

  expect(Object.keys(readTree(path.join(project, 'dist'))).filter(f => f.endsWith('.json'))).toEqual([]);
});

describe('ServingApp environment', () => {
  test('writes to <outdir>/<environment>/ and marks the folder', () => {
    const outdir = path.join(project, 'out');
    const app = new ServingApp({ outdir, environment: 'staging' });

    app.synth();

    expect(app.outdir).toBe(path.join(outdir, 'staging'));
    expect(app.environment).toBe('staging');
    expect(fs.readFileSync(path.join(outdir, 'staging', ENVIRONMENT_MARKER), 'utf8')).toBe('staging\n');
  });

  test('takes the root from CDK8S_OUTDIR, as App does, so the synth stages it', () => {
    const saved = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = path.join(project, 'staged');
    try {
      expect(new ServingApp({ environment: 'production' }).outdir).toBe(path.join(project, 'staged', 'production'));
    } finally {
      if (saved === undefined) {
        delete process.env.CDK8S_OUTDIR;
      } else {
        process.env.CDK8S_OUTDIR = saved;
      }
    }
  });

  test.each(['Production', 'prod/eu', '', '-staging', 'a'.repeat(64)])('refuses the environment %j', environment => {
    expect(() => new ServingApp({ environment })).toThrow(InvalidPropsError);
    expect(() => new ServingApp({ environment })).toThrow(
      `ServingApp 'app': environment ${JSON.stringify(environment)} must be a DNS-1123 label (lowercase letters, digits and '-', at most 63 characters)`,
    );
  });

  test('an app without environment writes to outdir and marks nothing', () => {
    const outdir = path.join(project, 'out');
    const app = new ServingApp({ outdir });

    app.synth();

    expect(app.outdir).toBe(outdir);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });
});

test('groupByEnvironment splits manifests by their marked folder, keeping unmarked files together', () => {
  for (const dir of ['dist/staging/charts', 'dist/production', 'dist/other']) {
    fs.mkdirSync(path.join(project, dir), { recursive: true });
  }
  fs.writeFileSync(path.join(project, 'dist', 'staging', ENVIRONMENT_MARKER), 'staging\n');
  fs.writeFileSync(path.join(project, 'dist', 'production', ENVIRONMENT_MARKER), 'production\n');
  const file = (f: string) => path.join(project, 'dist', f);

  const groups = groupByEnvironment([file('staging/a.yaml'), file('production/a.yaml'), file('other/x.yaml'), file('staging/charts/b.yaml'), file('root.yaml')]);

  expect(groups).toEqual([[file('staging/a.yaml'), file('staging/charts/b.yaml')], [file('production/a.yaml')], [file('other/x.yaml'), file('root.yaml')]]);
});
