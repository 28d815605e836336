// Writes manifests exactly as cdk8s `Yaml.save` / `Yaml.stringify` do, without spreading every document
// of a large app into one function call (which can exceed the engine's argument limit).
import { Yaml } from 'cdk8s';
import * as fs from 'fs';

const CHUNK = 5000;

/** Same string as `Yaml.stringify(...docs)`: documents joined by `---`. */
export function stringifyDocs(docs: readonly unknown[]): string {
  const parts: string[] = [];
  for (let i = 0; i < docs.length; i += CHUNK) {
    parts.push(Yaml.stringify(...docs.slice(i, i + CHUNK)));
  }
  return parts.join('---\n');
}

/** Same file as `Yaml.save(filePath, docs)`. */
export function saveDocs(filePath: string, docs: readonly unknown[]): void {
  fs.writeFileSync(filePath, stringifyDocs(docs), { encoding: 'utf8' });
}
