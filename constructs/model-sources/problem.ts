// How the built-in model sources phrase a problem: `<prop> <field> <value> <rule>`, as every props problem reads.
import { ModelSourceContext } from './context';

export function sourceProblem(context: ModelSourceContext, field: string, value: unknown, rule: string): string {
  const shown = typeof value === 'string' ? `'${value}'` : JSON.stringify(value);
  return `${context.prop} ${field} ${shown} ${rule}`;
}
