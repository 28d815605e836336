// The validators `npm run build` precompiles give the same findings as the ones a check compiles, on every fixture.
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

import type { SchemaFinding } from '../../constructs/check/findings';
import { PrecompiledModule, precompiledModuleSource, validatorsFingerprint } from '../../constructs/check/precompiled-validators';
import { standaloneValidatorsCode } from '../../constructs/check/schema';

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'check');
const CHECK_MODULES = '../../constructs/check';

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const file = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(file) : /\.ya?ml$/.test(e.name) ? [file] : [];
  });
}

/** Every document of every fixture, with the example app's kinds broken in the ways the schema rules report. */
function fixtureObjects(): unknown[] {
  const objects = yamlFiles(FIXTURES).flatMap(file => parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJS() as unknown));
  const deployment = objects.find(o => (o as { kind?: string })?.kind === 'Deployment') as Record<string, unknown>;
  const broken = [
    { ...deployment, spec: { ...(deployment.spec as object), replicas: 'two', bogus: true } },
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'a' }, spec: { project: 1, destination: {}, source: { repoURL: 'x', extra: 1 } } },
    { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm' }, spec: { endpoints: [{ port: 8080, interval: 'often' }] } },
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec: { rules: [{ backendRefs: [{ name: 'b', port: 'http' }] }] } },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 70000, protocol: 'SCTPX' }] } },
    { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h' }, spec: { maxReplicas: -1, metrics: [{ type: 'Nope' }] } },
  ];
  return [...objects, ...broken];
}

/** The generated module, loaded as lib/check/validators/ would be, with its requires resolved from the repository. */
function generatedModule(): PrecompiledModule {
  const source = precompiledModuleSource(standaloneValidatorsCode('1.28'), [validatorsFingerprint('1.28')]);
  const exports = {} as PrecompiledModule;

  new Function('exports', 'require', source)(exports, Module.createRequire(path.join(ROOT, 'package.json')));
  return exports;
}

/** The findings of the default validator of 1.28 on each object, in a fresh module registry. */
function findingsWith(precompiled: PrecompiledModule | undefined, used: Set<string>): SchemaFinding[][] {
  let findings: SchemaFinding[][] = [];
  jest.isolateModules(() => {
    jest.doMock(`${CHECK_MODULES}/precompiled-validators`, () => {
      const actual = jest.requireActual(`${CHECK_MODULES}/precompiled-validators`) as typeof import('../../constructs/check/precompiled-validators');
      return {
        ...actual,
        loadPrecompiledValidators: (version: string, engine: Parameters<PrecompiledModule['createValidators']>[0]) => {
          if (!precompiled || version !== '1.28') {
            return undefined;
          }
          const validators = precompiled.createValidators(engine);
          return new Proxy(validators, { get: (target, name: string) => (used.add(name), target[name]) });
        },
      };
    });
    const { validateManifest } = jest.requireActual(`${CHECK_MODULES}/schema`) as typeof import('../../constructs/check/schema');
    findings = fixtureObjects().map(o => validateManifest(o, '1.28'));
  });
  jest.dontMock(`${CHECK_MODULES}/precompiled-validators`);
  return findings;
}

test('precompiled validators give the same findings as compiled ones on every fixture, and are the ones used', () => {
  const used = new Set<string>();
  const precompiled = findingsWith(generatedModule(), used);
  const compiled = findingsWith(undefined, new Set());
  expect(precompiled).toEqual(compiled);
  // the comparison covers findings, not only clean objects
  expect(compiled.flat().length).toBeGreaterThan(20);
  for (const ruleId of ['schema/unknown-field', 'schema/type', 'schema/enum', 'schema/required']) {
    expect(compiled.flat().map(f => f.ruleId)).toContain(ruleId);
  }
  for (const name of ['kind-apps%2Fv1%7CDeployment', 'kind-v1%7CService', 'kind-networking.k8s.io%2Fv1%7CIngress']) {
    expect(used).toContain(name);
  }
  expect([...used].filter(name => name.startsWith('crd-'))).toHaveLength(3);
}, 120_000);

test('a generated file is used only by the checker it was built from', () => {
  const fromSources = validatorsFingerprint('1.28', path.join(ROOT, 'constructs', 'check'), '.ts');
  expect(validatorsFingerprint('1.28')).toBe(fromSources);
  // another version, or the same modules as another file type, is another checker
  expect(validatorsFingerprint('1.29')).not.toBe(fromSources);
  expect(validatorsFingerprint('1.28', path.join(ROOT, 'constructs', 'check'), '.js')).not.toBe(fromSources);
});
