import { execFileSync } from 'child_process';
import * as path from 'path';

const TOOLS = path.join(__dirname, 'actions-tools.mjs');

interface ToolsAnswer {
  readonly workflows: { name: string; errors: string[] }[];
  readonly expressions: ({ truthy: boolean } | { error: string })[];
}

interface ToolsRequest {
  readonly workflows?: { name: string; content: string }[];
  readonly expressions?: { expression: string; context: object }[];
}

/** GitHub's parser and evaluator are ES modules: they run in a child process of their own. */
function askTools(request: ToolsRequest): ToolsAnswer {
  return JSON.parse(execFileSync(process.execPath, [TOOLS], { input: JSON.stringify(request), encoding: 'utf8' }));
}

/** What GitHub's own workflow parser (@actions/workflow-parser) reports about each workflow, by name. */
export function workflowErrors(workflows: Record<string, string>): Record<string, string[]> {
  const answer = askTools({ workflows: Object.entries(workflows).map(([name, content]) => ({ name, content })) });
  return Object.fromEntries(answer.workflows.map(w => [w.name, w.errors]));
}

/** Whether each `if:` expression holds in its context, as GitHub evaluates it (@actions/expressions). */
export function expressionsHold(cases: { expression: string; context: object }[]): boolean[] {
  return askTools({ expressions: cases }).expressions.map((result, i) => {
    if ('error' in result) {
      throw new Error(`${cases[i].expression}: ${result.error}`);
    }
    return result.truthy;
  });
}
