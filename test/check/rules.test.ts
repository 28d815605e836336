import * as fs from 'fs';
import * as path from 'path';

import { checkManifests, summarize } from '../../constructs/check/check';
import { Finding } from '../../constructs/check/findings';
import { loadManifests } from '../../constructs/check/load';
import { RuleCategory, RULES } from '../../constructs/check/rules';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'check');
const RULE_FIXTURES = path.join(FIXTURES, 'rules');

/** Rules whose test is not a fixture file, with where they are tested instead. */
const TESTED_ELSEWHERE: Record<string, string> = {
  'schema/pattern': 'schema.test.ts (a CRD pattern: the Kubernetes definitions have none besides quantities)',
  'schema/invalid': 'schema.test.ts (a CRD minimum: the Kubernetes definitions have no such constraint)',
};

function check(file: string, strict = false): Finding[] {
  const loaded = loadManifests([file]);
  expect(loaded.unreadable).toEqual([]);
  return [...loaded.findings, ...checkManifests(loaded.items, { strict })];
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

test.each(fixtures)('%s fails the check, in strict mode at least', (file) => {
  const ruleId = ruleOfFixture(file);
  const policy = RULES.find(r => r.id === ruleId)?.category === RuleCategory.POLICY;
  expect(summarize(check(path.join(RULE_FIXTURES, file))).passed).toBe(policy);
  expect(summarize(check(path.join(RULE_FIXTURES, file), true), true).passed).toBe(false);
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

test('policy findings are warnings, the others errors, and strict mode makes every finding an error', () => {
  const policy = check(path.join(RULE_FIXTURES, 'probes.liveness.yaml'));
  expect(policy.map(f => f.severity)).toEqual(['warning']);
  expect(check(path.join(RULE_FIXTURES, 'probes.liveness.yaml'), true).map(f => f.severity)).toEqual(['error']);
  expect(check(path.join(RULE_FIXTURES, 'runtime.probe-port.yaml')).map(f => f.severity)).toEqual(['error']);
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
    message: 'targetPort 8000 is not a containerPort of Pod/api (declared: 8080, "http")',
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
