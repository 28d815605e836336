// Module hook: @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`, which its
// bundlers accept and Node does not. This loads such imports as JSON modules.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  if (url.startsWith('file:') && url.endsWith('.json') && context.importAttributes?.type !== 'json') {
    return { format: 'json', source: await readFile(new URL(url), 'utf8'), shortCircuit: true };
  }
  return nextLoad(url, context);
}
