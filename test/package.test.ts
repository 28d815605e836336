// Proves another repo can install the packed library and synthesize from it, in JavaScript and in TypeScript.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as YAML from 'yaml';

import { readmeExamples } from './readme-examples';

const root = path.join(__dirname, '..');
const peers = ['cdk8s', 'constructs', 'cdk8s-plus-28', 'cdk8s-cli']
  .map(name => `${name}@${JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version}`);

const CONSUMER_TS = `
import { App, Chart } from 'cdk8s';
import { EnvValue, ModelServingApp, ModelSource, Mount, ServiceType, TfServingApp } from 'cdk8s-model-serving';
import { checkManifests, parseManifests, RULES } from 'cdk8s-model-serving/check';

const app = new App({ outdir: 'dist' });
const chart = new Chart(app, 'models');
new ModelServingApp(chart, 'jokemeter', {
  image: 'peterwolf/jokemeter:lr', port: 80, probes: { readiness: { path: '/ready', periodSeconds: 10 } }, ingress: { host: 'jokemeter.ai' },
  env: { POD_IP: EnvValue.fromField('status.podIP') }, mounts: { '/cache': Mount.emptyDir({ sizeLimit: '1Gi' }) },
  serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': 'jokemeter@p.iam.gserviceaccount.com' } },
  sidecars: [{ name: 'exporter', image: 'quay.io/prometheus/statsd-exporter:v0.26.1', ports: [{ name: 'metrics', containerPort: 9102 }] }],
});
new TfServingApp(chart, 'half-plus-two', {
  modelName: 'half_plus_two',
  modelSource: ModelSource.fromClaim('models'),
  service: { type: ServiceType.NODE_PORT, nodePort: 30001 },
});
app.synth();

const parsed = parseManifests('{ apiVersion: v1, kind: Service, metadata: { name: api }, spec: { ports: [{ port: 80 }] } }');
if (RULES.length === 0 || !Array.isArray(checkManifests(parsed.items))) {
  throw new Error('the checker subpath export is incomplete');
}
`;

/** The README's five production deployments, each a consumer's main.ts. */
const DEPLOYMENTS = readmeExamples().filter(e => e.section === 'Five production deployments');
const deploymentFile = (i: number) => `deployment-${i}`;

let project: string;
let packed: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  packed = execFileSync('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', path.join(project, packed), ...peers], { cwd: project });
  fs.writeFileSync(path.join(project, 'main.ts'), CONSUMER_TS);
  fs.writeFileSync(path.join(project, 'main.js'), ts.transpileModule(CONSUMER_TS, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText);
  DEPLOYMENTS.forEach(({ code }, i) => {
    fs.writeFileSync(path.join(project, `${deploymentFile(i)}.ts`), code);
    fs.writeFileSync(path.join(project, `${deploymentFile(i)}.js`), ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText);
  });
}, 180_000);

afterAll(() => {
  fs.rmSync(project, { recursive: true, force: true });
});

test('the package ships compiled JavaScript and declarations, not sources', () => {
  const installed = path.join(project, 'node_modules', 'cdk8s-model-serving');
  expect(fs.existsSync(path.join(installed, 'lib', 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'lib', 'index.d.ts'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'constructs'))).toBe(false);
  expect(fs.existsSync(path.join(installed, 'main.ts'))).toBe(false);
});

test('the tarball ships the definitions of every supported Kubernetes version and stays under 4 MB', () => {
  const installed = path.join(project, 'node_modules', 'cdk8s-model-serving', 'schemas');
  const versions = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'];
  expect(fs.readdirSync(installed).sort()).toEqual(['custom-resource-definitions.json', ...versions.map(v => `kubernetes-${v}.json.br`), 'kubernetes-api-versions.json']);
  expect(fs.statSync(path.join(project, packed)).size).toBeLessThan(4 * 1024 * 1024);
});

test('a TypeScript consumer type-checks against the shipped declarations', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--esModuleInterop', '--module', 'commonjs', '--target', 'ES2022',
    '--moduleResolution', 'node', 'main.ts', ...DEPLOYMENTS.map((_, i) => `${deploymentFile(i)}.ts`)], { cwd: project });
}, 60_000);

test('the README\'s five production deployments synthesize from the installed package and pass its check --strict --complete', () => {
  expect(DEPLOYMENTS).toHaveLength(5);
  const outdir = path.join(project, 'dist-deployments');
  DEPLOYMENTS.forEach((_, i) => {
    execFileSync(process.execPath, [`${deploymentFile(i)}.js`], { cwd: project, env: { ...process.env, CDK8S_OUTDIR: outdir } });
  });
  const objects = fs.readdirSync(outdir).sort()
    .flatMap(file => YAML.parseAllDocuments(fs.readFileSync(path.join(outdir, file), 'utf8')).map(d => d.toJSON()));
  expect(objects.filter(o => o.kind === 'Deployment').map(o => `${o.metadata.namespace}/${o.metadata.name}`).sort()).toEqual([
    'api-purchase/purchase-predict', 'ml/celestial-bodies-classifier', 'ml/jokemeter', 'ml/recommender', 'ml/resnet',
  ]);
  const bin = path.join(project, 'node_modules', '.bin', 'cdk8s-model-serving');
  const run = spawnSync(bin, ['check', '--strict', '--complete', 'dist-deployments'], { cwd: project, encoding: 'utf8' });
  expect(run.stdout).toMatch(/check passed: 0 errors, 0 warnings, 1 info, 0 waived in 20 objects/);
  // The one object they need that they do not emit: the MLflow Secret.
  expect(run.stdout).toMatch(/info +Deployment\/api-purchase\/purchase-predict +\S+secretKeyRef\.name\s+Secret "mlflow-credentials" is not in/);
  expect(run.status).toBe(0);
}, 60_000);

test('a consumer synthesizes both constructs from the installed package', () => {
  execFileSync(process.execPath, ['main.js'], { cwd: project });
  const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(project, 'dist', 'models.k8s.yaml'), 'utf8')).map(d => d.toJSON());
  expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toEqual([
    'ServiceAccount/jokemeter', 'Deployment/jokemeter', 'Service/jokemeter', 'Ingress/jokemeter',
    'ConfigMap/half-plus-two-config', 'Deployment/half-plus-two', 'Service/half-plus-two', 'HorizontalPodAutoscaler/half-plus-two',
    'PodDisruptionBudget/half-plus-two',
  ]);
}, 60_000);

test('the installed check command passes the consumer\'s output and fails a broken manifest', () => {
  execFileSync(process.execPath, ['main.js'], { cwd: project });
  const bin = path.join(project, 'node_modules', '.bin', 'cdk8s-model-serving');
  expect(execFileSync(bin, ['check', 'dist'], { cwd: project, encoding: 'utf8' })).toMatch(/passed/);
  fs.writeFileSync(path.join(project, 'broken.yaml'), 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n    - port: 80\n  selector:\n    app: none\n');
  // A Service whose pods are not in the files fails only when the files are the complete set.
  const run = spawnSync(bin, ['check', '--complete', 'broken.yaml'], { cwd: project, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/error +Service\/x +spec\.selector/);
  expect(run.stdout).toMatch(/wiring\/service-selector/);
  expect(spawnSync(bin, ['check', 'broken.yaml'], { cwd: project, encoding: 'utf8' }).status).toBe(0);
}, 60_000);

test('the installed check command checks against the Kubernetes version it is given', () => {
  execFileSync(process.execPath, ['main.js'], { cwd: project });
  const bin = path.join(project, 'node_modules', '.bin', 'cdk8s-model-serving');
  fs.mkdirSync(path.join(project, 'routed'), { recursive: true });
  fs.writeFileSync(path.join(project, 'routed', 'service.yaml'),
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: ExternalName\n  externalName: x.example.com\n  trafficDistribution: PreferClose\n');
  expect(spawnSync(bin, ['check', 'routed'], { cwd: project, encoding: 'utf8' }).stdout).toMatch(/unknown field "trafficDistribution"/);
  expect(execFileSync(bin, ['check', '--kubernetes-version', '1.36', 'dist', 'routed'], { cwd: project, encoding: 'utf8' })).toMatch(/passed/);
}, 60_000);

test('cdk8s synth runs the installed package as a validation plugin', () => {
  fs.writeFileSync(path.join(project, 'cdk8s.yaml'), [
    'language: typescript',
    'app: node main.js',
    'validations:',
    '  - package: ./node_modules/cdk8s-model-serving',
    '    version: 0.1.0',
    '    class: ManifestCheckValidation',
    '    properties:',
    '      strict: true',
  ].join('\n'));
  const cli = path.join(root, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
  const run = spawnSync(process.execPath, [cli, 'synth', '--no-check-upgrade'], { cwd: project, encoding: 'utf8' });
  expect(run.stdout).toMatch(/Validation Report \(.*cdk8s-model-serving@0\.1\.0\)/);
  expect(run.stdout).toMatch(/Status\s+│ success/);
  expect(run.status).toBe(0);
}, 60_000);

test('the installed package ships the CRDs, emits an Argo CD Application, and its check knows the custom kinds without --crd', () => {
  const installed = path.join(project, 'node_modules', 'cdk8s-model-serving');
  expect(fs.readdirSync(path.join(installed, 'crds')).sort()).toEqual([
    'argoproj.io_applications.yaml', 'gateway.networking.k8s.io_gateways.yaml', 'gateway.networking.k8s.io_grpcroutes.yaml',
    'gateway.networking.k8s.io_httproutes.yaml', 'monitoring.coreos.com_servicemonitors.yaml',
  ]);
  fs.writeFileSync(path.join(project, 'gitops.js'), [
    "const { App, Chart } = require('cdk8s');",
    "const { ArgoCdApplication } = require('cdk8s-model-serving');",
    "const app = new App({ outdir: 'dist-gitops' });",
    "new ArgoCdApplication(new Chart(app, 'gitops'), 'jokemeter', {",
    "  repoUrl: 'https://github.com/example/models.git', path: 'dist/production', destinationNamespace: 'ml', automated: true,",
    '});',
    'app.synth();',
  ].join('\n'));
  execFileSync(process.execPath, ['gitops.js'], { cwd: project });
  const bin = path.join(project, 'node_modules', '.bin', 'cdk8s-model-serving');
  expect(execFileSync(bin, ['check', '--strict', 'dist-gitops'], { cwd: project, encoding: 'utf8' })).toMatch(/passed/);
  fs.writeFileSync(path.join(project, 'monitor.yaml'),
    'apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\nspec:\n  selector: {}\n  endpoints: [{port: http, intervall: 30s}]\n');
  const run = spawnSync(bin, ['check', 'monitor.yaml'], { cwd: project, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stdout).toContain('[schema/unknown-field]');
  expect(run.stdout).not.toContain('schema/unknown-kind');
}, 60_000);

describe('npx cdk8s-model-serving synth in the consumer', () => {
  /** The consumer's app as the cdk8s template writes it: `new App()` writes where the synth says (CDK8S_OUTDIR). */
  const APP = CONSUMER_TS.replace("new App({ outdir: 'dist' })", 'new App()');
  const synthIn = (args: string[] = []) => spawnSync(path.join(project, 'node_modules', '.bin', 'cdk8s-model-serving'), ['synth', ...args], {
    cwd: project,
    encoding: 'utf8',
    // npx may not fetch ts-node: the template's app command must run through the package's tsx
    env: { ...process.env, npm_config_offline: 'true' },
  });

  beforeAll(() => {
    fs.writeFileSync(path.join(project, 'synth-app.ts'), APP);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), [
      'language: typescript',
      'app: npx ts-node synth-app.ts',
      'output: manifests',
      'validations:',
      '  - package: ./node_modules/cdk8s-model-serving',
      '    version: 0.1.0',
      '    class: ManifestCheckValidation',
      '    properties:',
      '      strict: true',
    ].join('\n'));
  });

  test('writes a clean output folder: manifests only, checked', () => {
    const run = synthIn();

    expect(run.stdout).toMatch(/Status\s+│ success/);
    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'manifests'))).toEqual(['models.k8s.yaml']);
    const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(project, 'manifests', 'models.k8s.yaml'), 'utf8')).map(d => d.toJSON());
    expect(objects.map(o => `${o.kind}/${o.metadata.name}`)).toContain('Deployment/jokemeter');
  }, 60_000);

  test('writes a clean Helm chart', () => {
    const run = synthIn(['--format', 'helm', '--chart-version', '1.2.3']);

    expect(run.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'manifests')).sort()).toEqual(['Chart.yaml', 'README.md', 'templates']);
    expect(YAML.parse(fs.readFileSync(path.join(project, 'manifests', 'Chart.yaml'), 'utf8'))).toMatchObject({ apiVersion: 'v2', name: 'consumer', version: '1.2.3' });
    expect(fs.readdirSync(path.join(project, 'manifests', 'templates'))).toEqual(['models.k8s.yaml']);
  }, 60_000);

  test('prints bad props without a stack trace, exits 1 and keeps the output folder', () => {
    const before = fs.readdirSync(path.join(project, 'manifests'));
    fs.writeFileSync(path.join(project, 'synth-app.ts'), APP.replace("'peterwolf/jokemeter:lr'", "'peterwolf/jokemeter:latest'"));
    try {
      const run = synthIn();

      expect(run.status).toBe(1);
      expect(run.stderr).toContain("ModelServingApp 'models/jokemeter': image 'peterwolf/jokemeter:latest' must not use the floating tag 'latest'");
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(fs.readdirSync(path.join(project, 'manifests'))).toEqual(before);
    } finally {
      fs.writeFileSync(path.join(project, 'synth-app.ts'), APP);
    }
  }, 60_000);

  test('exits 2 on a usage error', () => {
    expect(synthIn(['--chart-version', 'one']).status).toBe(2);
  }, 60_000);
});
