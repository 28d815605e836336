import { isDns1123Label, isMeaningfulReason, sensitiveHostPath, VOLUME_RULES, VOLUMES_SCOPE, WAIVER_PREFIX, waiverAnnotation } from '../kubernetes-rules';
import { Finding, ManifestObject, Severity } from './findings';
import { PodTemplate, podTemplateOf } from './pods';
import { findingOf, findRule, RULES } from './rules';
import { asArray, asRecord, closest, joinPath } from './util';

/**
 * The waivers an object declares, and the findings about waivers that are not valid.
 */
export interface Waivers {
  /** Reasons by rule id. */
  readonly reasons: ReadonlyMap<string, string>;
  /** For waivers scoped with `volumes=`, the names of the volumes they cover, by rule id; other waivers cover the whole object. */
  readonly volumes: ReadonlyMap<string, readonly string[]>;
  readonly findings: readonly Finding[];
}

/**
 * Reads the waiver annotations of an object, on its own metadata or on its pod template.
 */
export function waiversOf(item: ManifestObject): Waivers {
  const reasons = new Map<string, string>();
  const volumes = new Map<string, readonly string[]>();
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
        const suggestion = closest(ruleId, RULES.filter(r => r.waivable).map(r => r.id));
        const hint = suggestion ? `; did you mean "${waiverAnnotation(suggestion)}"?` : `; expected ${WAIVER_PREFIX}<rule id with "/" written as ".">`;
        findings.push(findingOf('waiver/unknown-rule', item, at, `waiver "${key}" names no rule${hint}`));
      } else if (!rule.waivable) {
        const why = rule.severity === Severity.INFO
          ? 'its findings are info, which fail nothing'
          : `${rule.category} findings mean the deployment is rejected or broken; fix the manifest`;
        findings.push(findingOf('waiver/unknown-rule', item, at, `rule ${ruleId} cannot be waived: ${why}`));
      } else {
        const parsed = parseWaiver(typeof value === 'string' ? value : '', ruleId, template);
        if ('problem' in parsed) {
          findings.push(findingOf(parsed.ruleId, item, at, parsed.problem));
        } else {
          reasons.set(ruleId, parsed.reason);
          if (parsed.volumes) {
            volumes.set(ruleId, parsed.volumes);
          } else {
            volumes.delete(ruleId);
          }
        }
      }
    }
  }
  return { reasons, volumes, findings };
}

type ParsedWaiver = { readonly reason: string; readonly volumes?: readonly string[] } | { readonly ruleId: string; readonly problem: string };

/** Reads a waiver value: a reason, or `volumes=<name>,<name>; <reason>`. */
function parseWaiver(value: string, ruleId: string, template: PodTemplate | undefined): ParsedWaiver {
  const text = value.trim();
  if (!text.startsWith(VOLUMES_SCOPE)) {
    return isMeaningfulReason(text) ? { reason: text } : missingReason(ruleId);
  }
  const end = text.indexOf(';');
  const names = text.slice(VOLUMES_SCOPE.length, end < 0 ? undefined : end).split(',').map(n => n.trim());
  const reason = end < 0 ? '' : text.slice(end + 1).trim();
  const scope = (problem: string) => ({ ruleId: 'waiver/scope', problem: `waiver of ${ruleId}: ${problem}; write "${VOLUMES_SCOPE}<volume>,<volume>; <reason>"` });
  if (!VOLUME_RULES.includes(ruleId)) {
    return { ruleId: 'waiver/scope', problem: `waiver of ${ruleId} cannot name volumes: only ${VOLUME_RULES.join(' and ')} are about one volume` };
  }
  const bad = names.find(n => !isDns1123Label(n));
  if (bad !== undefined) {
    return scope(bad === '' ? 'the volumes= scope has an empty volume name' : `"${bad}" is not a volume name`);
  }
  const known = new Set(asArray(template?.spec.volumes).map(v => asRecord(v).name));
  const unknown = names.find(n => !known.has(n));
  if (unknown !== undefined) {
    return scope(`the pod has no volume "${unknown}"`);
  }
  return isMeaningfulReason(reason) ? { reason, volumes: names } : missingReason(ruleId);
}

function missingReason(ruleId: string): ParsedWaiver {
  return { ruleId: 'waiver/missing-reason', problem: `waiver of ${ruleId} must give a reason, with at least one letter or digit, as its value` };
}

/**
 * Marks the warnings that a waiver of the object covers as waived, with the waiver's reason. Errors are never waived;
 * a waiver scoped to volumes covers only the findings about those volumes; and a hostPath of a sensitive host folder
 * stays reported whatever waives it.
 */
export function applyWaivers(findings: readonly Finding[], waivers: Waivers, item?: ManifestObject): Finding[] {
  const template = item ? podTemplateOf(item.object) : undefined;
  return findings.map(f => {
    const reason = waivers.reasons.get(f.ruleId);
    if (reason === undefined || f.severity !== Severity.WARNING || !findRule(f.ruleId)?.waivable) {
      return f;
    }
    const volume = template ? volumeOf(f, template) : undefined;
    const scope = waivers.volumes.get(f.ruleId);
    if (scope && (volume === undefined || !scope.includes(String(volume.name)))) {
      return f;
    }
    const sensitive = f.ruleId === 'pss-restricted/host-path' && volume ? sensitiveHostPath(String(asRecord(volume.hostPath).path ?? '')) : undefined;
    if (sensitive) {
      return { ...f, message: `${f.message}. The waiver does not cover it: ${sensitive}, which no waiver can open` };
    }
    return { ...f, waived: reason };
  });
}

/** The volume a finding is about, from its path (`spec.template.spec.volumes[2].hostPath`). */
function volumeOf(finding: Finding, template: PodTemplate): Record<string, unknown> | undefined {
  const prefix = `${template.specPath}.volumes[`;
  if (!finding.path.startsWith(prefix)) {
    return undefined;
  }
  const index = Number.parseInt(finding.path.slice(prefix.length), 10);
  return Number.isInteger(index) ? asRecord(asArray(template.spec.volumes)[index]) : undefined;
}
