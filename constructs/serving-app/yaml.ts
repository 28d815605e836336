// Writes manifests exactly as cdk8s `Yaml.save` / `Yaml.stringify` do (documents joined by `---`), through the
// fast path of fast-yaml.ts where it applies.
import { Yaml } from 'cdk8s';
import * as fs from 'fs';

import { fastStringify } from './fast-yaml';

/** Same string as `Yaml.stringify(...docs)`. */
export function stringifyDocs(docs: readonly unknown[]): string {
  return docs.map(doc => fastStringify(doc) ?? Yaml.stringify(doc)).join('---\n');
}

/** Same file as `Yaml.save(filePath, docs)`. */
export function saveDocs(filePath: string, docs: readonly unknown[]): void {
  fs.writeFileSync(filePath, stringifyDocs(docs), { encoding: 'utf8' });
}
