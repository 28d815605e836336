import * as fs from 'fs';
import * as path from 'path';

/**
 * The version of an installed package, as resolved from `from` (this module by default): also for packages whose
 * `exports` do not list their package.json.
 */
export function packageVersion(name: string, from: string = __dirname): string {
  let dir = path.dirname(require.resolve(name, { paths: [from] }));
  for (; ;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === name && pkg.version !== undefined) {
        return pkg.version;
      }
    }
    if (path.dirname(dir) === dir) {
      throw new Error(`no package.json of ${name} above ${from}`);
    }
    dir = path.dirname(dir);
  }
}
