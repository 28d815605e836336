import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../../constructs/check/cli';
import { parseManifests } from '../../constructs/check/load';
import { RULES as ALL_RULES } from '../../constructs/check/rules';
import { run } from './run-cli';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join('test', 'fixtures', 'check');
const RULES = path.join(FIXTURES, 'rules');

/** A CRD of a kind the package does not ship, whose spec has one field. */
const WIDGET_CRD = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: widgets.example.com}',
  'spec:',
  '  group: example.com',
  '  names: {kind: Widget, plural: widgets}',
  '  scope: Namespaced',
  '  versions:',
  '    - name: v1',
  '      served: true',
  '      storage: true',
  '      schema:',
  '        openAPIV3Schema:',
  '          type: object',
  '          properties:',
  '            spec: {type: object, properties: {size: {type: integer}}}',
  '',
].join('\n');

/** Runs the real command, from its TypeScript source, as a separate process. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'constructs', 'cli.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf-8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the cdk8s-model-serving command', () => {
  test('exits 1 on a fixture with an error and names file, line, object, field and rule', () => {
    const result = cli('check', path.join(RULES, 'wiring.ingress-backend.yaml'));
    expect(result.status).toBe(EXIT_FINDINGS);
    expect(result.stdout).toContain(path.join(RULES, 'wiring.ingress-backend.yaml'));
    expect(result.stdout).toContain('Ingress/api  spec.rules[0].http.paths[0].backend.service.port.number');
    expect(result.stdout).toContain('Service "api" has no port 8080 (ports: 80) [wiring/ingress-backend]');
    expect(result.stdout).toMatch(/check failed: 1 error, 0 warnings, 0 waived in 2 objects/);
  }, 30000);

  test('exits 1 on a runtime trap and on a schema error', () => {
    expect(cli('check', path.join(RULES, 'runtime.privileged-port.yaml')).status).toBe(EXIT_FINDINGS);
    expect(cli('check', path.join(RULES, 'schema.unknown-field.yaml')).status).toBe(EXIT_FINDINGS);
  }, 30000);

  test('exits 0 on the good app', () => {
    const result = cli('check', path.join(FIXTURES, 'good'), '--strict');
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout).toBe('check passed: 0 errors, 0 warnings, 0 waived in 7 objects\n');
  }, 30000);

  test('exits 2 on an unreadable file', () => {
    const result = cli('check', path.join(FIXTURES, 'no-such-file.yaml'));
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toContain('cannot read test/fixtures/check/no-such-file.yaml');
  }, 30000);
});

describe('the check command, in process', () => {
  test('policy warnings pass without --strict and fail with it', () => {
    const file = path.join(RULES, 'probes.readiness.yaml');
    const lenient = run('check', file);
    expect(lenient.status).toBe(EXIT_OK);
    expect(lenient.stdout).toContain('warning  Pod/api  spec.containers[0].readinessProbe');
    expect(lenient.stdout).toContain('check passed: 0 errors, 1 warning, 0 waived in 1 object');
    const strict = run('check', '--strict', file);
    expect(strict.status).toBe(EXIT_FINDINGS);
    expect(strict.stdout).toContain('error    Pod/api  spec.containers[0].readinessProbe');
    expect(strict.stdout).toContain('check failed: 1 error, 0 warnings, 0 waived in 1 object');
  });

  test('--strict=true and --strict=false say whether policy warnings fail the check', () => {
    const file = path.join(RULES, 'probes.readiness.yaml');
    expect(run('check', '--strict=true', file).status).toBe(EXIT_FINDINGS);
    expect(run('check', '--strict=false', file).status).toBe(EXIT_OK);
  });

  test('--format json prints every finding with file, line, object, path, rule, severity and message', () => {
    const file = path.join(RULES, 'runtime.probe-port.yaml');
    const result = run('check', file, '--format', 'json');
    expect(result.status).toBe(EXIT_FINDINGS);
    expect(JSON.parse(result.stdout)).toEqual({
      summary: { errors: 1, warnings: 0, info: 0, waived: 0, passed: false, objects: 1 },
      findings: [{
        file,
        line: 16,
        object: { apiVersion: 'v1', kind: 'Pod', name: 'api' },
        path: 'spec.containers[0].livenessProbe.httpGet.port',
        ruleId: 'runtime/probe-port',
        severity: 'error',
        message: 'livenessProbe of container "api" checks port "health", which names no port of the container (names: "http")',
      }],
    });
    expect(JSON.parse(run('check', '--format=json', file).stdout).summary.errors).toBe(1);
  });

  test('waived findings are listed with their reason and do not fail the check', () => {
    const result = run('check', '--strict', '--format', 'json', path.join(FIXTURES, 'waivers', 'explained.yaml'));
    const out = JSON.parse(result.stdout);
    expect(result.status).toBe(EXIT_OK);
    expect(out.summary).toEqual({ errors: 0, warnings: 0, info: 0, waived: 1, passed: true, objects: 1 });
    expect(out.findings[0]).toMatchObject({ ruleId: 'probes/liveness', waived: 'the batch scorer exits when done; a restart would rescore' });
  });

  test('folders are read recursively, only YAML files, and empty documents are skipped', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    try {
      fs.mkdirSync(path.join(dir, 'nested'));
      fs.copyFileSync(path.join(ROOT, RULES, 'schema.enum.yaml'), path.join(dir, 'nested', 'service.yml'));
      fs.writeFileSync(path.join(dir, 'empty.yaml'), '---\n# nothing\n---\n');
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not: [yaml');
      const result = run('check', dir, '--format', 'json');
      expect(result.status).toBe(EXIT_FINDINGS);
      const out = JSON.parse(result.stdout);
      expect(out.summary.objects).toBe(1);
      expect(out.findings.map((f: { file: string; ruleId: string }) => [path.relative(dir, f.file), f.ruleId])).toEqual([
        [path.join('nested', 'service.yml'), 'schema/enum'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a kind: List is checked item by item', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    try {
      const file = path.join(dir, 'list.yaml');
      fs.writeFileSync(file, 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: a}\n    data: {x: 1}\n');
      const out = JSON.parse(run('check', file, '--format', 'json').stdout);
      expect(out.findings.map((f: { path: string; line: number }) => [f.path, f.line])).toEqual([['data.x', 7]]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test.each([
    [[], 'missing command'],
    [['lint', 'x.yaml'], 'unknown command "lint"'],
    [['check'], 'check needs at least one file or folder'],
    [['check', 'x.yaml', '--format', 'xml'], '--format must be "text", "json" or "github", got "xml"'],
    [['check', 'x.yaml', '--verbose'], 'unknown option "--verbose"'],
    [['check', 'x.yaml', '--strict=no'], '--strict takes no value, or "true" or "false", got "no"'],
  ])('usage error %j exits 2', (args, message) => {
    const result = run(...args);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: cdk8s-model-serving check');
  });

  test('a --crd file with a YAML error is a usage error, not ignored', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crd-'));
    try {
      const crd = path.join(dir, 'crd.yaml');
      fs.writeFileSync(crd, 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nspec: [\n');
      const result = run('check', path.join(FIXTURES, 'good'), '--crd', crd);
      expect(result.status).toBe(EXIT_USAGE);
      expect(result.stderr).toContain(`cannot read ${crd}:4: YAML syntax error`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--help prints the usage and exits 0', () => {
    const result = run('check', '--help');
    expect(result.status).toBe(EXIT_OK);
    expect(result.stdout).toContain('--format text|json');
  });

  test('--crd checks custom resources against their definition', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    try {
      const crd = path.join(dir, 'crd.yaml');
      fs.writeFileSync(crd, WIDGET_CRD);
      const file = path.join(dir, 'widget.yaml');
      fs.writeFileSync(file, 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3, colour: red}\n');
      expect(run('check', file).stdout).toContain('[schema/unknown-kind]');
      const out = JSON.parse(run('check', file, '--crd', crd, '--format', 'json').stdout);
      expect(out.findings.map((f: { ruleId: string; path: string }) => [f.ruleId, f.path])).toEqual([['schema/unknown-field', 'spec.colour']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the CRDs the package ships are known without --crd', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
    try {
      const file = path.join(dir, 'monitor.yaml');
      fs.writeFileSync(file, [
        'apiVersion: monitoring.coreos.com/v1',
        'kind: ServiceMonitor',
        'metadata: {name: api}',
        'spec:',
        '  selector: {matchLabels: {app: api}}',
        '  endpoints: [{port: http, intervall: 30s}]',
        '',
      ].join('\n'));
      const out = JSON.parse(run('check', file, '--format', 'json').stdout);
      // The Service it selects is not among the files: a warning, as the check is not --complete.
      expect(out.findings.map((f: { ruleId: string; path: string; severity: string }) => [f.ruleId, f.path, f.severity])).toEqual([
        ['schema/unknown-field', 'spec.endpoints[0].intervall', 'error'],
        ['wiring/servicemonitor-selector', 'spec.selector', 'warning'],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('YAML as kubectl reads it', () => {
  test('yes is a boolean, dates and times stay strings', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  RELEASED: 2024-01-01\n  WINDOW: 12:30\n  DEBUG: on\n  MODE: 0755\n';
    const { items } = parseManifests(text);
    expect(items[0].object.data).toEqual({ RELEASED: '2024-01-01', WINDOW: '12:30', DEBUG: true, MODE: 493 });
  });
});

test('- reads manifests from the standard input', () => {
  const text = fs.readFileSync(path.join(ROOT, RULES, 'wiring.pdb-selector.yaml'), 'utf-8');
  const result = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(ROOT, 'constructs', 'cli.ts'), 'check', '--complete', '-'], {
    cwd: ROOT,
    encoding: 'utf-8',
    input: text,
  });
  expect(result.status).toBe(EXIT_FINDINGS);
  expect(result.stdout).toContain('<stdin>\n');
  expect(result.stdout).toContain('[wiring/pdb-selector]');
}, 30000);

test('a misspelt waiver suggests the rule it probably means', () => {
  const out = JSON.parse(run('check', '--format', 'json', path.join(RULES, 'waiver.unknown-rule.yaml')).stdout);
  expect(out.findings[0].message).toBe(
    'waiver "model-serving.cdk8s.io/waive.probes.liveliness" names no rule; did you mean "model-serving.cdk8s.io/waive.probes.liveness"?');
});

test('rules lists every rule with its severity', () => {
  const result = run('rules');
  expect(result.status).toBe(EXIT_OK);
  const lines = result.stdout.trim().split('\n');
  expect(lines).toHaveLength(ALL_RULES.length);
  expect(lines.find(l => l.startsWith('image/pinned-tag'))).toMatch(/^image\/pinned-tag +warning +An image has no tag/);
  expect(lines.find(l => l.startsWith('runtime/probe-port'))).toMatch(/^runtime\/probe-port +error +/);
});

test('--format github prints one annotation per unwaived finding, then the summary', () => {
  const file = path.join(RULES, 'runtime.probe-port.yaml');
  const result = run('check', '--format', 'github', file);
  expect(result.status).toBe(EXIT_FINDINGS);
  expect(result.stdout).toBe([
    `::error file=${file},line=16,title=runtime/probe-port::Pod/api spec.containers[0].livenessProbe.httpGet.port: ` +
      'livenessProbe of container "api" checks port "health", which names no port of the container (names: "http")',
    'check failed: 1 error, 0 warnings, 0 waived in 1 object',
    '',
  ].join('\n'));
  expect(run('check', '--format', 'github', path.join(FIXTURES, 'waivers', 'explained.yaml')).stdout).not.toContain('::');
});

test('a CustomResourceDefinition among the checked files is used for its custom resources', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-'));
  try {
    fs.writeFileSync(path.join(dir, 'crd.yaml'), WIDGET_CRD);
    fs.writeFileSync(path.join(dir, 'widget.yaml'), [
      'apiVersion: example.com/v1',
      'kind: Widget',
      'metadata: {name: w}',
      'spec:',
      '  size: 3',
      '  colour: red',
      '',
    ].join('\n'));
    const out = JSON.parse(run('check', dir, '--format', 'json').stdout);
    expect(out.findings.map((f: { ruleId: string; path: string; line: number }) => [f.ruleId, f.path, f.line])).toEqual([
      ['schema/unknown-field', 'spec.colour', 6],
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
