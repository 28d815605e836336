// `--format helm --chart-version <v>`: one chart per environment folder (else one at dist/), read back as Helm would.
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';

import { chartNameOf, escapeHelmTemplate } from '../constructs/synth/helm';
import { givenAPreviousDist, project, readTree, ROOT, synth, tempFolders, useThrowawayProject, useValidation } from './synth-project';

useThrowawayProject();
jest.setTimeout(60_000);

const HELM = ['--format', 'helm', '--chart-version', '1.2.3'];

/** Two environments; the ConfigMap holds Go template text that Helm must pass through as written. */
const ENVIRONMENTS_APP = `
import { ApiObject, Chart } from 'cdk8s';
import { ServingApp } from '${path.join(ROOT, 'constructs')}';

for (const environment of ['staging', 'production']) {
  const app = new ServingApp({ environment });
  const chart = new Chart(app, 'models');
  new ApiObject(chart, 'alerts', {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'alerts' },
    data: { environment, 'rule.tmpl': 'summary: {{ $labels.instance }} is down {{- range .Alerts }}{{{ x }}}{{ end }}' },
  });
  app.synth();
}
`;

/** What Helm's template engine makes of a template: each escaped `{{` back to `{{`, and nothing else to evaluate. */
function render(template: string): string {
  const rendered = template.split('{{ "{{" }}').join('\u0000');
  expect(rendered).not.toContain('{{'); // an action Helm would evaluate
  return rendered.split('\u0000').join('{{');
}

function readChart(dir: string): { chart: Record<string, unknown>; templates: Record<string, string> } {
  const templates: Record<string, string> = {};
  for (const [file, text] of Object.entries(readTree(path.join(dir, 'templates')))) {
    templates[file] = render(text);
  }
  return { chart: YAML.parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8')), templates };
}

beforeEach(() => {
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: '@my-org/My_Models', private: true }));
});

describe('with environment folders', () => {
  beforeEach(() => {
    fs.writeFileSync(path.join(project, 'app.ts'), ENVIRONMENTS_APP);
  });

  test('one chart per environment, with that version, a valid name and templates holding exactly the manifests', async () => {
    useValidation('Accept'); // construct metadata is written, and must not reach templates/
    const plain = await synth('ok', ['--output', 'plain']);

    const result = await synth('ok', HELM);

    expect(plain.status).toBe(0);
    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['production', 'staging']);
    for (const environment of ['staging', 'production']) {
      const dir = path.join(project, 'dist', environment);
      expect(fs.readdirSync(dir).sort()).toEqual(['Chart.yaml', 'README.md', 'templates']);
      const { chart, templates } = readChart(dir);
      expect(chart).toEqual({
        apiVersion: 'v2', name: `my-models-${environment}`, version: '1.2.3', type: 'application',
        description: expect.stringContaining(environment),
      });
      expect(templates).toEqual({ 'models.k8s.yaml': fs.readFileSync(path.join(project, 'plain', environment, 'models.k8s.yaml'), 'utf8') });
      const [configMap] = YAML.parseAllDocuments(templates['models.k8s.yaml']).map(d => d.toJSON());
      expect(configMap.data).toEqual({
        'environment': environment,
        'rule.tmpl': 'summary: {{ $labels.instance }} is down {{- range .Alerts }}{{{ x }}}{{ end }}',
      });
    }
    expect(tempFolders()).toEqual([]);
  });

  test('a manifest outside the environment folders fails the synth and leaves dist/ unchanged', async () => {
    const before = await givenAPreviousDist();
    fs.appendFileSync(path.join(project, 'app.ts'), `
import * as fs from 'fs';
fs.writeFileSync(require('path').join(process.env.CDK8S_OUTDIR!, 'stray.k8s.yaml'), 'kind: Stray\\n');
`);

    const result = await synth('ok', HELM);

    expect(result.status).toBe(1);
    expect(result.output).toContain('with environment folders, every manifest belongs in one; found stray.k8s.yaml beside production, staging');
    expect(readTree(path.join(project, 'dist'))).toEqual(before);
  });
});

describe('without environment folders', () => {
  test('one chart at dist/', async () => {
    const result = await synth('ok', HELM);

    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['Chart.yaml', 'README.md', 'templates']);
    const { chart, templates } = readChart(path.join(project, 'dist'));
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'my-models', version: '1.2.3' });
    expect(Object.keys(templates).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
    expect(YAML.parse(templates['a.k8s.yaml'])).toMatchObject({ kind: 'ConfigMap', data: { mode: 'ok' } });
  });

  test('a file that is not a manifest fails the synth: Helm would render it as one', async () => {
    fs.appendFileSync(path.join(project, 'app.ts'), `
fs.writeFileSync(path.join(app.outdir, 'notes.json'), '{}');
`);

    const result = await synth('ok', HELM);

    expect(result.status).toBe(1);
    expect(result.output).toContain('notes.json is not a manifest (*.yaml) and would be rendered as one by Helm');
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });

  test('a failing validation fails a Helm synth too', async () => {
    useValidation('Reject');

    expect((await synth('ok', HELM)).status).toBe(1);
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
  });

  test('--chart-api-version v1 writes a v1 chart, without the type only v2 knows', async () => {
    const result = await synth('ok', [...HELM, '--chart-api-version', 'v1']);

    expect(result.status).toBe(0);
    const chart = YAML.parse(fs.readFileSync(path.join(project, 'dist', 'Chart.yaml'), 'utf8'));
    expect(chart).toMatchObject({ apiVersion: 'v1', name: 'my-models', version: '1.2.3' });
    expect(chart.type).toBeUndefined();
  });
});

test.each([
  ['@my-org/My_Models', 'my-models'],
  ['cdk8s-model-serving', 'cdk8s-model-serving'],
  ['--Weird..Name--', 'weird-name'],
  ['___', 'app'],
])('the chart name of project %j is %j', (project_, name) => {
  expect(chartNameOf(project_)).toBe(name);
  expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
});

test('escaping leaves text without {{ alone', () => {
  expect(escapeHelmTemplate('kind: ConfigMap\ndata: { a: "}}" }\n')).toBe('kind: ConfigMap\ndata: { a: "}}" }\n');
  expect(escapeHelmTemplate('{{{{')).toBe('{{ "{{" }}{{ "{{" }}');
});
