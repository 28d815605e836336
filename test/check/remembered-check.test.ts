// The validation plugin remembers the findings of a set of files (constructs/check/remembered-check.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { CACHE_VARIABLE } from '../../constructs/cache';
import { checkManifestFiles, commonFolder, RememberedCheckOptions } from '../../constructs/check/remembered-check';
import { setCacheSetting } from '../util';

const GOOD_APP = fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'check', 'good', 'app.yaml'), 'utf8');
const OPTIONS: RememberedCheckOptions = { complete: true };

let dir: string;
let restoreCacheSetting: () => void;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'remembered-check-'));
  restoreCacheSetting = setCacheSetting(path.join(dir, 'cache'));
});
afterEach(() => {
  restoreCacheSetting();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes the files into a new folder under the test's folder and returns their paths. */
function outputFolder(name: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([file, text]) => {
    const full = path.join(dir, name, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    return full;
  });
}

test('messages name other files relative to the deepest folder that holds the set, unless told another', () => {
  const files = outputFolder('out', { 'prod/a.k8s.yaml': SERVICE, 'prod/b.k8s.yaml': SERVICE });
  expect(checkManifestFiles(files, OPTIONS).findings.map(f => f.message)).toContainEqual(expect.stringContaining('(first in a.k8s.yaml)'));
});

const entries = () => fs.readdirSync(path.join(dir, 'cache', 'plugin-findings')).filter(name => !name.startsWith('.'));

/** The same Service twice, in two files: a duplicate whose message names the other file. */
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n';

test('a set checked before, in another folder, gives the same findings for its own files', () => {
  const first = outputFolder('.dist-new-1', { 'prod/a.k8s.yaml': SERVICE, 'prod/b.k8s.yaml': SERVICE });
  const checked = checkManifestFiles(first, OPTIONS, path.join(dir, '.dist-new-1'));
  const duplicate = checked.findings.find(f => f.ruleId === 'wiring/duplicate-object');
  expect(duplicate).toMatchObject({ file: first[1], message: expect.stringContaining('(first in prod/a.k8s.yaml)') });
  expect(entries()).toHaveLength(1);

  const second = outputFolder('.dist-new-2', { 'prod/a.k8s.yaml': SERVICE, 'prod/b.k8s.yaml': SERVICE });
  const again = checkManifestFiles(second, OPTIONS, path.join(dir, '.dist-new-2'));
  expect(entries()).toHaveLength(1);
  expect(again.findings).toEqual(checked.findings.map(f => ({ ...f, file: f.file === first[0] ? second[0] : second[1] })));
});

test('a remembered set is not checked again', () => {
  const files = outputFolder('out', { 'app.k8s.yaml': GOOD_APP });
  expect(checkManifestFiles(files, OPTIONS).findings).toEqual([]);
  const [entry] = entries();
  const planted = [{ ruleId: 'planted/rule', severity: 'error', message: 'from the cache', path: '', file: 'app.k8s.yaml' }];
  fs.writeFileSync(path.join(dir, 'cache', 'plugin-findings', entry), JSON.stringify(planted));

  expect(checkManifestFiles(files, OPTIONS).findings).toEqual([{ ...planted[0], file: files[0] }]);
});

test('a damaged entry is a miss: the set is checked again', () => {
  const files = outputFolder('out', { 'a.k8s.yaml': SERVICE, 'b.k8s.yaml': SERVICE });
  const checked = checkManifestFiles(files, OPTIONS);
  const [entry] = entries();
  for (const damage of ['{"truncated', '{"not": "a list"}']) {
    fs.writeFileSync(path.join(dir, 'cache', 'plugin-findings', entry), damage);
    expect(checkManifestFiles(files, OPTIONS).findings).toEqual(checked.findings);
  }
});

test('an edited file, other names or other options are checked anew', () => {
  const files = outputFolder('out', { 'app.k8s.yaml': GOOD_APP });
  expect(checkManifestFiles(files, OPTIONS).findings).toEqual([]);

  fs.writeFileSync(files[0], GOOD_APP.replace(/readOnlyRootFilesystem: true/g, 'readOnlyRootFilesystem: "true"'));
  expect(checkManifestFiles(files, OPTIONS).findings.map(f => f.ruleId)).toContain('schema/type');
  expect(entries()).toHaveLength(2);

  checkManifestFiles(outputFolder('out', { 'renamed.k8s.yaml': GOOD_APP }).slice(-1), OPTIONS);
  checkManifestFiles(files, { ...OPTIONS, strict: true });
  expect(entries()).toHaveLength(4);
});

test('an unreadable file is reported, and nothing is checked', () => {
  const [file] = outputFolder('out', { 'app.k8s.yaml': GOOD_APP });
  const missing = path.join(path.dirname(file), 'missing.k8s.yaml');
  const checked = checkManifestFiles([file, missing], OPTIONS);
  expect(checked.findings).toEqual([]);
  expect(checked.unreadable).toEqual([{ file: missing, message: expect.stringContaining('no such file') }]);
});

test(`${CACHE_VARIABLE}=off checks every time and keeps nothing`, () => {
  setCacheSetting('off');
  const files = outputFolder('out', { 'a.k8s.yaml': SERVICE, 'b.k8s.yaml': SERVICE });
  expect(checkManifestFiles(files, OPTIONS).findings.map(f => f.ruleId)).toContain('wiring/duplicate-object');
  expect(fs.existsSync(path.join(dir, 'cache'))).toBe(false);
});

test('commonFolder is the deepest folder that holds every file', () => {
  expect(commonFolder(['/out/prod/a.yaml', '/out/prod/b.yaml'])).toBe('/out/prod');
  expect(commonFolder(['/out/prod/a.yaml', '/out/staging/b.yaml', '/out/c.yaml'])).toBe('/out');
  expect(commonFolder(['/out/prod/a.yaml', '/out/..prod/b.yaml'])).toBe('/out');
  expect(commonFolder(['/a.yaml', '/out/b.yaml'])).toBe('/');
  expect(commonFolder([])).toBe(process.cwd());
});
