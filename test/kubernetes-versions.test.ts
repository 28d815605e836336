// What the constructs emit is valid for every Kubernetes version the checker knows; the construct tests check their
// own variants the same way, through expectValidForKubernetes.
import { App, Chart, Testing } from 'cdk8s';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { checkObjects } from '../constructs/check/check';
import { EXIT_OK } from '../constructs/check/cli';
import { KUBERNETES_VERSIONS } from '../constructs/check/kubernetes-versions';
import { buildExampleApp, DEFAULT_SETTINGS } from '../main';
import { run } from './check/run-cli';
import { expectValidForKubernetes, KubeObject, testApp } from './util';

const charts = buildExampleApp(testApp(), DEFAULT_SETTINGS).node.children.filter(Chart.isChart);
const objects = charts.flatMap(chart => Testing.synth(chart) as KubeObject[]);

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

test.each(KUBERNETES_VERSIONS)('the manifest checker finds nothing in the example app for Kubernetes %s, in strict mode', version => {
  expect(checkObjects(objects, { strict: true, kubernetesVersion: version })).toEqual([]);
});

test('cdk8s-model-serving check passes the example app\'s synthesized files for every version, in strict mode', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-versions-'));
  try {
    buildExampleApp(new App({ outdir }), DEFAULT_SETTINGS).synth();
    const results = KUBERNETES_VERSIONS.map(version => [version, run('check', '--strict', '--kubernetes-version', version, outdir)]);
    const passed = { status: EXIT_OK, stdout: `check passed: 0 errors, 0 warnings, 0 waived in ${objects.length} objects\n`, stderr: '' };
    expect(results).toEqual(KUBERNETES_VERSIONS.map(version => [version, passed]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
});
