// How the built-in model sources phrase a problem: `<prop> <field> <value> <rule>`, as every props problem reads.
import { closest } from '../internal/shape';
import { ModelSourceContext } from './context';

export function sourceProblem(context: ModelSourceContext, field: string, value: unknown, rule: string): string {
  const shown = typeof value === 'string' ? `'${value}'` : value === undefined ? '(unset)' : JSON.stringify(value);
  return `${context.prop} ${field} ${shown} ${rule}`;
}

/** Options a JavaScript caller misspelled would be ignored silently: name them, with the closest known one. */
export function unknownOptionProblems(context: ModelSourceContext, options: object | undefined, known: readonly string[]): string[] {
  if (typeof options !== 'object' || options === null) {
    return options === undefined ? [] : [sourceProblem(context, 'options', options, 'must be an object')];
  }
  return Object.keys(options).filter(key => !known.includes(key)).map(key => {
    const suggestion = closest(key, known);
    return `${context.prop} unknown option '${key}'${suggestion ? `; did you mean '${suggestion}'?` : ''}`;
  });
}
