// cdk8s.yaml as the synth reads it, its parse remembered by the file's text (constructs/synth/project-config.ts).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { readCdk8sConfig } from '../constructs/synth/project-config';
import { setCacheSetting } from './util';

const cwd = process.cwd();
let dir: string;
let restoreCacheSetting: () => void;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'project-config-'));
  restoreCacheSetting = setCacheSetting(path.join(dir, 'cache'));
  process.chdir(dir);
});
afterEach(() => {
  process.chdir(cwd);
  restoreCacheSetting();
  fs.rmSync(dir, { recursive: true, force: true });
});

const entries = () => fs.readdirSync(path.join(dir, 'cache', 'cdk8s-config')).filter(name => !name.startsWith('.'));

test('no cdk8s.yaml is an empty config', () => {
  expect(readCdk8sConfig()).toEqual({});
});

test('reads cdk8s.yaml, then from the cache, and again when the file changes', () => {
  fs.writeFileSync('cdk8s.yaml', 'language: typescript\napp: npx ts-node main.ts\noutput: out # comment\n');
  expect(readCdk8sConfig()).toEqual({ language: 'typescript', app: 'npx ts-node main.ts', output: 'out' });
  const [entry] = entries();
  fs.writeFileSync(path.join(dir, 'cache', 'cdk8s-config', entry), JSON.stringify({ app: 'from the cache' }));
  expect(readCdk8sConfig()).toEqual({ app: 'from the cache' });

  fs.writeFileSync('cdk8s.yaml', 'app: node main.js\n');
  expect(readCdk8sConfig()).toEqual({ app: 'node main.js' });
});

test('a damaged cache entry is a miss', () => {
  fs.writeFileSync('cdk8s.yaml', 'app: node main.js\n');
  readCdk8sConfig();
  fs.writeFileSync(path.join(dir, 'cache', 'cdk8s-config', entries()[0]), '{"trunc');
  expect(readCdk8sConfig()).toEqual({ app: 'node main.js' });
});

test('bad YAML fails as the YAML library says', () => {
  fs.writeFileSync('cdk8s.yaml', 'app: [unclosed\n');
  expect(() => readCdk8sConfig()).toThrow(/flow sequence|Unexpected|missing/i);
});
