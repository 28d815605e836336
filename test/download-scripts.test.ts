// Runs the download init containers' scripts, as emitted, in a POSIX shell against local files: a fake `curl` on the
// PATH serves the fixture, MODEL_DIR and MODEL_SCRATCH point at temporary folders instead of the emptyDirs.
import { execFileSync, spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ModelServingApp, ModelSource, TfServingApp, UrlOptions } from '../constructs';
import { findObject, KubeObject, synth } from './util';

let root: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'model-download-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.mkdirSync(path.join(root, 'model'));
  fs.mkdirSync(path.join(root, 'tmp'));
  // Copies the fixture named by FIXTURE to the file after --output; records its last argument, the URL.
  fs.writeFileSync(path.join(root, 'bin', 'curl'), [
    '#!/bin/sh',
    'out=',
    'while [ $# -gt 1 ]; do if [ "$1" = --output ]; then out="$2"; fi; shift; done',
    'printf "%s" "$1" > "$FAKE_ROOT/curl-url"',
    'cp "$FIXTURE" "$out"',
  ].join('\n'), { mode: 0o755 });
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** The two init containers a source emits for a ModelServingApp (or, with `tf`, a TfServingApp). */
function initContainers(url: string, options: UrlOptions = {}, tf = false): KubeObject[] {
  const source = ModelSource.fromUrl(url, options);
  const objects = synth(chart => (tf
    ? new TfServingApp(chart, 'tf', { modelName: 'm', modelSource: source, replicas: 1 })
    : new ModelServingApp(chart, 'api', { image: 'ghcr.io/acme/api:1.0.0', model: { source } })));
  return findObject(objects, 'Deployment').spec.template.spec.initContainers;
}

function run(container: KubeObject, fixture: string, extraEnv: Record<string, string> = {}): { status: number | null; stderr: string } {
  const env: Record<string, string> = Object.fromEntries(container.env.map((e: KubeObject) => [e.name, e.value]));
  const result = spawnSync('sh', ['-c', container.command[2]], {
    env: {
      ...env,
      MODEL_DIR: path.join(root, 'model'),
      MODEL_SCRATCH: path.join(root, 'tmp', 'model-download'),
      PATH: `${path.join(root, 'bin')}:/usr/bin:/bin`,
      FIXTURE: fixture,
      FAKE_ROOT: root,
      ...extraEnv,
    },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr };
}

function download(url: string, fixture: string, options: UrlOptions = {}, tf = false): { status: number | null; stderr: string } {
  const [fetch, unpack] = initContainers(url, options, tf);
  const fetched = run(fetch, fixture);
  return fetched.status === 0 ? run(unpack, fixture) : fetched;
}

/** A .tar.gz of `files` (relative path to content), made with the system tar. */
function tarGz(files: Record<string, string>, name = 'model.tar.gz'): string {
  const src = fs.mkdtempSync(path.join(root, 'src-'));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    fs.writeFileSync(path.join(src, file), content);
  }
  const archive = path.join(root, name);
  execFileSync('tar', ['-czf', archive, '-C', src, '.']);
  return archive;
}

function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function modelFiles(): string[] {
  const dir = path.join(root, 'model');
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map(f => f.split(path.sep).join('/')).sort();
}

test('a .tar.gz with version folders unpacks into the model folder, and the download is removed', () => {
  const archive = tarGz({ '1/saved_model.pb': 'graph', '1/variables/variables.index': 'index' });
  expect(download('https://models.example.com/m.tar.gz', archive, { sha256: sha256Of(archive) }, true)).toEqual({ status: 0, stderr: '' });
  expect(modelFiles()).toEqual(['1', '1/saved_model.pb', '1/variables', '1/variables/variables.index']);
  expect(fs.existsSync(path.join(root, 'tmp', 'model-download'))).toBe(false);
});

test('a digest mismatch fails the pod start and removes the download', () => {
  const archive = tarGz({ '1/saved_model.pb': 'graph' });
  const result = download('https://models.example.com/m.tar.gz', archive, { sha256: 'b'.repeat(64) }, true);
  expect(result.status).toBe(1);
  expect(result.stderr).toBe(`model-unpack: sha256 of https://models.example.com/m.tar.gz is ${sha256Of(archive)}, expected ${'b'.repeat(64)}\n`);
  expect(modelFiles()).toEqual([]);
});

test('a single file is left as it is, under its own name', () => {
  const file = path.join(root, 'fixture.pkl');
  fs.writeFileSync(file, 'pickle');
  expect(download('https://models.example.com/v3/model.pkl', file, { sha256: sha256Of(file).toUpperCase() })).toEqual({ status: 0, stderr: '' });
  expect(modelFiles()).toEqual(['model.pkl']);
  expect(fs.readFileSync(path.join(root, 'model', 'model.pkl'), 'utf8')).toBe('pickle');
});

test('a .zip unpacks', () => {
  const src = fs.mkdtempSync(path.join(root, 'zip-'));
  fs.mkdirSync(path.join(src, '7'));
  fs.writeFileSync(path.join(src, '7', 'saved_model.pb'), 'graph');
  execFileSync('zip', ['-qr', path.join(root, 'm.zip'), '7'], { cwd: src });
  expect(download('https://models.example.com/m.zip', path.join(root, 'm.zip'), {}, true).status).toBe(0);
  expect(modelFiles()).toEqual(['7', '7/saved_model.pb']);
});

test('archivePath picks the folder that holds the model out of a larger archive', () => {
  const archive = tarGz({ 'serving-2.14.1/testdata/half_plus_two/00000123/saved_model.pb': 'graph', 'serving-2.14.1/README.md': 'readme' });
  const result = download('https://github.com/tensorflow/serving/archive/refs/tags/2.14.1.tar.gz', archive,
    { archivePath: 'serving-2.14.1/testdata/half_plus_two' }, true);
  expect(result).toEqual({ status: 0, stderr: '' });
  expect(modelFiles()).toEqual(['00000123', '00000123/saved_model.pb']);
});

test('an archivePath the archive lacks fails with its name', () => {
  const archive = tarGz({ 'a/1/saved_model.pb': 'graph' });
  const result = download('https://example.com/m.tgz', archive, { archivePath: 'b' }, true);
  expect(result).toEqual({ status: 1, stderr: 'model-unpack: the archive has no folder b\n' });
});

test('for TF Serving, an archive without version folders fails instead of serving nothing', () => {
  const archive = tarGz({ 'saved_model.pb': 'graph', 'variables/variables.index': 'index' });
  const result = download('https://example.com/m.tar.gz', archive, {}, true);
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/^model-unpack: no version folder \(1\/, 2\/, \.\.\.\) at the top of the model/);
});

test('a restarted pod starts from a clean model folder', () => {
  fs.writeFileSync(path.join(root, 'model', 'stale.bin'), 'old');
  fs.writeFileSync(path.join(root, 'model', '.hidden'), 'old');
  const archive = tarGz({ '2/saved_model.pb': 'graph' });
  expect(download('https://example.com/m.tar.gz', archive, {}, true).status).toBe(0);
  expect(modelFiles()).toEqual(['2', '2/saved_model.pb']);
});

test('the URL reaches curl as one argument and is never run as shell code', () => {
  const file = path.join(root, 'fixture.bin');
  fs.writeFileSync(file, 'x');
  const [fetch] = initContainers('https://example.com/model.bin');
  const hostile = `https://example.com/$(touch ${root}/pwned)\`touch ${root}/pwned\`;touch ${root}/pwned`;
  expect(run(fetch, file, { MODEL_URL: hostile }).status).toBe(0);
  expect(fs.readFileSync(path.join(root, 'curl-url'), 'utf8')).toBe(hostile);
  expect(fs.existsSync(path.join(root, 'pwned'))).toBe(false);
});

test('an empty MODEL_DIR stops the script before it removes anything', () => {
  const [fetch] = initContainers('https://example.com/model.bin');
  const result = run(fetch, '/dev/null', { MODEL_DIR: '' });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/MODEL_DIR/);
});

test('the query of a signed URL is not printed', () => {
  const file = path.join(root, 'fixture.bin');
  fs.writeFileSync(file, 'x');
  const [fetch] = initContainers('https://bucket.s3.amazonaws.com/model.bin?X-Amz-Signature=secret&X-Amz-Credential=AKIA');
  const result = spawnSync('sh', ['-c', fetch.command[2]], {
    env: {
      ...Object.fromEntries(fetch.env.map((e: KubeObject) => [e.name, e.value])),
      MODEL_DIR: path.join(root, 'model'), MODEL_SCRATCH: path.join(root, 'tmp', 'd'), PATH: `${path.join(root, 'bin')}:/usr/bin:/bin`,
      FIXTURE: file, FAKE_ROOT: root,
    },
    encoding: 'utf8',
  });
  expect(result.stdout).toBe('model-fetch: https://bucket.s3.amazonaws.com/model.bin\n');
  expect(fs.readFileSync(path.join(root, 'model', 'model.bin'), 'utf8')).toBe('x');
});

test.each([
  ['s3://ml-models/prod/m.tar.gz', 'aws', 's3 cp --only-show-errors s3://ml-models/prod/m.tar.gz {scratch}/m.tar.gz'],
  ['s3://ml-models/prod/m/', 'aws', 's3 sync --only-show-errors s3://ml-models/prod/m/ {model}'],
  ['gs://ml-models/prod/m.zip', 'gcloud', 'storage cp gs://ml-models/prod/m.zip {scratch}/m.zip'],
  ['gs://ml-models/prod/m/', 'gcloud', 'storage rsync --recursive gs://ml-models/prod/m/ {model}'],
])('%s is fetched with %s', (url, tool, expected) => {
  // A fake tool that records its arguments; the real images hold the real one.
  fs.writeFileSync(path.join(root, 'bin', tool), '#!/bin/sh\nprintf "%s " "$@" > "$FAKE_ROOT/tool-args"\n', { mode: 0o755 });
  const [fetch] = initContainers(url);
  expect(run(fetch, '/dev/null')).toEqual({ status: 0, stderr: '' });
  const args = fs.readFileSync(path.join(root, 'tool-args'), 'utf8').trim();
  expect(args).toBe(expected.replace('{scratch}', path.join(root, 'tmp', 'model-download')).replace('{model}', path.join(root, 'model')));
});

test('an Authorization header reaches curl through a file, not its command line', () => {
  fs.writeFileSync(path.join(root, 'bin', 'curl'), [
    '#!/bin/sh',
    'printf "%s " "$@" > "$FAKE_ROOT/curl-args"',
    'while [ $# -gt 1 ]; do if [ "$1" = --header ]; then cp "${2#@}" "$FAKE_ROOT/curl-headers"; fi; shift; done',
    'printf x > "$MODEL_DIR/model.bin"',
  ].join('\n'), { mode: 0o755 });
  const [fetch] = initContainers('https://example.com/model.bin');
  expect(run(fetch, '/dev/null', { MODEL_AUTHORIZATION: 'Bearer hf_secret' }).status).toBe(0);
  expect(fs.readFileSync(path.join(root, 'curl-headers'), 'utf8')).toBe('Authorization: Bearer hf_secret\n');
  expect(fs.readFileSync(path.join(root, 'curl-args'), 'utf8')).not.toContain('hf_secret');
});
