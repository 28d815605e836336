import { Finding, KubeObject, ManifestObject, Severity } from './findings';
import { checkPolicy } from './policy';
import { findRule, locate, RuleCategory } from './rules';
import { checkRuntime } from './runtime';
import { defaultSchemaValidator, SchemaValidator } from './schema';
import { appendAll } from './util';
import { applyWaivers, waiversOf } from './waivers';
import { checkWiring } from './wiring';

/**
 * Options of a check.
 */
export interface CheckOptions {
  /**
   * Policy findings are errors instead of warnings.
   * @default false
   */
  readonly strict?: boolean;

  /**
   * The schema validator to use, for example one that knows custom resource definitions.
   * @default - the shared Kubernetes 1.28 validator, plus the CustomResourceDefinitions found among the objects
   */
  readonly schemaValidator?: SchemaValidator;

  /**
   * CustomResourceDefinitions whose custom resources may appear among the objects.
   * @default - none besides those among the objects
   */
  readonly customResourceDefinitions?: readonly unknown[];
}

/**
 * Counts of a check's findings.
 */
export interface CheckSummary {
  readonly errors: number;
  readonly warnings: number;
  readonly waived: number;
  /** No unwaived errors, and in strict mode no unwaived warnings either. */
  readonly passed: boolean;
}

/**
 * Checks a set of objects that are deployed together: schema, wiring between objects, runtime traps, and policy.
 * Every finding names its object, field path, rule and severity; findings a waiver covers carry its reason.
 */
export function checkManifests(items: readonly ManifestObject[], options: CheckOptions = {}): Finding[] {
  const validator = schemaValidatorFor(items, options);
  const findings: Finding[] = [];
  for (const item of items) {
    appendAll(findings, validator.validate(item.object).map(f => locate(f, item)));
  }
  appendAll(findings, checkWiring(items));
  for (const item of items) {
    const waivers = waiversOf(item);
    appendAll(findings, checkRuntime(item));
    appendAll(findings, applyWaivers(checkPolicy(item, items), waivers));
    appendAll(findings, waivers.findings);
  }
  return options.strict ? findings.map(f => (f.severity === Severity.WARNING ? { ...f, severity: Severity.ERROR } : f)) : findings;
}

/**
 * Checks plain objects, as `checkManifests` does, when they do not come from files.
 */
export function checkObjects(objects: readonly KubeObject[], options: CheckOptions = {}): Finding[] {
  return checkManifests(objects.map(object => ({ object })), options);
}

/**
 * Counts errors, warnings and waived findings, and says whether the check passed.
 */
export function summarize(findings: readonly Finding[], strict: boolean = false): CheckSummary {
  const active = findings.filter(f => f.waived === undefined);
  const errors = active.filter(f => f.severity === Severity.ERROR).length;
  const warnings = active.filter(f => f.severity === Severity.WARNING).length;
  return { errors, warnings, waived: findings.length - active.length, passed: errors === 0 && (!strict || warnings === 0) };
}

/**
 * Whether a finding's rule is a policy rule (a warning unless strict).
 */
export function isPolicyFinding(finding: Finding): boolean {
  return findRule(finding.ruleId)?.category === RuleCategory.POLICY;
}

function schemaValidatorFor(items: readonly ManifestObject[], options: CheckOptions): SchemaValidator {
  if (options.schemaValidator) {
    return options.schemaValidator;
  }
  const crds = [
    ...(options.customResourceDefinitions ?? []),
    ...items.map(i => i.object).filter(o => o.kind === 'CustomResourceDefinition' && String(o.apiVersion).startsWith('apiextensions.k8s.io/')),
  ];
  if (crds.length === 0) {
    return defaultSchemaValidator();
  }
  // A new validator shares the compiled Kubernetes definitions (and warmUp's work); only the CRD schemas are added.
  const validator = new SchemaValidator();
  for (const crd of crds) {
    try {
      validator.addCustomResourceDefinition(crd);
    } catch {
      // A malformed CustomResourceDefinition is reported by its own schema check.
    }
  }
  return validator;
}
