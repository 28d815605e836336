import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { checkObjects } from '../../constructs/check/check';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, USAGE } from '../../constructs/check/cli';
import {
  DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS, kubernetesVersionOf, requireKubernetesVersion, unsupportedKubernetesVersion,
} from '../../constructs/check/kubernetes-versions';
import { ManifestCheckValidation, ValidationContextLike, warmUp } from '../../constructs/check/plugin';
import { SchemaValidator, validateManifest } from '../../constructs/check/schema';
import { run } from './run-cli';

const ROOT = path.join(__dirname, '..', '..');
const SUPPORTED = '1.28, 1.29, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35, 1.36';
const GOOD_APP = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'check', 'good', 'app.yaml'), 'utf-8');
/** The good app, whose Service asks for topology-aware routing: `spec.trafficDistribution` came with Kubernetes 1.30. */
const ROUTED_APP = GOOD_APP.replace(
  'kind: Service\nmetadata:\n  name: sentiment\n  namespace: ml\nspec:\n',
  'kind: Service\nmetadata:\n  name: sentiment\n  namespace: ml\nspec:\n  trafficDistribution: PreferClose\n',
);
const BEFORE_1_30 = ['1.28', '1.29'];
const FROM_1_30 = KUBERNETES_VERSIONS.filter(v => !BEFORE_1_30.includes(v));

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'versions-'));
  fs.writeFileSync(path.join(dir, 'routed.yaml'), ROUTED_APP);
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('naming a version', () => {
  test('the versions are 1.28 to 1.36, and 1.28 is the default', () => {
    expect(KUBERNETES_VERSIONS.join(', ')).toBe(SUPPORTED);
    expect(DEFAULT_KUBERNETES_VERSION).toBe('1.28');
  });

  test.each([['1.30', '1.30'], ['v1.30', '1.30'], ['1.30.4', '1.30'], ['v1.36.0', '1.36'], ['1.28', '1.28']])('%s names %s', (value, version) => {
    expect(kubernetesVersionOf(value)).toBe(version);
  });

  test.each(['1.27', '1.37', '1.3', '1', '2.30', 'latest', '', ' 1.30', '1.30.', '1.30-rc.1', 'v1.30.4.1'])('"%s" names no version', value => {
    expect(kubernetesVersionOf(value)).toBeUndefined();
  });

  test('a refused value is named, with every supported version', () => {
    expect(unsupportedKubernetesVersion('--kubernetes-version', '1.27')).toBe(`--kubernetes-version must be one of ${SUPPORTED}, got "1.27"`);
    expect(unsupportedKubernetesVersion('--kubernetes-version', undefined)).toBe(`--kubernetes-version must be one of ${SUPPORTED}, got nothing`);
    expect(() => requireKubernetesVersion('kubernetesVersion', 1.3)).toThrow(
      `kubernetesVersion must be one of ${SUPPORTED}, got the number 1.3 (quote the version: YAML reads 1.30 as 1.3)`);
  });

  test('the validator and the check refuse a version they do not know', () => {
    expect(() => new SchemaValidator('1.27')).toThrow(`kubernetesVersion must be one of ${SUPPORTED}, got "1.27"`);
    expect(() => validateManifest({}, '1.40')).toThrow(`kubernetesVersion must be one of ${SUPPORTED}, got "1.40"`);
    expect(() => checkObjects([], { kubernetesVersion: 'latest' })).toThrow(`kubernetesVersion must be one of ${SUPPORTED}, got "latest"`);
    expect(new SchemaValidator('v1.31.2').kubernetesVersion).toBe('1.31');
  });
});

describe('what each version serves', () => {
  const flowSchema = (apiVersion: string) =>
    ({ apiVersion, kind: 'FlowSchema', metadata: { name: 'batch' }, spec: { priorityLevelConfiguration: { name: 'batch' } } });
  const rulesAt = (obj: object, version: string) => validateManifest(obj, version).map(f => [f.ruleId, f.path]);

  test.each(KUBERNETES_VERSIONS)('Kubernetes %s refuses the APIs removed before 1.28, and names the served ones', version => {
    const hpa = { apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'api' }, spec: {} };
    const pdb = { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'api' }, spec: {} };
    expect(validateManifest(hpa, version).map(f => [f.ruleId, f.message])).toEqual([['schema/unknown-kind',
      `kind HorizontalPodAutoscaler is not served as apiVersion "autoscaling/v2beta2" in Kubernetes ${version}; use "autoscaling/v1" or "autoscaling/v2"`]]);
    expect(validateManifest(pdb, version).map(f => [f.ruleId, f.message])).toEqual([['schema/unknown-kind',
      `kind PodDisruptionBudget is not served as apiVersion "policy/v1beta1" in Kubernetes ${version}; use "policy/v1"`]]);
  });

  test('flowcontrol.apiserver.k8s.io/v1beta2 is served by 1.28 only, v1beta3 up to 1.31, v1 from 1.29', () => {
    const servedBy = (apiVersion: string) => KUBERNETES_VERSIONS.filter(v => rulesAt(flowSchema(apiVersion), v).length === 0);
    expect(servedBy('flowcontrol.apiserver.k8s.io/v1beta2')).toEqual(['1.28']);
    expect(servedBy('flowcontrol.apiserver.k8s.io/v1beta3')).toEqual(['1.28', '1.29', '1.30', '1.31']);
    expect(servedBy('flowcontrol.apiserver.k8s.io/v1')).toEqual(KUBERNETES_VERSIONS.filter(v => v !== '1.28'));
    expect(validateManifest(flowSchema('flowcontrol.apiserver.k8s.io/v1beta3'), '1.32').map(f => f.message)).toEqual([
      'kind FlowSchema is not served as apiVersion "flowcontrol.apiserver.k8s.io/v1beta3" in Kubernetes 1.32 (served by Kubernetes 1.28 to 1.31); '
      + 'use "flowcontrol.apiserver.k8s.io/v1"',
    ]);
  });

  test('networking.k8s.io/v1 ServiceCIDR is served from 1.33', () => {
    const cidr = { apiVersion: 'networking.k8s.io/v1', kind: 'ServiceCIDR', metadata: { name: 'extra' }, spec: { cidrs: ['10.96.0.0/16'] } };
    expect(KUBERNETES_VERSIONS.filter(v => rulesAt(cidr, v).length === 0)).toEqual(['1.33', '1.34', '1.35', '1.36']);
    expect(validateManifest(cidr, '1.28').map(f => f.message)).toEqual([
      'kind ServiceCIDR is not served as apiVersion "networking.k8s.io/v1" in Kubernetes 1.28 (served by Kubernetes 1.33 to 1.36)',
    ]);
    expect(validateManifest(cidr, '1.30').map(f => f.message)).toEqual([
      'kind ServiceCIDR is not served as apiVersion "networking.k8s.io/v1" in Kubernetes 1.30 (served by Kubernetes 1.33 to 1.36); use "networking.k8s.io/v1alpha1"',
    ]);
  });

  test('Service spec.trafficDistribution is a field from 1.30, and an unknown one before', () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { ports: [{ port: 80 }], trafficDistribution: 'PreferClose' } };
    for (const version of BEFORE_1_30) {
      expect([version, validateManifest(service, version).map(f => [f.ruleId, f.path, f.message])]).toEqual([version, [
        ['schema/unknown-field', 'spec.trafficDistribution', 'unknown field "trafficDistribution"'],
      ]]);
    }
    for (const version of FROM_1_30) {
      expect([version, validateManifest(service, version)]).toEqual([version, []]);
    }
    expect(validateManifest(service)).toHaveLength(1);
  });
});

describe('cdk8s-model-serving check --kubernetes-version', () => {
  test('checks against 1.28 by default', () => {
    const result = run('check', '--strict', path.join(dir, 'routed.yaml'));
    expect(result.status).toBe(EXIT_FINDINGS);
    expect(result.stdout).toContain('unknown field "trafficDistribution" [schema/unknown-field]');
  });

  test.each(FROM_1_30)('passes a field of Kubernetes %s, strictly', version => {
    expect(run('check', '--strict', '--kubernetes-version', version, path.join(dir, 'routed.yaml'))).toEqual({
      status: EXIT_OK, stdout: 'check passed: 0 errors, 0 warnings, 0 waived in 7 objects\n', stderr: '',
    });
  });

  test('takes the version after = too, with a v or a patch release', () => {
    expect(run('check', '--kubernetes-version=v1.30.2', path.join(dir, 'routed.yaml')).status).toBe(EXIT_OK);
    expect(run('check', path.join(dir, 'routed.yaml'), '--kubernetes-version', '1.29').status).toBe(EXIT_FINDINGS);
  });

  test.each([
    [['--kubernetes-version', '1.27'], '"1.27"'],
    [['--kubernetes-version=1.37'], '"1.37"'],
    [['--kubernetes-version', 'latest'], '"latest"'],
    [['--kubernetes-version='], '""'],
    [['--kubernetes-version'], 'nothing'],
  ])('%j is a usage error that lists the supported versions', (flag, got) => {
    const result = run('check', path.join(dir, 'routed.yaml'), ...flag);
    expect(result).toEqual({ status: EXIT_USAGE, stdout: '', stderr: `--kubernetes-version must be one of ${SUPPORTED}, got ${got}\n\n${USAGE}` });
  });

  test('the usage names the option, the versions and the default', () => {
    expect(USAGE).toContain('[--kubernetes-version <version>]');
    expect(USAGE).toContain(`the Kubernetes API to check against: ${SUPPORTED}`);
    expect(USAGE).toContain('(default 1.28; v1.30 and 1.30.4 mean 1.30)');
  });
});

describe('the kubernetesVersion property of the validation plugin', () => {
  function validate(plugin: ManifestCheckValidation): Promise<{ status?: string; rules: string[]; metadata?: Record<string, string> }> {
    const recorded: { status?: string; rules: string[]; metadata?: Record<string, string> } = { rules: [] };
    const context: ValidationContextLike = {
      manifests: [path.join(dir, 'routed.yaml')],
      report: {
        addViolation: v => { recorded.rules.push(v.ruleName); },
        submit: (status, metadata) => { recorded.status = status; recorded.metadata = { ...metadata }; },
      },
    };
    return plugin.validate(context).then(() => recorded);
  }

  test('chooses the version the manifests are checked against', async () => {
    expect(await validate(new ManifestCheckValidation({ strict: true, kubernetesVersion: '1.30' }))).toEqual({
      status: 'success', rules: [], metadata: { errors: '0', warnings: '0', info: '0', waived: '0', strict: 'true', complete: 'true', kubernetesVersion: '1.30' },
    });
    expect(await validate(new ManifestCheckValidation())).toEqual(expect.objectContaining({
      status: 'failure', rules: ['schema/unknown-field (error)'], metadata: expect.objectContaining({ kubernetesVersion: '1.28' }),
    }));
  });

  test('refuses a version it does not know, or a number, when cdk8s.yaml is read', () => {
    expect(() => new ManifestCheckValidation({ kubernetesVersion: '1.27' })).toThrow(
      `ManifestCheckValidation: property kubernetesVersion must be one of ${SUPPORTED}, got "1.27"`);
    expect(() => new ManifestCheckValidation({ kubernetesVersion: 1.3 as never })).toThrow(
      `ManifestCheckValidation: property kubernetesVersion must be one of ${SUPPORTED}, got the number 1.3 (quote the version: YAML reads 1.30 as 1.3)`);
  });

  test('warmUp prepares the version the properties name, and only that one', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const readFileSync = jest.spyOn(require('fs') as typeof import('fs'), 'readFileSync');
    try {
      // A fresh module registry: the other tests of this file have decoded every version already.
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('../../constructs/check/plugin') as typeof import('../../constructs/check/plugin')).warmUp({ kubernetesVersion: '1.35' });
      });
      expect(readFileSync.mock.calls.map(([file]) => path.basename(String(file))).filter(f => f.endsWith('.br'))).toEqual(['kubernetes-1.35.json.br']);
    } finally {
      readFileSync.mockRestore();
    }
    expect(() => warmUp({ kubernetesVersion: '1.27' })).toThrow(`kubernetesVersion must be one of ${SUPPORTED}, got "1.27"`);
  });

  test('cdk8s synth passes it from cdk8s.yaml, quoted as the README shows', () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), 'versions-synth-'));
    const synth = (version: string) => {
      fs.writeFileSync(path.join(project, 'cdk8s.yaml'), [
        'language: typescript',
        'app: node app.js',
        'validations:',
        `  - package: ${path.join(ROOT, 'constructs', 'check', 'cdk8s-plugin.js')}`,
        '    version: 0.1.0',
        '    class: ManifestCheckValidation',
        '    properties:',
        '      strict: true',
        `      kubernetesVersion: ${version}`,
        '',
      ].join('\n'));
      return spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--validate', '--no-check-upgrade'], {
        cwd: project,
        encoding: 'utf-8',
      });
    };
    try {
      fs.writeFileSync(path.join(project, 'app.js'), [
        'const fs = require("fs");',
        'const path = require("path");',
        'fs.mkdirSync(process.env.CDK8S_OUTDIR, { recursive: true });',
        `fs.writeFileSync(path.join(process.env.CDK8S_OUTDIR, "app.k8s.yaml"), ${JSON.stringify(ROUTED_APP)});`,
      ].join('\n'));
      const quoted = synth('\'1.30\'');
      expect(quoted.stdout).toMatch(/Status\s+│ success/);
      expect(quoted.status).toBe(0);
      const unquoted = synth('1.30');
      expect(unquoted.stdout + unquoted.stderr).toContain('property kubernetesVersion must be one of');
      expect(unquoted.stdout + unquoted.stderr).toContain('got the number 1.3 (quote the version: YAML reads 1.30 as 1.3)');
      expect(unquoted.status).not.toBe(0);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  }, 120_000);
});
