import { WAIVER_PREFIX, waiverAnnotation } from '../kubernetes-rules';
import { Finding, ManifestObject } from './findings';
import { podTemplateOf } from './pods';
import { findingOf, findRule, RuleCategory, RULES } from './rules';
import { asRecord, closest, joinPath } from './util';


/**
 * The waivers an object declares, and the findings about waivers that are not valid.
 */
export interface Waivers {
  /** Reasons by rule id. */
  readonly reasons: ReadonlyMap<string, string>;
  readonly findings: readonly Finding[];
}

/**
 * Reads the waiver annotations of an object, on its own metadata or on its pod template.
 */
export function waiversOf(item: ManifestObject): Waivers {
  const reasons = new Map<string, string>();
  const findings: Finding[] = [];
  const template = podTemplateOf(item.object);
  const sources: { annotations: Record<string, unknown>; path: string }[] = [
    { annotations: asRecord(asRecord(item.object.metadata).annotations), path: 'metadata.annotations' },
  ];
  if (template && item.object.kind !== 'Pod') {
    sources.push({ annotations: template.annotations, path: `${template.specPath.replace(/\.spec$/, '')}.metadata.annotations` });
  }
  for (const { annotations, path } of sources) {
    for (const [key, value] of Object.entries(annotations)) {
      if (!key.startsWith(WAIVER_PREFIX)) {
        continue;
      }
      const at = joinPath(path, key);
      const name = key.slice(WAIVER_PREFIX.length);
      const ruleId = name.replace('.', '/');
      const rule = findRule(ruleId);
      if (name.includes('/')) {
        findings.push(findingOf('waiver/unknown-rule', item, at,
          `waiver "${key}" is not a valid annotation key (one "/" at most); write the rule id with "." instead: "${waiverAnnotation(name)}"`));
      } else if (!rule) {
        const suggestion = closest(ruleId, RULES.filter(r => r.category === RuleCategory.POLICY).map(r => r.id));
        const hint = suggestion ? `; did you mean "${waiverAnnotation(suggestion)}"?` : `; expected ${WAIVER_PREFIX}<rule id with "/" written as ".">`;
        findings.push(findingOf('waiver/unknown-rule', item, at, `waiver "${key}" names no rule${hint}`));
      } else if (rule.category !== RuleCategory.POLICY) {
        findings.push(findingOf('waiver/unknown-rule', item, at,
          `rule ${ruleId} cannot be waived: ${rule.category} findings mean the deployment is rejected or broken; fix the manifest`));
      } else if (typeof value !== 'string' || value.trim() === '') {
        findings.push(findingOf('waiver/missing-reason', item, at, `waiver of ${ruleId} must give a reason as its value`));
      } else {
        reasons.set(ruleId, value.trim());
      }
    }
  }
  return { reasons, findings };
}

/**
 * Marks the findings that a waiver of the object covers as waived, with the waiver's reason.
 */
export function applyWaivers(findings: readonly Finding[], waivers: Waivers): Finding[] {
  return findings.map(f => {
    const reason = waivers.reasons.get(f.ruleId);
    return reason !== undefined ? { ...f, waived: reason } : f;
  });
}
