import { checkObjects } from '../../constructs/check/check';
import { sensitiveHostPath, volumeWaiverValue, waiverAnnotation } from '../../constructs/kubernetes-rules';
import { container, deployment, Obj, pod, podSpec } from './objects';

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

test.each(['-', '\u200b', '\u2060', ' - ', '...', '\u200b\u2060'])('a reason %j without a letter or digit waives nothing', (reason) => {
  const findings = checkObjects([pod(noProbe(), { annotations: { [waiverAnnotation('probes/liveness')]: reason } })]);
  expect(findings.map(f => [f.ruleId, f.waived])).toEqual([['probes/liveness', undefined], ['waiver/missing-reason', undefined]]);
});

test('a reason in any script counts', () => {
  const findings = checkObjects([pod(noProbe(), { annotations: { [waiverAnnotation('probes/liveness')]: 'バッチ処理' } })]);
  expect(findings.map(f => f.waived)).toEqual(['バッチ処理']);
});

describe('waivers scoped to volumes', () => {
  const HOST_PATH = waiverAnnotation('pss-restricted/host-path');
  const withVolumes = (volumes: Obj[], annotations: Obj): Obj => pod(podSpec({ volumes }), { annotations });
  const hostPath = (name: string, path: string) => ({ name, hostPath: { path, type: 'Directory' } });
  const hostPathFindings = (obj: Obj) => checkObjects([obj]).filter(f => f.ruleId.startsWith('pss-restricted/host-path') || f.ruleId.startsWith('waiver/'))
    .map(f => [f.ruleId, f.path, f.waived]);

  test('the value format names the volumes, then the reason', () => {
    expect(volumeWaiverValue(['model', 'cache'], 'kind only')).toBe('volumes=model,cache; kind only');
  });

  test('a scoped waiver covers its volumes and no other', () => {
    const obj = withVolumes([hostPath('model', '/data/model'), hostPath('extra', '/data/extra')], { [HOST_PATH]: volumeWaiverValue(['model'], 'kind only') });
    expect(hostPathFindings(obj)).toEqual([
      ['pss-restricted/host-path', 'spec.volumes[0].hostPath', 'kind only'],
      ['pss-restricted/host-path', 'spec.volumes[1].hostPath', undefined],
    ]);
  });

  test('spaces around the names and the reason do not matter', () => {
    const obj = withVolumes([hostPath('model', '/data/model')], { [HOST_PATH]: 'volumes= model ;  kind only ' });
    expect(hostPathFindings(obj)).toEqual([['pss-restricted/host-path', 'spec.volumes[0].hostPath', 'kind only']]);
  });

  test.each([
    ['volumes=model', 'waiver/missing-reason'],
    ['volumes=model; -', 'waiver/missing-reason'],
    ['volumes=; kind only', 'waiver/scope'],
    ['volumes=Model; kind only', 'waiver/scope'],
    ['volumes=models; kind only', 'waiver/scope'],
  ])('the value %j waives nothing and is reported as %s', (value, ruleId) => {
    const obj = withVolumes([hostPath('model', '/data/model')], { [HOST_PATH]: value });
    expect(hostPathFindings(obj)).toEqual([
      ['pss-restricted/host-path', 'spec.volumes[0].hostPath', undefined],
      [ruleId, `metadata.annotations["${HOST_PATH}"]`, undefined],
    ]);
  });

  test('only rules about volumes take a scope', () => {
    const findings = checkObjects([pod(noProbe(), { annotations: { [waiverAnnotation('probes/liveness')]: 'volumes=tmp; exits when done' } })]);
    expect(findings.map(f => [f.ruleId, f.waived])).toEqual([['probes/liveness', undefined], ['waiver/scope', undefined]]);
    expect(findings[1].message).toBe('waiver of probes/liveness cannot name volumes: only pss-restricted/host-path and pss-restricted/volume-types are about one volume');
  });

  test.each([
    '/', '/etc', '/etc/kubernetes', '/var/run', '/var/run/docker.sock', '/run/containerd/containerd.sock', '/var/lib/containerd', '/proc', '/sys/fs',
    '/root', '/var', '/var/lib', '//etc/', '/data/../etc', '/home/me/docker.sock',
  ])('a hostPath of %s is never waived, scoped or not', (path) => {
    for (const value of ['kind only', 'volumes=host; kind only']) {
      const findings = checkObjects([withVolumes([hostPath('host', path)], { [HOST_PATH]: value })]).filter(f => f.ruleId === 'pss-restricted/host-path');
      expect(findings.map(f => f.waived)).toEqual([undefined]);
      expect(findings[0].message).toMatch(/The waiver does not cover it: it .*, which no waiver can open$/);
    }
  });

  test.each(['/data/models', '/srv/models', '/var/lib/models', '/mnt/etc', '/home/me/models'])('a hostPath of %s can be waived', (path) => {
    expect(sensitiveHostPath(path)).toBeUndefined();
    const findings = checkObjects([withVolumes([hostPath('host', path)], { [HOST_PATH]: 'volumes=host; kind only' })]).filter(f => f.ruleId === 'pss-restricted/host-path');
    expect(findings.map(f => f.waived)).toEqual(['kind only']);
  });

  test('sensitive paths say why', () => {
    expect(sensitiveHostPath('/')).toBe('it is the root of the node');
    expect(sensitiveHostPath('/var/run/docker.sock')).toBe('it names the container runtime (docker.sock)');
    expect(sensitiveHostPath('/etc')).toBe('it is the sensitive host folder /etc');
    expect(sensitiveHostPath('/etc/ssl')).toBe('it is inside the sensitive host folder /etc');
    expect(sensitiveHostPath('/var')).toBe('it holds the sensitive host folder /var/run');
  });
});
