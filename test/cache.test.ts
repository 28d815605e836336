import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { CACHE_VARIABLE, cacheFolder, cacheKey, DiskCache, packageVersion } from '../constructs/cache';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cache-test-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('cacheKey', () => {
  test('is a SHA-256 of the parts, each part delimited', () => {
    expect(cacheKey(['a'])).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(['ab', 'c'])).not.toBe(cacheKey(['a', 'bc']));
    expect(cacheKey(['x', Buffer.from('y')])).toBe(cacheKey(['x', 'y']));
  });
});

describe('DiskCache', () => {
  test('gives back what was stored, and nothing for other keys', () => {
    const cache = new DiskCache(path.join(dir, 'nested', 'cache'));
    const key = cacheKey(['one']);
    expect(cache.get(key)).toBeUndefined();
    cache.set(key, 'value ✓');
    expect(cache.get(key)).toBe('value ✓');
    expect(new DiskCache(cache.folder).get(key)).toBe('value ✓');
    expect(cache.get(cacheKey(['two']))).toBeUndefined();
  });

  test('leaves no temporary file behind', () => {
    const cache = new DiskCache(dir);
    cache.set(cacheKey(['one']), 'x');
    expect(fs.readdirSync(dir).filter(name => name.endsWith('.tmp'))).toEqual([]);
  });

  test('refuses a key that is not a digest, so no key can name a path', () => {
    expect(() => new DiskCache(dir).get('../../etc/passwd')).toThrow("DiskCache: a key is a hex digest (see cacheKey), got '../../etc/passwd'");
  });

  test('a folder it cannot write is a miss, never an error', () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    const cache = new DiskCache(path.join(file, 'cache'));
    expect(() => cache.set(cacheKey(['one']), 'x')).not.toThrow();
    expect(cache.get(cacheKey(['one']))).toBeUndefined();
  });

  test('removes entries unused for a week, once a day, and keeps the others', () => {
    const old = cacheKey(['old']);
    const recent = cacheKey(['recent']);
    const writer = new DiskCache(dir);
    writer.set(old, 'old');
    writer.set(recent, 'recent');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(path.join(dir, old), eightDaysAgo, eightDaysAgo);
    // the first write pruned already today: the next process does not look again
    new DiskCache(dir).set(cacheKey(['third']), '3');
    expect(fs.existsSync(path.join(dir, old))).toBe(true);

    fs.utimesSync(path.join(dir, '.pruned'), eightDaysAgo, eightDaysAgo);
    new DiskCache(dir).set(cacheKey(['fourth']), '4');
    expect(fs.existsSync(path.join(dir, old))).toBe(false);
    expect(new DiskCache(dir).get(recent)).toBe('recent');
  });

  test('a hit marks the entry as used', () => {
    const key = cacheKey(['used']);
    const cache = new DiskCache(dir);
    cache.set(key, 'x');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    fs.utimesSync(path.join(dir, key), eightDaysAgo, eightDaysAgo);
    cache.get(key);
    expect(Date.now() - fs.statSync(path.join(dir, key)).mtimeMs).toBeLessThan(3600 * 1000);
  });
});

describe('cacheFolder', () => {
  const cwd = process.cwd();
  afterEach(() => process.chdir(cwd));

  test('is in node_modules/.cache of the working directory\'s project', () => {
    fs.mkdirSync(path.join(dir, 'node_modules'));
    process.chdir(dir);
    expect(cacheFolder('x', {})).toBe(path.join(fs.realpathSync(dir), 'node_modules', '.cache', 'cdk8s-model-serving', 'x'));
  });

  test('is in a folder of the user under the temporary folder without node_modules', () => {
    process.chdir(dir);
    expect(cacheFolder('x', {})).toBe(path.join(os.tmpdir(), `cdk8s-model-serving-${process.getuid!()}`, 'x'));
  });

  test(`${CACHE_VARIABLE} moves it, or turns it off`, () => {
    expect(cacheFolder('x', { [CACHE_VARIABLE]: dir })).toBe(path.join(dir, 'x'));
    for (const off of ['off', '0', 'false', 'no', 'OFF']) {
      expect(cacheFolder('x', { [CACHE_VARIABLE]: off })).toBeUndefined();
    }
  });
});

test('packageVersion reads the version also of a package whose exports hide its package.json', () => {
  const re2js = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'node_modules', 're2js', 'package.json'), 'utf8')) as { version: string };
  expect(() => require.resolve('re2js/package.json')).toThrow();
  expect(packageVersion('re2js')).toBe(re2js.version);
});
