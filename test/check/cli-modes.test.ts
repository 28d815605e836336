import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, runCli } from '../../constructs/check/cli';

const RULES = path.join('test', 'fixtures', 'check', 'rules');

/** Runs the command in this process, capturing its output. */
function run(...args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, { stdout: t => { stdout += t; }, stderr: t => { stderr += t; } });
  return { status, stdout, stderr };
}

/** Runs `fn` with a temporary folder, removed afterwards. */
function inTempDir(fn: (dir: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-modes-'));
  try {
    fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('--complete', () => {
  // The Service is in namespace ml; the pods it selects are in default, as if defined elsewhere.
  const lonelyService = path.join(RULES, 'wiring.service-selector.yaml');

  test('without it, a Service whose pods are not among the files is a warning, and the check passes', () => {
    const result = run('check', lonelyService);
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout).toContain('warning  Service/ml/api  spec.selector');
    expect(result.stdout).toContain('check passed: 0 errors, 1 warning, 0 waived in 2 objects (findings in 1 file)');
  });

  test('with it, the same Service is an error', () => {
    const result = run('check', '--complete', lonelyService);
    expect(result.status).toBe(EXIT_FINDINGS);
    expect(result.stdout).toContain('error    Service/ml/api  spec.selector');
    expect(run('check', '--complete=true', lonelyService).status).toBe(EXIT_FINDINGS);
    expect(run('check', '--complete=false', lonelyService).status).toBe(EXIT_OK);
  });

  test('strict mode makes the warning fail too', () => {
    expect(run('check', '--strict', lonelyService).status).toBe(EXIT_FINDINGS);
  });

  test('a value other than true or false is a usage error', () => {
    const result = run('check', '--complete=yes', lonelyService);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('--complete takes no value, or "true" or "false", got "yes"');
  });

  test('the usage names it', () => {
    expect(run('--help').stdout).toContain('--complete');
  });
});

describe('info findings', () => {
  const secretRef = path.join(RULES, 'wiring.secret-ref.yaml');

  test('are listed and never fail the check, strict and complete', () => {
    const result = run('check', '--strict', '--complete', secretRef);
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout).toContain('info     Pod/api  spec.containers[0].env[0].valueFrom.secretKeyRef.name');
    expect(result.stdout).toContain('Secret "api-credentials" is not in the manifests: it must exist in namespace "default" before apply');
    expect(result.stdout).toContain('check passed: 0 errors, 0 warnings, 1 info, 0 waived in 1 object');
  });

  test('are counted in the JSON summary', () => {
    const out = JSON.parse(run('check', '--format', 'json', '--strict', secretRef).stdout);
    expect(out.summary).toEqual({ errors: 0, warnings: 0, info: 1, waived: 0, passed: true, objects: 1 });
    expect(out.findings.map((f: { ruleId: string; severity: string }) => [f.ruleId, f.severity])).toEqual([['wiring/secret-ref', 'info']]);
  });

  test('are GitHub notices', () => {
    const result = run('check', '--format', 'github', secretRef);
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout.split('\n')[0]).toMatch(/^::notice file=.*wiring\.secret-ref\.yaml,line=\d+,title=wiring\/secret-ref::Pod\/api /);
  });

  test('the rules command lists their rules as info, and read-only-root-tmp as a warning', () => {
    const lines = run('rules').stdout.split('\n');
    expect(lines.find(l => l.startsWith('wiring/secret-ref'))).toMatch(/^wiring\/secret-ref +info +A pod or Ingress uses a Secret/);
    expect(lines.find(l => l.startsWith('runtime/read-only-root-tmp'))).toMatch(/^runtime\/read-only-root-tmp +warning +/);
    expect(lines.find(l => l.startsWith('wiring/service-selector'))).toMatch(/^wiring\/service-selector +error +.*A warning unless --complete\.$/);
  });
});

describe('a v1beta1 CustomResourceDefinition given with --crd', () => {
  const crd = (extra: string) => [
    'apiVersion: apiextensions.k8s.io/v1beta1',
    'kind: CustomResourceDefinition',
    'metadata: {name: models.example.com}',
    'spec:',
    '  group: example.com',
    '  version: v1alpha1',
    '  names: {kind: Model, plural: models}',
    '  scope: Namespaced',
    extra,
    '  validation:',
    '    openAPIV3Schema:',
    '      type: object',
    '      properties:',
    '        spec:',
    '          type: object',
    '          required: [uri]',
    '          properties:',
    '            uri: {type: string}',
    '            replicas: {type: integer}',
    '',
  ].join('\n');
  const model = (spec: string) => `apiVersion: example.com/v1alpha1\nkind: Model\nmetadata: {name: half-plus-two}\nspec: ${spec}\n`;

  test('gives its spec.validation schema to its custom resources', () => {
    inTempDir(dir => {
      fs.writeFileSync(path.join(dir, 'crd.yaml'), crd(''));
      fs.writeFileSync(path.join(dir, 'model.yaml'), model('{uri: "gs://models/half_plus_two", replicas: 2}'));
      expect(run('check', path.join(dir, 'model.yaml'), '--crd', path.join(dir, 'crd.yaml'))).toMatchObject({ status: EXIT_OK, stderr: '' });
      fs.writeFileSync(path.join(dir, 'model.yaml'), model('{replicas: two}'));
      const out = JSON.parse(run('check', path.join(dir, 'model.yaml'), '--crd', path.join(dir, 'crd.yaml'), '--format', 'json').stdout);
      expect(out.findings.map((f: { ruleId: string; path: string }) => [f.ruleId, f.path])).toEqual([
        ['schema/required', 'spec.uri'],
        ['schema/type', 'spec.replicas'],
      ]);
    });
  });

  test('keeps unknown fields, as the API server did for v1beta1, unless preserveUnknownFields is false', () => {
    inTempDir(dir => {
      fs.writeFileSync(path.join(dir, 'model.yaml'), model('{uri: "gs://models/half_plus_two", replica: 2}'));
      fs.writeFileSync(path.join(dir, 'crd.yaml'), crd(''));
      expect(run('check', path.join(dir, 'model.yaml'), '--crd', path.join(dir, 'crd.yaml')).status).toBe(EXIT_OK);
      fs.writeFileSync(path.join(dir, 'crd.yaml'), crd('  preserveUnknownFields: false'));
      const out = JSON.parse(run('check', path.join(dir, 'model.yaml'), '--crd', path.join(dir, 'crd.yaml'), '--format', 'json').stdout);
      expect(out.findings.map((f: { ruleId: string; path: string }) => [f.ruleId, f.path])).toEqual([['schema/unknown-field', 'spec.replica']]);
    });
  });

  test('a per-version schema of v1beta1 versions is read too', () => {
    inTempDir(dir => {
      const perVersion = crd('').replace('  version: v1alpha1\n', '  preserveUnknownFields: false\n  versions:\n    - {name: v1alpha1, served: true, storage: true}\n');
      fs.writeFileSync(path.join(dir, 'crd.yaml'), perVersion);
      fs.writeFileSync(path.join(dir, 'model.yaml'), model('{uri: "gs://models/half_plus_two"}'));
      expect(run('check', path.join(dir, 'model.yaml'), '--crd', path.join(dir, 'crd.yaml')).status).toBe(EXIT_OK);
    });
  });
});
