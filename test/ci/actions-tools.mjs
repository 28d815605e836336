// Runs GitHub's own workflow parser and expression evaluator, which are ES modules, for the CommonJS tests.
// Reads a request as JSON on stdin and writes the answer as JSON on stdout:
//   { workflows: [{ name, content }], expressions: [{ expression, context }] }
//   -> { workflows: [{ name, errors: string[] }], expressions: [{ truthy: boolean } | { error }] }
import { register } from 'node:module';

register('./json-modules.mjs', import.meta.url);

const { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } = await import('@actions/workflow-parser');
const { data, Evaluator, Lexer, Parser } = await import('@actions/expressions');
const { truthy } = await import('@actions/expressions/result');

async function workflowErrors({ name, content }) {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map(e => e.message);
  if (parsed.value === undefined || errors.length > 0) {
    return errors;
  }
  // Conversion checks what the schema cannot: job dependencies, reusable workflows, ...
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return (template.errors ?? []).map(e => e.Message);
}

function evaluate({ expression, context }) {
  try {
    const lexed = new Lexer(expression).lex();
    const names = Object.keys(context);
    const tree = new Parser(lexed.tokens, names, []).parse();
    const value = new Evaluator(tree, JSON.parse(JSON.stringify(context), data.reviver)).evaluate();
    return { truthy: truthy(value) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

let input = '';
for await (const chunk of process.stdin) {
  input += chunk;
}
const request = JSON.parse(input);
const answer = {
  workflows: await Promise.all((request.workflows ?? []).map(async w => ({ name: w.name, errors: await workflowErrors(w) }))),
  expressions: (request.expressions ?? []).map(evaluate),
};
process.stdout.write(JSON.stringify(answer));
