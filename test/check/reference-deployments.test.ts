import * as path from 'path';

import { checkManifests, summarize } from '../../constructs/check/check';
import { Finding, Severity } from '../../constructs/check/findings';
import { loadManifests } from '../../constructs/check/load';

const NAIVE = path.join(__dirname, '..', 'fixtures', 'check', 'naive');

function check(file: string): Finding[] {
  const loaded = loadManifests([path.join(NAIVE, file)]);
  return [...loaded.findings, ...checkManifests(loaded.items)];
}

function rules(findings: readonly Finding[], severity: Severity): string[] {
  return [...new Set(findings.filter(f => f.severity === severity).map(f => f.ruleId))].sort();
}

const BASELINE_WARNINGS = [
  'pss-restricted/capabilities',
  'pss-restricted/privilege-escalation',
  'pss-restricted/run-as-non-root',
  'pss-restricted/seccomp',
  'service-account/automount-token',
];

test('purchase-predict (Flask on GKE): a malformed memory limit, and a Service aimed at a port the container does not declare', () => {
  const findings = check('purchase-predict.yaml');
  expect(rules(findings, Severity.ERROR)).toEqual(['schema/quantity']);
  expect(findings.filter(f => f.severity === Severity.ERROR).map(f => [f.object?.kind, f.path])).toEqual([
    ['Deployment', 'spec.template.spec.containers[0].resources.limits.memory'],
  ]);
  // A containerPort is informational, so a numeric targetPort no container declares is a likely mistake, not an error.
  expect(findings.filter(f => f.ruleId === 'wiring/service-target-port').map(f => [f.severity, f.path])).toEqual([['warning', 'spec.ports[0].targetPort']]);
  expect(rules(findings, Severity.WARNING)).toEqual([...BASELINE_WARNINGS, 'image/pinned-tag', 'probes/liveness', 'probes/readiness', 'wiring/service-target-port'].sort());
});

test('jokemeter (FastAPI behind ingress-nginx): an Ingress on the container port, a probe on port 80, a ConfigMap to create first', () => {
  const findings = check('jokemeter.yaml');
  expect(rules(findings, Severity.ERROR)).toEqual(['wiring/ingress-backend']);
  expect(rules(findings, Severity.WARNING)).toEqual(
    [...BASELINE_WARNINGS, 'image/pinned-tag', 'probes/readiness', 'resources/memory-limit', 'resources/requests', 'runtime/probe-port'].sort());
  expect(rules(findings, Severity.INFO)).toEqual(['wiring/configmap-ref']);
  expect(findings.find(f => f.ruleId === 'wiring/ingress-backend')?.message).toBe('Service "jokemeter" has no port 8000 (ports: 80)');
});

test('half_plus_two (tensorflow/serving): a hostPath model, and an autoscaler with no cpu request to measure', () => {
  const findings = check('half-plus-two.yaml');
  expect(rules(findings, Severity.ERROR)).toEqual(['wiring/hpa-requests']);
  expect(rules(findings, Severity.WARNING)).toEqual([
    ...BASELINE_WARNINGS, 'image/pinned-tag', 'probes/liveness', 'probes/readiness', 'pss-restricted/host-path', 'resources/memory-limit', 'resources/requests',
  ].sort());
});

test('celestial-bodies-classifier (BentoML on a LoadBalancer): hardening that stops the pod from starting', () => {
  const findings = check('celestial-bodies-classifier.yaml');
  expect(rules(findings, Severity.ERROR)).toEqual(['runtime/run-as-non-root-uid']);
  expect(rules(findings, Severity.WARNING)).toEqual([
    'image/pinned-tag', 'pss-restricted/capabilities', 'pss-restricted/seccomp', 'resources/memory-limit', 'runtime/read-only-root-tmp', 'service-account/automount-token',
  ]);
});

test('none of the four naive deployments passes', () => {
  for (const file of ['purchase-predict.yaml', 'jokemeter.yaml', 'half-plus-two.yaml', 'celestial-bodies-classifier.yaml']) {
    expect([file, summarize(check(file)).passed]).toEqual([file, false]);
  }
});
