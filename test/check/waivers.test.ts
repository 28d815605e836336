import { checkObjects } from '../../constructs/check/check';
import { waiverAnnotation } from '../../constructs/kubernetes-rules';
import { container, deployment, pod, podSpec } from './objects';

const noProbe = () => podSpec({}, [container({ livenessProbe: undefined })]);

test('the waiver annotation writes the rule id with a dot', () => {
  expect(waiverAnnotation('image/pinned-tag')).toBe('model-serving.cdk8s.io/waive.image.pinned-tag');
});

test('a waiver with a reason marks the finding waived', () => {
  const findings = checkObjects([pod(noProbe(), { annotations: { [waiverAnnotation('probes/liveness')]: 'exits when done' } })]);
  expect(findings.map(f => [f.ruleId, f.waived])).toEqual([['probes/liveness', 'exits when done']]);
});

test('a waiver on the pod template of a workload counts', () => {
  const d = deployment('api', noProbe(), { templateMetadata: { annotations: { [waiverAnnotation('probes/liveness')]: 'exits when done' } } });
  expect(checkObjects([d]).map(f => [f.ruleId, f.waived])).toEqual([['probes/liveness', 'exits when done']]);
});

test('a waiver only waives its own rule on its own object', () => {
  const waived = pod(noProbe(), { name: 'a', annotations: { [waiverAnnotation('probes/readiness')]: 'not this one' } });
  const other = pod(noProbe(), { name: 'b' });
  expect(checkObjects([waived, other]).map(f => [f.object?.name, f.ruleId, f.waived])).toEqual([
    ['a', 'probes/liveness', undefined],
    ['b', 'probes/liveness', undefined],
  ]);
});

test.each(['', '   '])('a waiver with the reason %j waives nothing and is an error', (reason) => {
  const findings = checkObjects([pod(noProbe(), { annotations: { [waiverAnnotation('probes/liveness')]: reason } })]);
  expect(findings.map(f => [f.ruleId, f.severity, f.waived])).toEqual([
    ['probes/liveness', 'warning', undefined],
    ['waiver/missing-reason', 'error', undefined],
  ]);
});

test('errors cannot be waived', () => {
  const spec = podSpec({}, [container({ livenessProbe: { tcpSocket: { port: 9999 } } })]);
  const findings = checkObjects([pod(spec, { annotations: { [waiverAnnotation('runtime/probe-port')]: 'the port is opened later' } })]);
  expect(findings.map(f => [f.ruleId, f.waived])).toEqual([['runtime/probe-port', undefined], ['waiver/unknown-rule', undefined]]);
  expect(findings[1].message).toBe('rule runtime/probe-port cannot be waived: runtime findings mean the deployment is rejected or broken; fix the manifest');
});

test('a waiver key with the rule id slash is not a valid annotation key, and the message gives the right one', () => {
  const findings = checkObjects([pod(noProbe(), { annotations: { 'model-serving.cdk8s.io/waive.probes/liveness': 'exits when done' } })]);
  expect(findings.map(f => [f.ruleId, f.waived])).toEqual([
    ['schema/labels', undefined],
    ['probes/liveness', undefined],
    ['waiver/unknown-rule', undefined],
  ]);
  expect(findings[2].message).toContain('"model-serving.cdk8s.io/waive.probes.liveness"');
});
