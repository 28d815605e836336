import * as fs from 'fs';
import * as path from 'path';

import { checkManifests, summarize } from '../../constructs/check/check';
import { Finding, Severity } from '../../constructs/check/findings';
import { loadManifests } from '../../constructs/check/load';
import { RULES } from '../../constructs/check/rules';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'check');
const RULE_FIXTURES = path.join(FIXTURES, 'rules');

/** Rules whose test is not a fixture file, with where they are tested instead. */
const TESTED_ELSEWHERE: Record<string, string> = {
  'schema/pattern': 'schema.test.ts (a CRD pattern: the Kubernetes definitions have none besides quantities)',
  'schema/invalid': 'schema.test.ts (a CRD minimum: the Kubernetes definitions have no such constraint)',
  'schema/annotations-size': 'api-constraints.test.ts (256 KiB of annotations)',
};

/** Checks a fixture as a complete set, so that every rule reports at the severity the rule list gives it. */
function check(file: string, strict = false, complete = true): Finding[] {
  const loaded = loadManifests([file]);
  expect(loaded.unreadable).toEqual([]);
  return [...loaded.findings, ...checkManifests(loaded.items, { strict, complete })];
}

/** `image.pinned-tag.yaml` tests `image/pinned-tag`. */
function ruleOfFixture(file: string): string {
  return path.basename(file, '.yaml').replace('.', '/');
}

const fixtures = fs.readdirSync(RULE_FIXTURES).filter(f => f.endsWith('.yaml')).sort();

test.each(fixtures)('%s reports exactly its rule', (file) => {
  const ruleId = ruleOfFixture(file);
  const findings = check(path.join(RULE_FIXTURES, file)).filter(f => f.waived === undefined);
  expect([...new Set(findings.map(f => f.ruleId))]).toEqual([ruleId]);
  for (const f of findings) {
    expect(f.file).toBe(path.join(RULE_FIXTURES, file));
    expect(f.line).toBeGreaterThan(0);
    expect(f.message.length).toBeGreaterThan(10);
  }
});

test.each(fixtures)('%s fails the check at the severity of its rule: errors always, warnings in strict mode, info never', (file) => {
  const rule = RULES.find(r => r.id === ruleOfFixture(file));
  const findings = check(path.join(RULE_FIXTURES, file)).filter(f => f.waived === undefined);
  expect(findings.map(f => f.severity)).toContain(rule?.severity);
  expect(summarize(check(path.join(RULE_FIXTURES, file))).passed).toBe(rule?.severity !== Severity.ERROR);
  expect(summarize(check(path.join(RULE_FIXTURES, file), true), true).passed).toBe(rule?.severity === Severity.INFO);
});

/** The fixture of wiring/ingress-backend names a port that the Service of the set lacks: an error, complete or not. */
const PRESENT_TARGET = 'wiring.ingress-backend.yaml';
const missingTargets = fixtures.filter(f => f !== PRESENT_TARGET && RULES.find(r => r.id === ruleOfFixture(f))?.acrossObjects);

test.each(missingTargets)('%s reports a target missing from an incomplete set as a warning', (file) => {
  const findings = check(path.join(RULE_FIXTURES, file), false, false);
  expect(findings.map(f => [f.ruleId, f.severity])).toEqual([[ruleOfFixture(file), 'warning']]);
  expect(summarize(findings).passed).toBe(true);
});

test('a port missing from a Service of the set is an error, complete or not', () => {
  expect(check(path.join(RULE_FIXTURES, PRESENT_TARGET), false, false).map(f => [f.ruleId, f.severity])).toEqual([['wiring/ingress-backend', 'error']]);
});

test('every rule has a fixture or a test elsewhere', () => {
  const covered = new Set([...fixtures.map(ruleOfFixture), ...Object.keys(TESTED_ELSEWHERE)]);
  expect(RULES.map(r => r.id).filter(id => !covered.has(id))).toEqual([]);
});

test('rule ids are unique and short', () => {
  const ids = RULES.map(r => r.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) {
    expect(id).toMatch(/^[a-z-]+\/[a-z0-9-]+$/);
  }
});

test('policy findings are warnings, the others errors, and strict mode makes every warning an error but leaves info', () => {
  const policy = check(path.join(RULE_FIXTURES, 'probes.liveness.yaml'));
  expect(policy.map(f => f.severity)).toEqual(['warning']);
  expect(check(path.join(RULE_FIXTURES, 'probes.liveness.yaml'), true).map(f => f.severity)).toEqual(['error']);
  expect(check(path.join(RULE_FIXTURES, 'runtime.probe-port.yaml')).map(f => f.severity)).toEqual(['error']);
  expect(check(path.join(RULE_FIXTURES, 'wiring.pvc-ref.yaml'), true).map(f => f.severity)).toEqual(['info']);
});

test('the rule list gives each rule a severity, and only warnings can be waived', () => {
  expect(RULES.filter(r => r.waivable).map(r => r.id)).toEqual(RULES.filter(r => r.severity === Severity.WARNING).map(r => r.id));
  expect(RULES.find(r => r.id === 'runtime/read-only-root-tmp')).toMatchObject({ severity: 'warning', waivable: true });
  expect(RULES.filter(r => r.severity === Severity.INFO).map(r => r.id)).toEqual([
    'wiring/configmap-ref', 'wiring/secret-ref', 'wiring/service-account-ref', 'wiring/pvc-ref', 'wiring/priority-class-ref',
  ]);
  expect(RULES.filter(r => r.acrossObjects).map(r => r.id)).toEqual([
    'wiring/service-selector', 'wiring/ingress-backend', 'wiring/httproute-backend', 'wiring/servicemonitor-selector', 'wiring/hpa-target', 'wiring/pdb-selector',
  ]);
});

test('the good app passes clean, in strict mode too', () => {
  const findings = check(path.join(FIXTURES, 'good'), true);
  expect(findings).toEqual([]);
});

test('findings name the object, the field and the line', () => {
  const [finding] = check(path.join(RULE_FIXTURES, 'wiring.service-target-port.yaml'));
  expect(finding).toEqual({
    ruleId: 'wiring/service-target-port',
    severity: 'error',
    message: 'targetPort "web" is not a port name of Pod/api (declared: 8080, "http")',
    path: 'spec.ports[0].targetPort',
    object: { apiVersion: 'v1', kind: 'Service', name: 'api' },
    file: path.join(RULE_FIXTURES, 'wiring.service-target-port.yaml'),
    line: 25,
  });
});

test('a duplicate is reported at the second definition', () => {
  const [finding] = check(path.join(RULE_FIXTURES, 'wiring.duplicate-object.yaml'));
  expect([finding.ruleId, finding.line]).toEqual(['wiring/duplicate-object', 12]);
});
