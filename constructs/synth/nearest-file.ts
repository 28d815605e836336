// The file a tool would use for a folder: the nearest one of that name in the folder or above it.
import * as fs from 'fs';
import * as path from 'path';

/** The path of the nearest file called `name` in `folder` or a folder above it; undefined when there is none. */
export function nearestFile(folder: string, name: string): string | undefined {
  for (let dir = path.resolve(folder); ; dir = path.dirname(dir)) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) {
      return file;
    }
    if (path.dirname(dir) === dir) {
      return undefined;
    }
  }
}
