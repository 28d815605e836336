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
  /**
   * The severity of its findings: warning for policy rules, error for the others, info for references to objects that
   * usually live outside the manifests. Some findings differ, as the description says: a wiring rule across objects
   * reports warnings unless the checked set is complete, and a reference rule an error for an object of the set that
   * lacks the key.
   */
  readonly severity: Severity;
  /** Whether an annotation on the object can waive its (warning) findings. */
  readonly waivable: boolean;
  /**
   * The rule checks a reference from one object to another that may be outside the checked set: its findings are
   * errors when the set is complete (`--complete`), warnings otherwise.
   */
  readonly acrossObjects: boolean;
}

interface RuleOptions {
  readonly severity?: Severity;
  readonly acrossObjects?: boolean;
}

const rule = (id: string, category: RuleCategory, description: string, options: RuleOptions = {}): Rule => {
  const severity = options.severity ?? (category === RuleCategory.POLICY ? Severity.WARNING : Severity.ERROR);
  return { id, category, description, severity, waivable: severity === Severity.WARNING, acrossObjects: options.acrossObjects ?? false };
};
const ACROSS = { acrossObjects: true };
const EXTERNAL = { severity: Severity.INFO };

/**
 * Every rule the checker reports, by id. Ids are stable: waivers and CI configurations name them.
 */
export const RULES: readonly Rule[] = [
  rule('schema/yaml', RuleCategory.SCHEMA, 'A file is not valid YAML (syntax error, duplicate key).'),
  rule('schema/not-an-object', RuleCategory.SCHEMA, 'A YAML document is not a mapping.'),
  rule('schema/unknown-kind', RuleCategory.SCHEMA, 'The apiVersion and kind are not served by the Kubernetes version checked against (or by a known CRD).'),
  rule('schema/unknown-field', RuleCategory.SCHEMA, 'A field the API of the Kubernetes version checked against does not define.'),
  rule('schema/required', RuleCategory.SCHEMA, 'A required field is missing (a container image and a Service\'s ports too, which the API server requires).'),
  rule('schema/type', RuleCategory.SCHEMA, 'A field has the wrong type.'),
  rule('schema/enum', RuleCategory.SCHEMA, 'A field is not one of its allowed values.'),
  rule('schema/format', RuleCategory.SCHEMA, 'A field is not in its format (int32, int64, byte, date-time).'),
  rule('schema/quantity', RuleCategory.SCHEMA, 'A resource quantity is malformed (`512MB` instead of `512Mi` or `512M`), or null, which the API server reads as 0.'),
  rule('schema/pattern', RuleCategory.SCHEMA, 'A field does not match its pattern.'),
  rule('schema/name', RuleCategory.SCHEMA, 'An object, container or volume name breaks the DNS name rules the API server enforces.'),
  rule('schema/labels', RuleCategory.SCHEMA, 'A label or annotation key, or a label value, breaks the syntax the API server enforces.'),
  rule('schema/port', RuleCategory.SCHEMA, 'A port number is outside 1-65535 (node ports: 30000-32767), or a port name is not an IANA service name.'),
  rule('schema/duplicate-name', RuleCategory.SCHEMA, 'Two containers, volumes or ports of one object have the same name.'),
  rule('schema/volume-ref', RuleCategory.SCHEMA, 'A volume mount names a volume the pod does not have (a StatefulSet\'s claim templates count as volumes).'),
  rule('schema/env-name', RuleCategory.SCHEMA, 'An environment variable name the API server rejects.'),
  rule('schema/ingress-path', RuleCategory.SCHEMA, 'An Ingress path of type Prefix or Exact is not absolute, or has a "//", "/./", "/../" or "%2F" segment.'),
  rule('schema/int-or-percent', RuleCategory.SCHEMA, 'A count or percentage (maxUnavailable, maxSurge, minAvailable) is negative, malformed, above 100% where the API server caps it, or both rolling update bounds are 0.'),
  rule('schema/annotations-size', RuleCategory.SCHEMA, 'The annotations of an object (or of its pod template) exceed 256 KiB in total.'),
  rule('schema/restart-policy', RuleCategory.SCHEMA, 'A Job or CronJob pod template without restartPolicy OnFailure or Never, or a Deployment, StatefulSet, DaemonSet or ReplicaSet template with one other than Always.'),
  rule('schema/invalid', RuleCategory.SCHEMA, 'A field breaks another constraint of its schema.'),
  rule('wiring/duplicate-object', RuleCategory.WIRING, 'Two objects have the same kind, namespace and name.'),
  rule('wiring/workload-selector', RuleCategory.WIRING, 'A workload selector does not match its own pod template labels.'),
  rule('wiring/service-selector', RuleCategory.WIRING, 'A Service selector matches no pods in its namespace. A warning unless --complete.', ACROSS),
  rule('wiring/service-target-port', RuleCategory.WIRING, 'A Service targetPort names no port of the containers it selects (a number no containerPort declares: a warning).'),
  rule('wiring/ingress-backend', RuleCategory.WIRING, 'An Ingress backend names a Service, or a port of a Service, that does not exist. A missing Service is a warning unless --complete.', ACROSS),
  rule('wiring/httproute-backend', RuleCategory.WIRING, 'An HTTPRoute backendRef names a Service, or a port of a Service, that does not exist. A missing Service is a warning unless --complete.', ACROSS),
  rule('wiring/servicemonitor-selector', RuleCategory.WIRING, 'A ServiceMonitor selects no Service, or scrapes a port name the selected Services do not have. A warning unless --complete.', ACROSS),
  rule('wiring/hpa-target', RuleCategory.WIRING, 'A HorizontalPodAutoscaler scales a workload that does not exist. A warning unless --complete.', ACROSS),
  rule('wiring/hpa-requests', RuleCategory.WIRING, 'A HorizontalPodAutoscaler scales on utilization of a resource its containers do not request.'),
  rule('wiring/pdb-selector', RuleCategory.WIRING, 'A PodDisruptionBudget selector matches no pods in its namespace. A warning unless --complete.', ACROSS),
  rule('wiring/configmap-ref', RuleCategory.WIRING,
    'A pod uses a ConfigMap that is not in the set: it must exist before apply. A key the ConfigMap of the set lacks is an error.', EXTERNAL),
  rule('wiring/secret-ref', RuleCategory.WIRING,
    'A pod or Ingress uses a Secret that is not in the set: it must exist before apply. A key the Secret of the set lacks is an error.', EXTERNAL),
  rule('wiring/service-account-ref', RuleCategory.WIRING, 'A pod runs as a ServiceAccount that is not in the set: it must exist before apply.', EXTERNAL),
  rule('wiring/pvc-ref', RuleCategory.WIRING, 'A pod mounts a PersistentVolumeClaim that is not in the set: it must exist before apply.', EXTERNAL),
  rule('wiring/priority-class-ref', RuleCategory.WIRING, 'A pod names a PriorityClass that is not in the set: it must exist before apply.', EXTERNAL),
  rule('runtime/run-as-non-root-uid', RuleCategory.RUNTIME, 'runAsNonRoot without a numeric non-zero runAsUser: the kubelet refuses to start images with a named user.'),
  rule('runtime/privileged-port', RuleCategory.RUNTIME, 'A non-root container listens below 1024 without the net.ipv4.ip_unprivileged_port_start sysctl.'),
  rule('runtime/read-only-root-tmp', RuleCategory.RUNTIME, 'readOnlyRootFilesystem without a writable volume at /tmp, where many servers write; waive it for one that never does.',
    { severity: Severity.WARNING }),
  rule('runtime/probe-port', RuleCategory.RUNTIME, 'A probe names a port the container does not declare (a number no containerPort declares: a warning).'),
  rule('runtime/probe-protocol', RuleCategory.RUNTIME, 'A TCP, HTTP or gRPC probe targets a port the container declares only for UDP or SCTP.'),
  rule('runtime/duplicate-env', RuleCategory.RUNTIME, 'A container sets one environment variable twice: the last wins, and kubectl apply may drop one.'),
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
  rule('waiver/missing-reason', RuleCategory.WAIVER, 'A waiver annotation has no reason (one with at least a letter or a digit).'),
  rule('waiver/unknown-rule', RuleCategory.WAIVER, 'A waiver annotation names a rule that does not exist or cannot be waived.'),
  rule('waiver/scope', RuleCategory.WAIVER, 'A waiver\'s volumes= scope is malformed, names a volume the pod does not have, or is given for a rule not about volumes.'),
];

const BY_ID = new Map(RULES.map(r => [r.id, r]));

/**
 * The rule with this id, if any.
 */
export function findRule(id: string): Rule | undefined {
  return BY_ID.get(id);
}

/**
 * The severity of a rule's findings (see `Rule.severity`). Strict mode, which makes every warning an error, is applied
 * to the findings of a whole check (`checkManifests`).
 */
export function severityOf(ruleId: string): Severity {
  return findRule(ruleId)?.severity ?? Severity.ERROR;
}

/**
 * A finding of a rule about an object, at the rule's severity unless another is given, located in the object's file.
 */
export function findingOf(ruleId: string, item: ManifestObject, path: string, message: string, severity?: Severity): Finding {
  if (!BY_ID.has(ruleId)) {
    throw new Error(`unregistered rule ${ruleId}`);
  }
  const finding: Finding = { ruleId, severity: severity ?? severityOf(ruleId), message, path, object: objectRef(item.object) };
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
