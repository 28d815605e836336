// Run-time checks for JavaScript callers: unknown props with a suggestion, wrong types as InvalidPropsError.
import { App } from 'cdk8s';
import * as fs from 'fs';
import * as path from 'path';

import { InvalidPropsError, ModelServingApp, ModelSource, TfServingApp } from '../constructs';
import { closest } from '../constructs/internal/shape';
import { errorOf, testChart } from './util';

const IMAGE = 'ghcr.io/acme/api:1.0.0';
const modelServingApp = (props: object) => () => new ModelServingApp(testChart(), 'api', { image: IMAGE, ...props } as never);
const tfServingApp = (props: object) => () => new TfServingApp(testChart(), 'tf', { modelName: 'm', ...props } as never);

test('an unknown prop is refused with the prop it most likely meant', () => {
  expect(errorOf(() => new ModelServingApp(new App(), 'api', { image: IMAGE, replica: 2 } as never)))
    .toBe("ModelServingApp 'api': unknown prop 'replica'; did you mean 'replicas'?");
});

describe('typos at every level are refused, not ignored', () => {
  test.each([
    [{ autoscale: { maxReplicas: 3 } }, "unknown prop 'autoscale'; did you mean 'autoscaling'?"],
    [{ enviroment: { A: 'b' } }, "unknown prop 'enviroment'; did you mean 'env'?"],
    [{ probes: { readyness: '/ready' } }, "unknown prop 'probes.readyness'; did you mean 'probes.readiness'?"],
    [{ resources: { cpu: { requests: '1' } } }, "unknown prop 'resources.cpu.requests'; did you mean 'resources.cpu.request'?"],
    [{ service: { typ: 'NodePort' } }, "unknown prop 'service.typ'; did you mean 'service.type'?"],
    [{ sidecars: [{ name: 'x', image: IMAGE, imag: IMAGE }] }, "unknown prop 'sidecars[0].imag'; did you mean 'sidecars[0].image'?"],
    [{ tolerations: [{ key: 'gpu', oprator: 'Exists' }] }, "unknown prop 'tolerations[0].oprator'; did you mean 'tolerations[0].operator'?"],
    [{ colour: 'blue' }, "unknown prop 'colour'"],
  ])('%j: %s', (props, message) => {
    expect(errorOf(modelServingApp(props))).toBe(`ModelServingApp 'test/api': ${message}`);
  });

  test('in TfServingApp too', () => {
    expect(errorOf(tfServingApp({ modelSorce: ModelSource.fromImage() }))).toBe("TfServingApp 'test/tf': unknown prop 'modelSorce'; did you mean 'modelSource'?");
  });
});

describe('wrong types are named errors, never a TypeError', () => {
  test.each([
    [{ name: ['x'] }, 'name ["x"] must be a string'],
    [{ image: ['ghcr.io/acme/api:1.0.0'] }, 'image ["ghcr.io/acme/api:1.0.0"] must be a string'],
    [{ service: null }, 'service null must be an object'],
    [{ resources: { cpu: null } }, 'resources.cpu null must be an object'],
    [{ env: { PORT: 80 } }, 'env.PORT 80 must be a string or an EnvValue'],
    [{ env: ['PORT=80'] }, 'env ["PORT=80"] must be an object'],
    [{ resources: { gpu: { count: '1' } } }, "resources.gpu.count '1' must be a number"],
    [{ mounts: { '/etc/tls': 'tls' } }, "mounts['/etc/tls'] 'tls' must be a Mount (Mount.secret, Mount.configMap, Mount.claim, Mount.memory or Mount.emptyDir)"],
    [{ sidecars: {} }, 'sidecars {} must be an array'],
    [{ args: '--workers 2' }, "args '--workers 2' must be an array"],
    [{ podAnnotations: { a: 1 } }, 'podAnnotations.a 1 must be a string'],
    [{ probes: { readiness: 5 } }, 'probes.readiness 5 must be a path string or probe options'],
    [{ topologySpread: 'zone' }, "topologySpread 'zone' must be a boolean or topology spread options"],
    [{ port: NaN }, 'port NaN must be a number'],
  ])('%j: %s', (props, message) => {
    expect(modelServingApp(props)).toThrow(InvalidPropsError);
    expect(errorOf(modelServingApp(props))).toBe(`ModelServingApp 'test/api': ${message}`);
  });

  test('props that are not an object', () => {
    expect(errorOf(() => new ModelServingApp(testChart(), 'api', IMAGE as never))).toBe("ModelServingApp 'test/api': props 'ghcr.io/acme/api:1.0.0' must be an object");
  });

  test('a modelSource that is not a ModelSource', () => {
    expect(errorOf(tfServingApp({ modelSource: 'gs://bucket/m' })))
      .toBe("TfServingApp 'test/tf': modelSource 'gs://bucket/m' must be a ModelSource (ModelSource.fromClaim, fromUri, fromUrl, fromImage or fromHostPath, or an object with a bind(context) method)");
  });

  test('every problem of one kind is reported together', () => {
    expect(errorOf(modelServingApp({ replica: 2, port: '80' }))).toBe([
      "ModelServingApp 'test/api' has 2 invalid props:",
      "  - unknown prop 'replica'; did you mean 'replicas'?",
      "  - port '80' must be a number",
    ].join('\n'));
  });
});

test('integers the API server would refuse are refused here', () => {
  expect(errorOf(modelServingApp({ replicas: 1e21 })))
    .toBe("ModelServingApp 'test/api': replicas 1e+21 must be at most 2147483647: Kubernetes integers are 32-bit");
  expect(errorOf(modelServingApp({ probes: { liveness: { periodSeconds: 2 ** 31 } } })))
    .toBe("ModelServingApp 'test/api': probes.liveness.periodSeconds 2147483648 must be at most 2147483647: Kubernetes integers are 32-bit");
});

test('suggestions: close spellings and known props that start a typo', () => {
  expect(closest('replica', ['replicas', 'resources'])).toBe('replicas');
  expect(closest('enviroment', ['env', 'image'])).toBe('env');
  expect(closest('zzz', ['replicas', 'image'])).toBeUndefined();
});

/** The props an interface declares in its source file: `readonly name?:` members between `interface X ... {` and `}`. */
function declaredProps(file: string, interfaceName: string): string[] {
  const source = fs.readFileSync(path.join(__dirname, '..', 'constructs', file), 'utf8');
  const start = source.indexOf(`export interface ${interfaceName} `);
  const body = source.slice(source.indexOf('{', start), source.indexOf('\n}', start));
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map(m => m[1]);
}

describe('every documented prop is in the run-time description', () => {
  const shared = declaredProps('serving-props.ts', 'ServingWorkloadProps');

  test.each([
    ['ModelServingApp', [...shared, ...declaredProps('model-serving-app.ts', 'ModelServingAppProps')], modelServingApp],
    ['TfServingApp', [...shared, ...declaredProps('tf-serving-app.ts', 'TfServingAppProps')], tfServingApp],
  ])('%s', (_, props, build) => {
    expect(props.length).toBeGreaterThan(30);
    for (const prop of props) {
      // Unsetting a required prop is an error too, but never an unknown prop.
      expect(errorOf(() => { build({ [prop]: undefined })(); throw new Error('accepted'); })).not.toMatch('unknown prop');
    }
  });
});
