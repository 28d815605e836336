import { ApiObject, App, AppProps, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Yaml, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ModelServingApp, ModelSource, ServingApp, TfServingApp } from '../constructs';
import { fastStringify } from '../constructs/serving-app/fast-yaml';

type Builder = (app: App) => void;

const OUTPUT_TYPES = [
  YamlOutputType.FILE_PER_CHART,
  YamlOutputType.FILE_PER_APP,
  YamlOutputType.FILE_PER_RESOURCE,
  YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE,
];

/** An endpoint the way users write it with cdk8s-plus: Deployment, Service, Ingress and autoscaler. */
function endpoint(scope: Construct, id: string): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, id, {
    containers: [{ image: `repo/${id.toLowerCase()}:1.0`, portNumber: 8080, resources: { cpu: { request: kplus.Cpu.millis(250) } } }],
  });
  const service = deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
  const ingress = new kplus.Ingress(scope, `${id}-ingress`);
  ingress.addHostRule(`${id.toLowerCase()}.example.com`, '/', kplus.IngressBackend.fromService(service));
  new kplus.HorizontalPodAutoscaler(scope, `${id}-hpa`, {
    target: deployment,
    maxReplicas: 5,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });
  return deployment;
}

function configMap(scope: Construct, id: string, data: Record<string, unknown>): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'ConfigMap', data });
}

/** A chart that post-processes its manifests, as users do to stamp a label on everything. */
class LabelledChart extends Chart {
  public toJson(): any[] {
    return super.toJson().map(manifest => ({ ...manifest, metadata: { ...manifest.metadata, labels: { stamped: 'yes' } } }));
  }
}

const BUILDERS: Record<string, Builder> = {
  'independent charts of cdk8s-plus endpoints': (app) => {
    for (const id of ['alpha', 'Beta_Model', 'gamma']) {
      const chart = new Chart(app, id, { namespace: 'models', labels: { team: 'ml' } });
      endpoint(chart, 'server');
    }
  },
  'charts with numeric and non-DNS ids in creation order': (app) => {
    for (const id of ['10', '2', 'z', '0', 'A.b c']) {
      configMap(new Chart(app, id), 'config', { id });
    }
  },
  'dependencies between charts, nested charts and ApiObjects': (app) => {
    const base = new Chart(app, 'base');
    const shared = configMap(base, 'shared', { a: '1' });
    const web = new Chart(app, 'web', { disableResourceNameHashes: true });
    const second = configMap(web, 'second', { b: '2' });
    const first = configMap(web, 'first', { c: '3' });
    second.addDependency(first);
    first.addDependency(shared);
    const nested = new Chart(web, 'nested');
    configMap(nested, 'inner', { d: '4' });
    const early = new Chart(app, 'early');
    const wrapper = new Construct(early, 'wrapper');
    configMap(wrapper, 'one', { e: '5' });
    configMap(wrapper, 'two', { f: '6' });
    wrapper.node.addDependency(nested);
    endpoint(new Chart(app, 'late'), 'api').node.addDependency(base);
  },
  'custom resolvers, lazy values and JSON patches': (app) => {
    const chart = new Chart(app, 'resolved');
    const obj = configMap(chart, 'lazy', { value: Lazy.any({ produce: () => 'produced' }), secret: 'PLACEHOLDER', n: 3 });
    obj.addJsonPatch(JsonPatch.add('/data/patched', 'yes'));
    new ApiObject(chart, 'cron', { apiVersion: 'batch/v1', kind: 'CronJob', spec: { schedule: '0 * * * *' } });
    endpoint(chart, 'server');
  },
  'an app without charts': () => undefined,
  'a chart class that overrides toJson()': (app) => {
    configMap(new LabelledChart(app, 'labelled'), 'config', { a: '1' });
    configMap(new Chart(app, 'plain'), 'config', { b: '2' });
  },
};

class UpperCaseSecrets implements IResolver {
  public resolve(context: ResolutionContext): void {
    if (context.value === 'PLACEHOLDER') {
      context.replaceValue('resolved-by-custom-resolver');
    }
  }
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'serving-app-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Every file under `dir`, relative path to content. */
function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (!fs.existsSync(dir)) {
    return files;
  }
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
    }
  }
  return files;
}

function synthBoth(build: Builder, props: AppProps): { expected: Record<string, string>; actual: Record<string, string> } {
  const appDir = path.join(tmp, 'app');
  const servingDir = path.join(tmp, 'serving');
  const app = new App({ ...props, outdir: appDir });
  build(app);
  app.synth();
  const servingApp = new ServingApp({ ...props, outdir: servingDir });
  build(servingApp);
  servingApp.synth();
  return { expected: readTree(appDir), actual: readTree(servingDir) };
}

/** The error a synthesis throws, or undefined. */
function errorOf(synth: () => unknown): string | undefined {
  try {
    synth();
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

describe.each(Object.entries(BUILDERS))('ServingApp on %s', (_name, build) => {
  test.each(OUTPUT_TYPES.map(t => [YamlOutputType[t], t] as const))('writes the same files as App with %s', (_type, yamlOutputType) => {
    const { expected, actual } = synthBoth(build, { yamlOutputType, resolvers: [new UpperCaseSecrets()] });

    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const [file, content] of Object.entries(expected)) {
      expect({ file, content: actual[file] }).toEqual({ file, content });
    }
  });

  test('returns the same synthYaml() string as App', () => {
    const app = new App({ resolvers: [new UpperCaseSecrets()] });
    build(app);
    const servingApp = new ServingApp({ resolvers: [new UpperCaseSecrets()] });
    build(servingApp);

    expect(servingApp.synthYaml()).toEqual(app.synthYaml());
  });
});

test('the equality tests compare real manifests', () => {
  const { actual } = synthBoth(BUILDERS['dependencies between charts, nested charts and ApiObjects'], {});

  expect(Object.keys(actual).sort()).toEqual([
    '0000-web-nested-c8d7ac44.k8s.yaml',
    '0001-base.k8s.yaml',
    '0002-web.k8s.yaml',
    '0003-early.k8s.yaml',
    '0004-late.k8s.yaml',
  ]);
  expect(actual['0002-web.k8s.yaml'].indexOf('name: web-first')).toBeLessThan(actual['0002-web.k8s.yaml'].indexOf('name: web-second'));
});

test('the override of a chart class that overrides toJson() shows in the output', () => {
  const { actual } = synthBoth(BUILDERS['a chart class that overrides toJson()'], {});

  expect(actual['labelled.k8s.yaml']).toContain('stamped: "yes"');
  expect(actual['plain.k8s.yaml']).not.toContain('stamped');
});

test.each(OUTPUT_TYPES.map(t => [YamlOutputType[t], t] as const))('uses a custom file extension like App with %s', (_type, yamlOutputType) => {
  const { expected, actual } = synthBoth(BUILDERS['dependencies between charts, nested charts and ApiObjects'], {
    yamlOutputType, outputFileExtension: '.yml',
  });

  expect(Object.keys(actual).every(file => file.endsWith('.yml'))).toBe(true);
  expect(actual).toEqual(expected);
});

test('records the same construct metadata as App', () => {
  const { expected, actual } = synthBoth(BUILDERS['independent charts of cdk8s-plus endpoints'], { recordConstructMetadata: true });

  expect(actual['construct-metadata.json']).toBeDefined();
  expect(actual).toEqual(expected);
});

describe('ServingApp fails like App', () => {
  const failures: Record<string, Builder> = {
    'construct validations in several charts': (app) => {
      for (const id of ['one', 'two']) {
        const chart = new Chart(app, id);
        configMap(chart, 'config', {});
        chart.node.addValidation({ validate: () => [`${id} is broken`, 'and this too'] });
      }
      new kplus.Ingress(new Chart(app, 'three'), 'empty');
    },
    'a dependency cycle between charts': (app) => {
      const a = new Chart(app, 'a');
      const b = new Chart(app, 'b');
      configMap(a, 'x', {});
      configMap(b, 'y', {});
      a.addDependency(b);
      b.addDependency(a);
    },
    'a dependency cycle between objects of one chart': (app) => {
      const chart = new Chart(app, 'c');
      const x = configMap(chart, 'x', {});
      const y = configMap(chart, 'y', {});
      x.addDependency(y);
      y.addDependency(x);
    },
    'a dependency of a construct outside any chart': (app) => {
      const loose = new Construct(app, 'loose');
      loose.node.addDependency(new Chart(app, 'chart'));
    },
    'an object that cannot be serialized, after earlier charts were written': (app) => {
      configMap(new Chart(app, 'fine'), 'ok', {});
      configMap(new Chart(app, 'broken'), 'bad', { v: Lazy.any({ produce: () => { throw new Error('boom'); } }) });
    },
    'a validation that fails only once dependencies are resolved': (app) => {
      const a = new Chart(app, 'a');
      const b = new Chart(app, 'b');
      configMap(a, 'x', {});
      configMap(b, 'y', {}).node.addDependency(a);
      b.node.addValidation({ validate: () => (b.node.dependencies.length > 0 ? ['b gained a chart dependency'] : []) });
    },
  };

  describe.each(Object.entries(failures))('on %s', (_name, build) => {
    test.each(OUTPUT_TYPES.map(t => [YamlOutputType[t], t] as const))('with %s: same error, same files left', (_type, yamlOutputType) => {
      const appDir = path.join(tmp, 'app');
      const servingDir = path.join(tmp, 'serving');
      const app = new App({ yamlOutputType, outdir: appDir });
      build(app);
      const servingApp = new ServingApp({ yamlOutputType, outdir: servingDir });
      build(servingApp);

      // (App validates only once in the folder layout, so the last case passes there, for both)
      expect(errorOf(() => servingApp.synth())).toEqual(errorOf(() => app.synth()));
      expect(readTree(servingDir)).toEqual(readTree(appDir));
    });

    test('in synthYaml()', () => {
      const app = new App();
      build(app);
      const servingApp = new ServingApp();
      build(servingApp);

      const expected = errorOf(() => app.synthYaml());
      expect(expected).toBeDefined();
      expect(errorOf(() => servingApp.synthYaml())).toEqual(expected);
    });
  });

  test('reports every construct validation error at once', () => {
    const app = new ServingApp({ outdir: tmp });
    failures['construct validations in several charts'](app);

    expect(() => app.synth()).toThrow([
      'Validation failed with the following errors:',
      '  [one] one is broken',
      '  [one] and this too',
      '  [two] two is broken',
      '  [two] and this too',
      '  [three/empty] ingress with no rules or default backend',
    ].join('\n'));
  });
});

describe('the fast YAML writer', () => {
  const TRICKY = [
    'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '', '1.0', '1e3', '-1', '+1', '0x1F', '0o17', '017',
    '0b101', '1_000', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '.inf', '-.Inf', '.NaN', '<<', '=', '---', '...', '- a',
    '-a', '?', '? a', 'a: b', 'a:b', 'a:', 'a #b', 'a#b', '#a', ' a', 'a ', 'a  b', '100m', '256Mi', '0.5', '1Gi', 'nginx:1.25',
    'repo/img@sha256:abc', 'app.kubernetes.io/name', '/healthz', '*', '&a', '!a', '%a', '@a', '`a', '|', '>', '[a]', '{a}', 'a,b',
    "it's", 'say "hi"', 'back\\slash', 'two\nlines', 'tab\there', 'caf\u00e9', 'x'.repeat(1100), "'a'", '"a"', '\'"both"\'',
    'a\n', 'a\n\n', 'a\n\n\n', '\n', '\n\n', '\na', '\n\na\n', ' a\nb', '  a\n  b\n', 'a\n b', 'a\n ', 'a\n\t', 'a \nb', 'a\t\nb',
    'a\n\n b\n\n', '#!/bin/sh\nset -eu\necho "$X" >&2\n', '---\na', 'a\n---\n...\n%b', 'a\r\nb', 'a\u0085b\nc', 'x\n'.repeat(5),
  ];
  const CHARS = ['a', 'Z', '0', '9', '.', '-', '_', ':', ' ', '#', '/', '@', '*', '&', '!', '%', "'", '"', '\\', '\n', '?', '[', ',', '|', '>', '=', '~'];
  /** Scripts and config files: lines of a few characters (blank, indented, with tabs), and trailing line feeds. */
  const multiLine = fc.array(fc.array(fc.constantFrom(...CHARS, '\t', ' ', ' '), { maxLength: 4 }).map(chars => chars.join('')),
    { minLength: 2, maxLength: 5 }).map(lines => lines.join('\n'));
  const text = fc.oneof(
    fc.constantFrom(...TRICKY),
    fc.array(fc.constantFrom(...CHARS), { maxLength: 6 }).map(chars => chars.join('')),
    fc.string({ maxLength: 6 }),
  );
  const leafValue = fc.oneof(
    { weight: 4, arbitrary: text },
    { weight: 2, arbitrary: multiLine },
    fc.integer(), fc.double(), fc.constantFrom(0, -0, 2 ** 53, 1e21, 0.1), fc.boolean(), fc.constant(null), fc.constant(undefined),
  );
  const { doc } = fc.letrec<{ value: unknown; doc: Record<string, unknown>; list: unknown[] }>(tie => ({
    value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafValue, tie('doc'), tie('list')),
    doc: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
    list: fc.array(tie('value'), { maxLength: 3 }),
  }));

  test('writes exactly what the yaml package writes, or declines', () => {
    let fast = 0;
    let fastBlocks = 0;
    fc.assert(fc.property(doc, (d) => {
      const text = fastStringify(d);
      if (text !== undefined) {
        fast++;
        fastBlocks += text.includes(': |') || text.includes('- |') ? 1 : 0;
        expect(text).toEqual(Yaml.stringify(d));
      }
    }), { numRuns: 3000 });
    expect(fast).toBeGreaterThan(100); // the fast path was exercised, not only the fallback
    expect(fastBlocks).toBeGreaterThan(50); // and so were block scalars
  });

  test.each([
    ['no trailing line feed', 'a\nb', 'k: |-\n  a\n  b\n'],
    ['one trailing line feed', 'a\nb\n', 'k: |\n  a\n  b\n'],
    ['more trailing line feeds', 'a\nb\n\n', 'k: |+\n  a\n  b\n\n'],
    ['a first line that starts with a space', ' a\nb', 'k: |2-\n   a\n  b\n'],
    ['quotes, backslashes and shell syntax', 'echo "$A" \'b\' \\n >&2\nexit 1', 'k: |-\n  echo "$A" \'b\' \\n >&2\n  exit 1\n'],
  ])('writes a multi-line string with %s as a literal block scalar', (_name, value, expected) => {
    expect(fastStringify({ k: value })).toEqual(expected);
    expect(Yaml.stringify({ k: value })).toEqual(expected);
  });

  test.each([
    ['a carriage return', 'a\r\nb'],
    ['a blank last line', 'a\n  '],
    ['a non-ASCII character', 'caf\u00e9\nb'],
  ])('leaves a multi-line string with %s to the yaml package', (_name, value) => {
    expect(fastStringify({ k: value })).toBeUndefined();
  });

  test.each([
    ['ModelServingApp', (chart: Chart) => new ModelServingApp(chart, 'api', {
      image: 'registry.example.com/api:1.0', port: 8080,
      model: { source: ModelSource.fromUrl('https://models.example.com/churn.tar.gz', { sha256: 'a'.repeat(64) }), env: 'MODEL_PATH' },
    })],
    ['TfServingApp', (chart: Chart) => new TfServingApp(chart, 'tf', {
      models: [{ name: 'resnet', source: ModelSource.fromUrl('s3://models/resnet.tar.gz') }, { name: 'bert', source: ModelSource.fromUri('gs://models/bert') }],
      monitoring: true, batching: { maxBatchSize: 32, batchTimeoutMicros: 1000 },
    })],
  ])('writes the manifests of a %s that downloads its model, download scripts and config files included', (_name, build) => {
    const app = new App();
    build(new Chart(app, 'chart'));
    const manifests = app.charts[0].toJson();
    const multiLine = manifests.filter(m => JSON.stringify(m).includes('\\n'));
    expect(multiLine.map(m => m.kind)).toContain('Deployment');

    for (const manifest of manifests) {
      expect(fastStringify(manifest)).toEqual(Yaml.stringify(manifest));
    }
  });

  test.each([
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 'b']])],
    ['a Set', new Set(['a'])],
    ['a Buffer', Buffer.from('ab')],
    ['a boxed string', new String('ab')],
    ['a boxed number', new Number(1)],
    ['a boxed boolean', new Boolean(true)],
    ['an instance of a class', new (class Point { public x = 1; })()],
  ])('leaves %s to the yaml package, at the top or nested', (_name, value) => {
    expect(fastStringify({ kind: 'ConfigMap', data: { value } })).toBeUndefined();
    expect(fastStringify({ kind: 'ConfigMap', list: [value] })).toBeUndefined();
    expect(fastStringify(value)).toBeUndefined();
  });

  test('handles the manifests of a cdk8s-plus endpoint', () => {
    const app = new App();
    endpoint(new Chart(app, 'chart', { labels: { version: '1.0' } }), 'server');
    const manifests = app.charts[0].toJson();

    for (const manifest of manifests) {
      expect(fastStringify(manifest)).toEqual(Yaml.stringify(manifest));
    }
  });
});
