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
   * Warnings (policy findings, and the few warnings of other rules) are errors; info findings stay info.
   * @default false
   */
  readonly strict?: boolean;

  /**
   * The objects are everything that is deployed together (such as the `dist/` of a synth), so a Service, Ingress,
   * HTTPRoute, autoscaler, disruption budget or ServiceMonitor whose target is not among them is an error. Otherwise
   * the target may be defined elsewhere, and that is a warning. References to Secrets, ConfigMaps, ServiceAccounts,
   * PersistentVolumeClaims and PriorityClasses outside the set are info findings either way.
   * @default false
   */
  readonly complete?: boolean;
  /**
   * The Kubernetes version whose API the objects are checked against: one of `KUBERNETES_VERSIONS`, such as `1.30`.
   * Ignored when `schemaValidator` is given, which has its own.
   * @default '1.28'
   */
  readonly kubernetesVersion?: string;

  /**
   * The schema validator to use, for example one that knows custom resource definitions.
   * @default - the shared validator of `kubernetesVersion`, plus the CustomResourceDefinitions found among the objects
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
  /** Info findings: objects that must exist before apply. They never fail a check. */
  readonly info: number;
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
  appendAll(findings, checkWiring(items, { complete: options.complete ?? false }));
  for (const item of items) {
    const waivers = waiversOf(item);
    appendAll(findings, applyWaivers([...checkRuntime(item), ...checkPolicy(item, items)], waivers, item));
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
 * Counts errors, warnings, info and waived findings, and says whether the check passed (info findings never fail it).
 */
export function summarize(findings: readonly Finding[], strict: boolean = false): CheckSummary {
  const active = findings.filter(f => f.waived === undefined);
  const errors = active.filter(f => f.severity === Severity.ERROR).length;
  const warnings = active.filter(f => f.severity === Severity.WARNING).length;
  const info = active.filter(f => f.severity === Severity.INFO).length;
  return { errors, warnings, info, waived: findings.length - active.length, passed: errors === 0 && (!strict || warnings === 0) };
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
    return defaultSchemaValidator(options.kubernetesVersion);
  }
  // A new validator shares the compiled Kubernetes definitions (and warmUp's work); only the CRD schemas are added.
  const validator = new SchemaValidator(options.kubernetesVersion);
  for (const crd of crds) {
    try {
      validator.addCustomResourceDefinition(crd);
    } catch {
      // A malformed CustomResourceDefinition is reported by its own schema check.
    }
  }
  return validator;
}
