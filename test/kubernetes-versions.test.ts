// What the constructs emit is valid for every Kubernetes version the checker knows; the construct tests check their
// own variants the same way, through expectValidForKubernetes.
import { Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { buildEnvironment } from '../app/charts';
import { ENVIRONMENTS } from '../app/environments';
import { DEFAULT_SETTINGS } from '../app/settings';
import { checkObjects } from '../constructs/check/check';
import { EXIT_OK } from '../constructs/check/cli';
import { KUBERNETES_VERSIONS } from '../constructs/check/kubernetes-versions';
import { ServingApp } from '../constructs/serving-app';
import { run } from './check/run-cli';
import { expectValidForKubernetes, KubeObject, testApp } from './util';

const environments = ENVIRONMENTS.map(environment => {
  const charts = buildEnvironment(testApp(), environment, DEFAULT_SETTINGS).node.children.filter(Chart.isChart);
  return { environment, objects: charts.flatMap(chart => Testing.synth(chart) as KubeObject[]) };
});
const objects = environments.flatMap(e => e.objects);

test('the example app emits the kinds whose API changes between versions', () => {
  expect([...new Set(objects.map(o => `${o.apiVersion} ${o.kind}`))].sort()).toEqual([
    'apps/v1 Deployment',
    'autoscaling/v2 HorizontalPodAutoscaler',
    'networking.k8s.io/v1 Ingress',
    'policy/v1 PodDisruptionBudget',
    'v1 ConfigMap',
    'v1 Namespace',
    'v1 Service',
  ]);
});

test('every object of the example app is valid for every supported version', () => {
  expectValidForKubernetes(objects);
});

describe.each(environments.map(e => [e.environment.name, e.objects] as const))('environment %s', (_, envObjects) => {
  test.each(KUBERNETES_VERSIONS)('the checker fails nothing for Kubernetes %s, in strict, complete mode', version => {
    const failing = checkObjects(envObjects, { strict: true, complete: true, kubernetesVersion: version }).filter(f => !f.waived && f.severity !== 'info');
    expect(failing).toEqual([]);
  });
});

test('cdk8s-model-serving check passes every environment folder for every version, in strict, complete mode', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-versions-'));
  try {
    for (const { environment } of environments) {
      buildEnvironment(new ServingApp({ outdir: path.join(outdir, environment.name) }), environment, DEFAULT_SETTINGS).synth();
    }
    for (const { environment, objects: envObjects } of environments) {
      const folder = path.join(outdir, environment.name);
      fs.rmSync(path.join(folder, 'construct-metadata.json'), { force: true });
      const results = KUBERNETES_VERSIONS.map(version => [version, run('check', '--strict', '--complete', '--kubernetes-version', version, folder)]);
      const summary = environment.local ? `0 errors, 0 warnings, 0 waived in ${envObjects.length} objects`
        : `0 errors, 0 warnings, 1 info, 0 waived in ${envObjects.length} objects`;
      for (const [, result] of results) {
        expect(result).toMatchObject({ status: EXIT_OK, stderr: '' });
        expect((result as { stdout: string }).stdout).toContain(`check passed: ${summary}`);
      }
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}, 120_000);
