import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';

import { ManifestCheckValidation, ValidationContextLike, warmUp } from '../../constructs/check/plugin';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'check');

interface Resource {
  resourceName: string;
  locations: readonly string[];
  manifestPath: string;
}

interface Recorded {
  violations: { ruleName: string; recommendation: string; violatingResources: Resource[] }[];
  status?: string;
  metadata?: Record<string, string>;
}

function context(manifests: string[]): { context: ValidationContextLike; recorded: Recorded } {
  const recorded: Recorded = { violations: [] };
  return {
    recorded,
    context: {
      manifests,
      report: {
        addViolation: v => { recorded.violations.push({ ...v, violatingResources: [...v.violatingResources] }); },
        submit: (status, metadata) => { recorded.status = status; recorded.metadata = { ...metadata }; },
      },
    },
  };
}

test('the plugin passes the good app', async () => {
  const { context: ctx, recorded } = context([path.join(FIXTURES, 'good', 'app.yaml')]);
  await new ManifestCheckValidation({ strict: true }).validate(ctx);
  expect(recorded).toEqual({
    violations: [], status: 'success',
    metadata: { errors: '0', warnings: '0', info: '0', waived: '0', strict: 'true', complete: 'true', kubernetesVersion: '1.28' },
  });
});

test('the plugin fails on errors and names the resource, the field and the line', async () => {
  const manifest = path.join(FIXTURES, 'rules', 'wiring.service-target-port.yaml');
  const { context: ctx, recorded } = context([manifest]);
  await new ManifestCheckValidation().validate(ctx);
  expect(recorded.status).toBe('failure');
  expect(recorded.violations).toEqual([{
    ruleName: 'wiring/service-target-port (error)',
    recommendation: expect.stringContaining('A Service targetPort names no port of the containers it selects'),
    fix: expect.any(String),
    violatingResources: [{
      resourceName: 'Service/api',
      manifestPath: manifest,
      locations: ['spec.ports[0].targetPort (line 25): targetPort "web" is not a port name of Pod/api (declared: 8080, "http")'],
    }],
  }]);
});

test('the plugin lists policy warnings but passes, unless strict', async () => {
  const manifests = [path.join(FIXTURES, 'rules', 'probes.liveness.yaml')];
  const lenient = context(manifests);
  await new ManifestCheckValidation().validate(lenient.context);
  expect(lenient.recorded.status).toBe('success');
  expect(lenient.recorded.violations.map(v => v.ruleName)).toEqual(['probes/liveness (warning)']);
  const strict = context(manifests);
  await new ManifestCheckValidation({ strict: true }).validate(strict.context);
  expect(strict.recorded.status).toBe('failure');
  expect(strict.recorded.violations.map(v => v.ruleName)).toEqual(['probes/liveness (error)']);
});

test('the plugin refuses CustomResourceDefinition files with YAML errors', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-'));
  try {
    const crd = path.join(dir, 'crd.yaml');
    fs.writeFileSync(crd, 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: [\n');
    const { context: ctx } = context([path.join(FIXTURES, 'good', 'app.yaml')]);
    await expect(new ManifestCheckValidation({ crds: [crd] }).validate(ctx)).rejects.toThrow(`cannot read CustomResourceDefinitions: ${crd}:4: YAML syntax error`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the plugin checks objects across manifests together', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
  try {
    const source = fs.readFileSync(path.join(FIXTURES, 'good', 'app.yaml'), 'utf-8').split('\n---\n');
    const service = source.findIndex(doc => doc.includes('kind: Service\n'));
    fs.writeFileSync(path.join(dir, 'service.k8s.yaml'), source[service]);
    fs.writeFileSync(path.join(dir, 'rest.k8s.yaml'), source.filter((_, i) => i !== service).join('\n---\n'));
    const { context: ctx, recorded } = context([path.join(dir, 'rest.k8s.yaml'), path.join(dir, 'service.k8s.yaml')]);
    await new ManifestCheckValidation().validate(ctx);
    expect(recorded.status).toBe('success');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cdk8s synth --validate runs the plugin from cdk8s.yaml and fails on a broken manifest', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-synth-'));
  try {
    // The entry cdk8s.yaml names: it loads the plugin from its TypeScript source through tsx, so no build is needed.
    const plugin = path.join(ROOT, 'constructs', 'check', 'cdk8s-plugin.js');
    const broken = fs.readFileSync(path.join(FIXTURES, 'rules', 'wiring.ingress-backend.yaml'), 'utf-8');
    fs.writeFileSync(path.join(dir, 'app.js'), [
      'const fs = require("fs");',
      'const path = require("path");',
      'fs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });',
      `fs.writeFileSync(path.join(process.env.CDK8S_OUTDIR, "app.k8s.yaml"), ${JSON.stringify(broken)});`,
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'language: typescript',
      'app: node app.js',
      'validations:',
      `  - package: ${plugin}`,
      '    version: 0.1.0',
      '    class: ManifestCheckValidation',
      '',
    ].join('\n'));
    const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--validate', '--no-check-upgrade'], {
      cwd: dir,
      encoding: 'utf-8',
    });
    expect(result.stdout).toContain('wiring/ingress-backend (error)');
    expect(result.stdout).toContain('Service "api" has no port 8080 (ports: 80)');
    expect(result.status).toBe(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60000);

test('the plugin entry of cdk8s.yaml exports the class and warmUp, which npm run synth calls while the app runs', () => {
  const entry = path.join(ROOT, 'constructs', 'check', 'cdk8s-plugin.js');
  const script = `const m = require(${JSON.stringify(entry)}); m.warmUp(); console.log(typeof m.ManifestCheckValidation, typeof m.warmUp);`;
  const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf-8' });
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('function function');
  expect(() => warmUp()).not.toThrow();
}, 30000);

test('the plugin judges the synthesized manifests as a complete set, unless complete is false', async () => {
  const manifests = [path.join(FIXTURES, 'rules', 'wiring.hpa-target.yaml')];
  const byDefault = context(manifests);
  await new ManifestCheckValidation().validate(byDefault.context);
  expect(byDefault.recorded.status).toBe('failure');
  expect(byDefault.recorded.violations.map(v => v.ruleName)).toEqual(['wiring/hpa-target (error)']);
  const partial = context(manifests);
  await new ManifestCheckValidation({ complete: false }).validate(partial.context);
  expect(partial.recorded.status).toBe('success');
  expect(partial.recorded.violations.map(v => v.ruleName)).toEqual(['wiring/hpa-target (warning)']);
  expect(partial.recorded.metadata).toMatchObject({ complete: 'false', warnings: '1' });
});

test('the plugin lists what must exist before apply as info, and passes, even strict', async () => {
  const { context: ctx, recorded } = context([path.join(FIXTURES, 'rules', 'wiring.pvc-ref.yaml')]);
  await new ManifestCheckValidation({ strict: true }).validate(ctx);
  expect(recorded.status).toBe('success');
  expect(recorded.violations.map(v => [v.ruleName, v.violatingResources[0].locations[0]])).toEqual([[
    'wiring/pvc-ref (info)',
    expect.stringContaining('PersistentVolumeClaim "models" is not in the manifests: it must exist in namespace "default" before apply'),
  ]]);
  expect(recorded.metadata).toMatchObject({ errors: '0', info: '1' });
});

test('this repository synthesizes with the plugin in complete mode', () => {
  const config = parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf-8')) as { validations: { class: string; properties: Record<string, unknown> }[] };
  expect(config.validations.find(v => v.class === 'ManifestCheckValidation')?.properties).toMatchObject({ complete: true });
});

test('the plugin checks the custom kinds the constructs emit against their shipped CRDs, without crds', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plugin-'));
  try {
    const manifest = path.join(dir, 'gitops.k8s.yaml');
    fs.writeFileSync(manifest, [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: jokemeter, namespace: argocd}',
      'spec:',
      '  project: default',
      '  source: {repoURL: "https://github.com/example/models.git", path: dist/production, targetRevision: HEAD}',
      '  destination: {server: "https://kubernetes.default.svc", namespace: ml}',
      '---',
      'apiVersion: monitoring.coreos.com/v1',
      'kind: ServiceMonitor',
      'metadata: {name: jokemeter, namespace: ml}',
      'spec:',
      '  selector: {matchLabels: {app.kubernetes.io/name: jokemeter}}',
      '  endpoints: [{port: http, intervall: 30s}]',
      '',
    ].join('\n'));
    const { context: ctx, recorded } = context([manifest]);
    await new ManifestCheckValidation({ strict: true }).validate(ctx);
    expect(recorded.violations.map(v => [v.ruleName, v.violatingResources.map(r => r.resourceName)])).toEqual([
      ['schema/unknown-field (error)', ['ServiceMonitor/ml/jokemeter']],
      // Complete by default: the Service it selects must be among the manifests.
      ['wiring/servicemonitor-selector (error)', ['ServiceMonitor/ml/jokemeter']],
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
