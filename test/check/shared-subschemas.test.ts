import Ajv from 'ajv';

import { SchemaValidator } from '../../constructs/check/schema';
import { shareRepeatedSubschemas } from '../../constructs/check/shared-subschemas';

/** A closed object schema whose JSON is longer than the sharing threshold. */
function large(name: string): Record<string, unknown> {
  const properties = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${name}Field${i}`, { type: 'string' }]));
  return { type: 'object', properties, additionalProperties: false };
}

test('a large subschema that occurs twice is compiled once and referenced from both places', () => {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
  const shared = new Map<string, string>();
  const schema = {
    type: 'object',
    properties: { source: large('s'), sources: { type: 'array', items: large('s') }, other: large('o'), small: { type: 'string' } },
  };
  const rewritten = shareRepeatedSubschemas(schema, ajv, shared) as any;
  expect(rewritten.properties.source).toEqual({ $ref: 'shared-subschema-0' });
  expect(rewritten.properties.sources.items).toEqual({ $ref: 'shared-subschema-0' });
  expect(rewritten.properties.other).toEqual(large('o'));
  expect(rewritten.properties.small).toEqual({ type: 'string' });
  expect(shared.size).toBe(1);
  const validate = ajv.compile(rewritten);
  expect(validate({ source: { sField1: 'a' }, sources: [{ sField2: 'b' }] })).toBe(true);
  expect(validate({ source: { sField1: 1 }, sources: [{ typo: 'b' }] })).toBe(false);
  expect(validate.errors?.map(e => [e.instancePath, e.keyword])).toEqual([['/source/sField1', 'type'], ['/sources/0', 'additionalProperties']]);
});

test('the schema a later CRD shares with an earlier one is reused, not added twice', () => {
  const ajv = new Ajv({ strict: true });
  const shared = new Map<string, string>();
  shareRepeatedSubschemas({ type: 'object', properties: { a: large('x'), b: large('x') } }, ajv, shared);
  const second = shareRepeatedSubschemas({ type: 'object', properties: { only: large('x') } }, ajv, shared) as any;
  expect(second.properties.only).toEqual({ $ref: 'shared-subschema-0' });
  expect(shared.size).toBe(1);
});

test('findings inside the four shared copies of an Application source keep their own paths and suggestions', () => {
  const source = (typo: Record<string, unknown>) => ({ repoURL: 'https://github.com/example/models.git', path: 'dist', ...typo });
  const application = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: 'jokemeter', namespace: 'argocd' },
    spec: {
      project: 'default',
      source: source({ targetRevison: 'main' }),
      sources: [source({}), source({ directory: { recurse: 'yes' } })],
      destination: { namespace: 'ml' },
    },
    operation: { sync: { source: source({ chartt: 'x' }), sources: [source({ helm: { valueFile: ['a.yaml'] } })] } },
  };
  const findings = new SchemaValidator().validate(application).map(f => [f.path, f.ruleId, f.message]).sort((a, b) => a[0].localeCompare(b[0]));
  expect(findings).toEqual([
    ['operation.sync.source.chartt', 'schema/unknown-field', 'unknown field "chartt"; did you mean "chart"?'],
    ['operation.sync.sources[0].helm.valueFile', 'schema/unknown-field', 'unknown field "valueFile"; did you mean "valueFiles"?'],
    ['spec.source.targetRevison', 'schema/unknown-field', 'unknown field "targetRevison"; did you mean "targetRevision"?'],
    ['spec.sources[1].directory.recurse', 'schema/type', 'must be a boolean, got string "yes"'],
  ]);
});
