// Proves another repo can install the packed library and synthesize from it, in JavaScript and in TypeScript.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as YAML from 'yaml';

const root = path.join(__dirname, '..');
const peers = ['cdk8s', 'constructs', 'cdk8s-plus-28']
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

let project: string;

beforeAll(() => {
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  const packed = execFileSync('npm', ['pack', '--pack-destination', project, '--silent'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop()!;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', path.join(project, packed), ...peers], { cwd: project });
  fs.writeFileSync(path.join(project, 'main.ts'), CONSUMER_TS);
  fs.writeFileSync(path.join(project, 'main.js'), ts.transpileModule(CONSUMER_TS, { compilerOptions: { module: ts.ModuleKind.CommonJS } }).outputText);
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

test('a TypeScript consumer type-checks against the shipped declarations', () => {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--esModuleInterop', '--module', 'commonjs', '--target', 'ES2022',
    '--moduleResolution', 'node', 'main.ts'], { cwd: project });
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
  const run = spawnSync(bin, ['check', 'broken.yaml'], { cwd: project, encoding: 'utf8' });
  expect(run.status).toBe(1);
  expect(run.stdout).toMatch(/wiring\/service-selector/);
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
