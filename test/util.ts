import { App, Chart, Testing } from 'cdk8s';

import { CACHE_VARIABLE } from '../constructs/cache';
import { KUBERNETES_VERSIONS } from '../constructs/check/kubernetes-versions';
import { validateManifest } from '../constructs/check/schema';

export type KubeObject = Record<string, any>;

/** An app that never writes: unlike `Testing.app()`, it creates no temporary folder per call. */
export function testApp(): App {
  return new App({ outdir: '/nonexistent/cdk8s-model-serving-tests' });
}

/** A chart with the id `test`, in an app of its own. */
export function testChart(): Chart {
  return new Chart(testApp(), 'test');
}

/** Synthesizes a fresh chart built by `build` and returns its objects. */
export function synth(build: (chart: Chart) => void): KubeObject[] {
  const chart = testChart();
  build(chart);
  return Testing.synth(chart);
}

export function findObject(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.find(o => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (!found) {
    throw new Error(`no ${kind}${name ? ` '${name}'` : ''} among ${objects.map(o => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  }
  return found;
}

export function kinds(objects: KubeObject[]): string[] {
  return objects.map(o => o.kind);
}

/** The first container of a workload's pod template. */
export function serverContainer(deployment: KubeObject): KubeObject {
  return deployment.spec.template.spec.containers[0];
}

/** Asserts every object is valid for the OpenAPI schema of every supported Kubernetes version, unknown fields included. */
export function expectValidForKubernetes(objects: KubeObject[]): void {
  const findings = KUBERNETES_VERSIONS.flatMap(version => objects.flatMap(o =>
    validateManifest(o, version).map(f => `Kubernetes ${version}: ${o.kind}/${o.metadata?.name}: ${f.path} ${f.message}`)));
  expect(findings).toEqual([]);
}

/** Calls `fn` and returns the message it throws. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error, but none was thrown');
}

/** Points the package's caches (CDK8S_MODEL_SERVING_CACHE) at `setting`; returns the function that restores the previous setting. */
export function setCacheSetting(setting: string): () => void {
  const saved = process.env[CACHE_VARIABLE];
  process.env[CACHE_VARIABLE] = setting;
  return () => {
    if (saved === undefined) {
      delete process.env[CACHE_VARIABLE];
    } else {
      process.env[CACHE_VARIABLE] = saved;
    }
  };
}
