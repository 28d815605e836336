import { Finding, ManifestObject, objectRef, Severity } from './findings';

/**
 * The family of a rule. Schema, wiring and runtime rules are errors; policy rules are warnings unless strict.
 */
export enum RuleCategory {
  SCHEMA = 'schema',
  WIRING = 'wiring',
  RUNTIME = 'runtime',
  POLICY = 'policy',
  WAIVER = 'waiver',
}

/**
 * A rule of the checker.
 */
export interface Rule {
  readonly id: string;
  readonly category: RuleCategory;
  readonly description: string;
}

const rule = (id: string, category: RuleCategory, description: string): Rule => ({ id, category, description });

/**
 * Every rule the checker reports, by id. Ids are stable: waivers and CI configurations name them.
 */
export const RULES: readonly Rule[] = [
  rule('schema/yaml', RuleCategory.SCHEMA, 'A file is not valid YAML (syntax error, duplicate key).'),
  rule('schema/not-an-object', RuleCategory.SCHEMA, 'A YAML document is not a mapping.'),
  rule('schema/unknown-kind', RuleCategory.SCHEMA, 'The apiVersion and kind are not served by the Kubernetes version checked against (or by a known CRD).'),
  rule('schema/unknown-field', RuleCategory.SCHEMA, 'A field the API of the Kubernetes version checked against does not define.'),
  rule('schema/required', RuleCategory.SCHEMA, 'A required field is missing.'),
  rule('schema/type', RuleCategory.SCHEMA, 'A field has the wrong type.'),
  rule('schema/enum', RuleCategory.SCHEMA, 'A field is not one of its allowed values.'),
  rule('schema/format', RuleCategory.SCHEMA, 'A field is not in its format (int32, int64, byte, date-time).'),
  rule('schema/quantity', RuleCategory.SCHEMA, 'A resource quantity is malformed (`512MB` instead of `512Mi` or `512M`).'),
  rule('schema/pattern', RuleCategory.SCHEMA, 'A field does not match its pattern.'),
  rule('schema/name', RuleCategory.SCHEMA, 'An object, container or volume name breaks the DNS name rules the API server enforces.'),
  rule('schema/labels', RuleCategory.SCHEMA, 'A label or annotation key, or a label value, breaks the syntax the API server enforces.'),
  rule('schema/port', RuleCategory.SCHEMA, 'A port number is outside 1-65535 (node ports: 30000-32767), or a port name is not an IANA service name.'),
  rule('schema/duplicate-name', RuleCategory.SCHEMA, 'Two containers, volumes or ports of one object have the same name.'),
  rule('schema/volume-ref', RuleCategory.SCHEMA, 'A volume mount names a volume the pod does not have.'),
  rule('schema/env-name', RuleCategory.SCHEMA, 'An environment variable name the API server rejects.'),
  rule('schema/invalid', RuleCategory.SCHEMA, 'A field breaks another constraint of its schema.'),
  rule('wiring/duplicate-object', RuleCategory.WIRING, 'Two objects have the same kind, namespace and name.'),
  rule('wiring/workload-selector', RuleCategory.WIRING, 'A workload selector does not match its own pod template labels.'),
  rule('wiring/service-selector', RuleCategory.WIRING, 'A Service selector matches no pods in its namespace.'),
  rule('wiring/service-target-port', RuleCategory.WIRING, 'A Service targetPort is not a port of the containers it selects.'),
  rule('wiring/ingress-backend', RuleCategory.WIRING, 'An Ingress backend names a Service or Service port that does not exist.'),
  rule('wiring/hpa-target', RuleCategory.WIRING, 'A HorizontalPodAutoscaler scales a workload that does not exist.'),
  rule('wiring/hpa-requests', RuleCategory.WIRING, 'A HorizontalPodAutoscaler scales on utilization of a resource its containers do not request.'),
  rule('wiring/configmap-ref', RuleCategory.WIRING, 'A pod uses a ConfigMap (or a key of one) that does not exist and is not optional.'),
  rule('wiring/pdb-selector', RuleCategory.WIRING, 'A PodDisruptionBudget selector matches no pods in its namespace.'),
  rule('runtime/run-as-non-root-uid', RuleCategory.RUNTIME, 'runAsNonRoot without a numeric non-zero runAsUser: the kubelet refuses to start images with a named user.'),
  rule('runtime/privileged-port', RuleCategory.RUNTIME, 'A non-root container listens below 1024 without the net.ipv4.ip_unprivileged_port_start sysctl.'),
  rule('runtime/read-only-root-tmp', RuleCategory.RUNTIME, 'readOnlyRootFilesystem without a writable volume at /tmp.'),
  rule('runtime/probe-port', RuleCategory.RUNTIME, 'A probe targets a port the container does not declare.'),
  rule('pss-restricted/run-as-non-root', RuleCategory.POLICY, 'Pod Security restricted: runAsNonRoot must be true.'),
  rule('pss-restricted/run-as-user', RuleCategory.POLICY, 'Pod Security restricted: runAsUser must not be 0.'),
  rule('pss-restricted/privilege-escalation', RuleCategory.POLICY, 'Pod Security restricted: allowPrivilegeEscalation must be false.'),
  rule('pss-restricted/capabilities', RuleCategory.POLICY, 'Pod Security restricted: capabilities must drop ALL and add only NET_BIND_SERVICE.'),
  rule('pss-restricted/seccomp', RuleCategory.POLICY, 'Pod Security restricted: seccompProfile must be RuntimeDefault or Localhost.'),
  rule('pss-restricted/privileged', RuleCategory.POLICY, 'Pod Security baseline: containers must not be privileged.'),
  rule('pss-restricted/host-namespaces', RuleCategory.POLICY, 'Pod Security baseline: hostNetwork, hostPID and hostIPC must not be set.'),
  rule('pss-restricted/host-ports', RuleCategory.POLICY, 'Pod Security baseline: containers must not use hostPort.'),
  rule('pss-restricted/host-path', RuleCategory.POLICY, 'Pod Security baseline: hostPath volumes are not allowed.'),
  rule('pss-restricted/volume-types', RuleCategory.POLICY, 'Pod Security restricted: only configMap, csi, downwardAPI, emptyDir, ephemeral, PVC, projected and secret volumes.'),
  rule('pss-restricted/sysctls', RuleCategory.POLICY, 'Pod Security baseline: only the safe sysctls are allowed.'),
  rule('pss-restricted/selinux', RuleCategory.POLICY, 'Pod Security baseline: SELinux type must be a container type, and user and role unset.'),
  rule('pss-restricted/proc-mount', RuleCategory.POLICY, 'Pod Security baseline: procMount must be Default.'),
  rule('pss-restricted/apparmor', RuleCategory.POLICY, 'Pod Security baseline: AppArmor profiles must be runtime/default or localhost/*.'),
  rule('pss-restricted/host-process', RuleCategory.POLICY, 'Pod Security baseline: Windows HostProcess containers are not allowed.'),
  rule('image/pinned-tag', RuleCategory.POLICY, 'An image has no tag or the floating `latest` tag; pin a version, or better a digest.'),
  rule('resources/requests', RuleCategory.POLICY, 'A container does not request cpu and memory.'),
  rule('resources/memory-limit', RuleCategory.POLICY, 'A container has no memory limit.'),
  rule('probes/readiness', RuleCategory.POLICY, 'A container has no readiness probe.'),
  rule('probes/liveness', RuleCategory.POLICY, 'A container has no liveness probe.'),
  rule('service-account/automount-token', RuleCategory.POLICY, 'A pod mounts a service account token it probably does not need.'),
  rule('waiver/missing-reason', RuleCategory.WAIVER, 'A waiver annotation has no reason.'),
  rule('waiver/unknown-rule', RuleCategory.WAIVER, 'A waiver annotation names a rule that does not exist or cannot be waived.'),
];

const BY_ID = new Map(RULES.map(r => [r.id, r]));

/**
 * The rule with this id, if any.
 */
export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/**
 * The severity of a rule's findings: warnings for policy rules and errors for every other rule. Strict mode, which
 * makes every warning an error, is applied to the findings of a whole check (`checkManifests`).
 */
export function severityOf(ruleId: string): Severity {
  return findRule(ruleId)?.category === RuleCategory.POLICY ? Severity.WARNING : Severity.ERROR;
}

/**
 * A finding of a rule about an object, at its default severity, located in the object's file.
 */
export function findingOf(ruleId: string, item: ManifestObject, path: string, message: string): Finding {
  if (!BY_ID.has(ruleId)) {
    throw new Error(`unregistered rule ${ruleId}`);
  }
  const finding: Finding = { ruleId, severity: severityOf(ruleId), message, path, object: objectRef(item.object) };
  return locate(finding, item);
}

/**
 * The finding with the file of its object and the line of its field (or of the object) there, when known.
 */
export function locate(finding: Finding, item: ManifestObject): Finding {
  if (item.file === undefined) {
    return finding;
  }
  const line = item.locate?.(finding.path) ?? item.line;
  return line !== undefined ? { ...finding, file: item.file, line } : { ...finding, file: item.file };
}
