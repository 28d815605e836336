import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { KUBERNETES_VERSIONS } from '../../constructs/check/kubernetes-versions';
import {
  API_HISTORY_FILE, apiHistoryOf, compactDefinitions, packDefinitions, PACKED_DEFINITIONS_DIR, packedDefinitionsFile, readApiHistory,
  readPackedDefinitions, unpackDefinitions,
} from '../../constructs/check/packed-definitions';
import { JsonSchema, prepareDefinition } from '../../constructs/check/schema-definitions';

const ROOT = path.join(__dirname, '..', '..');
/** A few real definitions of Kubernetes 1.29 and 1.30, as the upstream files have them, descriptions included. */
const SOURCES = path.join(ROOT, 'test', 'fixtures', 'definitions');
const TSX = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
const SCRIPT = path.join(ROOT, 'scripts', 'pack-definitions.ts');

function source(version: string): Record<string, JsonSchema> {
  return JSON.parse(fs.readFileSync(path.join(SOURCES, `v${version}.0-definitions.json`), 'utf-8')).definitions;
}

function packScript(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['-r', TSX, SCRIPT, ...args], { cwd: ROOT, encoding: 'utf-8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'definitions-'));
}

describe('compactDefinitions', () => {
  const original = source('1.30');
  const compact = compactDefinitions(original);

  test('drops descriptions and client hints, and keeps a field called description', () => {
    const text = JSON.stringify(compact);
    expect(text).not.toMatch(/"x-kubernetes-(list|map|patch|unions)/);
    expect(JSON.stringify(compact['io.k8s.api.core.v1.ServiceSpec'])).not.toMatch(/"description"/);
    expect(compact['io.k8s.api.scheduling.v1.PriorityClass'].properties).toHaveProperty('description', { type: 'string' });
    expect(compact['io.k8s.api.core.v1.ServicePort']).toEqual(expect.objectContaining({
      required: ['port'],
      type: 'object',
      properties: expect.objectContaining({
        port: { format: 'int32', type: 'integer' },
        targetPort: { $ref: '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString' },
      }),
    }));
    expect(text.length).toBeLessThan(JSON.stringify(original).length / 3);
  });

  test('keeps everything the checker prepares, and the group-version-kinds', () => {
    for (const [name, definition] of Object.entries(original)) {
      expect([name, prepareDefinition(name, compact[name])]).toEqual([name, prepareDefinition(name, definition)]);
    }
    expect(compact['io.k8s.api.core.v1.Service']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Service', version: 'v1' }]);
  });

  test('leaves compact definitions as they are', () => {
    expect(compactDefinitions(compact)).toEqual(compact);
  });
});

test('packing and unpacking round-trips, and anything else is refused', () => {
  const packed = { kubernetesVersion: '1.30', source: 'v1.30.0-definitions.json', definitions: compactDefinitions(source('1.30')) };
  const bytes = packDefinitions(packed);
  expect(unpackDefinitions(bytes)).toEqual(packed);
  expect(packDefinitions(packed).equals(bytes)).toBe(true);
  expect(() => unpackDefinitions(Buffer.from('{}'))).toThrow();
  expect(() => unpackDefinitions(packDefinitions({ ...packed, definitions: [] as never }))).toThrow('not packed Kubernetes definitions');
});

describe('the packed files in schemas/', () => {
  test('are one per supported version, and no other', () => {
    const packed = fs.readdirSync(PACKED_DEFINITIONS_DIR).filter(f => /^kubernetes-.*\.json\.br$/.test(f)).sort();
    expect(packed).toEqual(KUBERNETES_VERSIONS.map(v => path.basename(packedDefinitionsFile(v))).sort());
  });

  test.each(KUBERNETES_VERSIONS)('decode to the compact definitions of Kubernetes %s', version => {
    const packed = unpackDefinitions(fs.readFileSync(packedDefinitionsFile(version)));
    expect(packed.kubernetesVersion).toBe(version);
    expect(packed.source).toBe(`v${version}.0-definitions.json`);
    expect(compactDefinitions(packed.definitions)).toEqual(packed.definitions);
    const kinds = Object.values(packed.definitions).flatMap(d => (d['x-kubernetes-group-version-kind'] ?? []) as { kind: string }[]).map(g => g.kind);
    expect(kinds).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Ingress', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']));
  });

  test('come with the history of the APIs that not every version serves', () => {
    const history = readApiHistory();
    expect(history).toEqual(apiHistoryOf(new Map(KUBERNETES_VERSIONS.map(v => [v, readPackedDefinitions(v)]))));
    expect(history.kubernetesVersions).toEqual(KUBERNETES_VERSIONS);
    expect(history.servedBy).toEqual(expect.objectContaining({
      'flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema': ['1.28'],
      'flowcontrol.apiserver.k8s.io/v1 FlowSchema': KUBERNETES_VERSIONS.filter(v => v !== '1.28'),
    }));
    expect(Object.keys(history.servedBy).filter(api => / (Deployment|Service|DeleteOptions|WatchEvent)$/.test(api))).toEqual([]);
  });

  test('stay small: all nine versions together take less than 250 KB', () => {
    const bytes = KUBERNETES_VERSIONS.reduce((sum, v) => sum + fs.statSync(packedDefinitionsFile(v)).size, 0);
    expect(bytes).toBeLessThan(250_000);
  });

  test('a version that is not packed is reported with its file', () => {
    expect(() => readPackedDefinitions('1.28', SOURCES)).toThrow(
      `cannot read the Kubernetes 1.28 OpenAPI definitions at ${packedDefinitionsFile('1.28', SOURCES)}: ENOENT`);
  });
});

describe('npm run pack-definitions', () => {
  test('packs every version of a folder, decodably and without changing what is checked', () => {
    const out = tempDir();
    try {
      const result = packScript(SOURCES, '--out', out);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.split('\n')).toEqual([
        expect.stringMatching(/^kubernetes-1\.29\.json\.br: 5 definitions, 24044 -> \d+ bytes$/),
        expect.stringMatching(/^kubernetes-1\.30\.json\.br: 5 definitions, \d+ -> \d+ bytes$/),
        'kubernetes-api-versions.json: 0 APIs that not all of 1.29, 1.30 serve',
        '',
      ]);
      expect(fs.readdirSync(out).sort()).toEqual(['kubernetes-1.29.json.br', 'kubernetes-1.30.json.br', API_HISTORY_FILE]);
      expect(readApiHistory(out)).toEqual({ kubernetesVersions: ['1.29', '1.30'], servedBy: {} });
      for (const version of ['1.29', '1.30']) {
        expect(readPackedDefinitions(version, out)).toEqual(compactDefinitions(source(version)));
      }
      // trafficDistribution came with 1.30
      expect(readPackedDefinitions('1.29', out)['io.k8s.api.core.v1.ServiceSpec'].properties).not.toHaveProperty('trafficDistribution');
      expect(readPackedDefinitions('1.30', out)['io.k8s.api.core.v1.ServiceSpec'].properties).toHaveProperty('trafficDistribution');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 30_000);

  test('names a version it packs that the checker does not know yet', () => {
    const dir = tempDir();
    try {
      fs.copyFileSync(path.join(SOURCES, 'v1.30.0-definitions.json'), path.join(dir, 'v1.99.0-definitions.json'));
      const result = packScript(dir, '--out', dir);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^kubernetes-1\.99\.json\.br: 5 definitions, \d+ -> \d+ bytes; add it to KUBERNETES_VERSIONS to check with it$/m);
      expect(readApiHistory(dir)).toEqual({ kubernetesVersions: ['1.99'], servedBy: {} });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test('refuses a folder without definitions, or with two of one version', () => {
    const dir = tempDir();
    try {
      const empty = `pack-definitions: ${dir} holds no Kubernetes definitions (v1.NN.P-definitions.json)\n`;
      expect(packScript(dir, '--out', dir)).toEqual({ status: 1, stdout: '', stderr: empty });
      fs.copyFileSync(path.join(SOURCES, 'v1.30.0-definitions.json'), path.join(dir, 'v1.30.0-definitions.json'));
      fs.copyFileSync(path.join(SOURCES, 'v1.30.0-definitions.json'), path.join(dir, 'v1.30.1-definitions.json'));
      expect(packScript(dir, '--out', dir).stderr).toBe(
        `pack-definitions: ${dir} holds two definitions of Kubernetes 1.30: v1.30.0-definitions.json and v1.30.1-definitions.json\n`);
      expect(fs.readdirSync(dir).filter(f => f.endsWith('.br'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  test('without a folder, prints its usage and exits 2', () => {
    const usage = expect.stringMatching(/^Usage: npm run pack-definitions -- <folder/);
    expect(packScript()).toEqual(expect.objectContaining({ status: 2, stderr: usage }));
    expect(packScript(SOURCES, '--out')).toEqual(expect.objectContaining({ status: 2 }));
  }, 30_000);
});
