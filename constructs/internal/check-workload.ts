// Checks of a resolved workload spec, so a check sees the values that will be emitted, defaults included.
// Conflicts between two props the user gave are read from the props: a default never conflicts.
import { k8s } from 'cdk8s-plus-28';

import {
  isDns1123Label, isHttpPath, isIngressHost, isIntOrPercent, isLabelValue, isNodePort, isNonNegativeInteger, isPort, isPositiveInteger,
  NODE_PORT_RANGE,
} from '../kubernetes-rules/names';
import { AutoscalingProps, IngressPathType, ServiceType, ServingWorkloadProps } from '../serving-props';
import { ServingWorkloadSpec } from '../serving-spec';
import { WhenUnsatisfiable } from '../topology-spread-props';
import { checkContainer } from './check-container';
import { isEmptyMap } from './empty';
import { combined } from './merge';
import { PropProblems } from './problems';
import { isQualifiedNameOnce } from './remembered-rules';
import { securityWaivers } from './security';
import * as v from './validate-props';

/** The props a check needs besides the resolved spec: what the user gave, to find conflicts. */
export type GivenProps = ServingWorkloadProps & { readonly replicas?: number; readonly autoscaling?: AutoscalingProps };

const IANA_SERVICE_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$|^[a-z]$/;
const TOLERATION_OPERATORS = ['Exists', 'Equal'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const SERVICE_TYPES = Object.values(ServiceType);
const INGRESS_PATH_TYPES = Object.values(IngressPathType);
const WHEN_UNSATISFIABLE = Object.values(WhenUnsatisfiable);
const ROLLING_UPDATE_PROPS = ['maxSurge', 'maxUnavailable'] as const;
const ID_PROPS = ['runAsUser', 'runAsGroup'] as const;
/** For the checks of containers that have no props of their own to tell apart. */
const NOTHING_GIVEN = {};

export function checkWorkload(p: PropProblems, spec: ServingWorkloadSpec, given: GivenProps): void {
  v.checkName(p, spec.name);
  v.checkNamespace(p, spec.namespace);
  checkReplicas(p, spec, given);
  checkContainers(p, spec, given);
  checkService(p, spec);
  checkIngress(p, spec);
  checkRollout(p, spec);
  checkSecurity(p, spec, given);
  checkServiceAccount(p, spec, given);
  checkPlacement(p, spec);
  checkMetadata(p, spec);
}

function checkReplicas(p: PropProblems, spec: ServingWorkloadSpec, given: GivenProps): void {
  v.checkNonNegativeInteger(p, 'replicas', given.replicas);
  if (given.replicas !== undefined && given.autoscaling) {
    p.add(`replicas ${given.replicas} cannot be set together with autoscaling: the autoscaler owns the replica count`);
  }
  const a = spec.autoscaling;
  if (!a) {
    return;
  }
  p.check(isPositiveInteger(a.minReplicas), 'autoscaling.minReplicas', a.minReplicas, 'must be an integer of at least 1');
  if (p.check(isPositiveInteger(a.maxReplicas), 'autoscaling.maxReplicas', a.maxReplicas, 'must be an integer of at least 1')) {
    if (isPositiveInteger(a.minReplicas) && a.maxReplicas < a.minReplicas) {
      p.fail('autoscaling.maxReplicas', a.maxReplicas, `must be at least autoscaling.minReplicas (${a.minReplicas})`);
    }
  }
  checkUtilization(p, 'autoscaling.cpuUtilization', a.cpuUtilization);
  checkUtilization(p, 'autoscaling.memoryUtilization', a.memoryUtilization);
}

function checkUtilization(p: PropProblems, prop: string, value: number | undefined): void {
  if (value !== undefined) {
    p.check(isPositiveInteger(value), prop, value, 'must be an integer percentage of the request, at least 1');
  }
}

function checkContainers(p: PropProblems, spec: ServingWorkloadSpec, given: GivenProps): void {
  // Arrays, not Sets, and concat, not a spread: a pod has a few containers and ports, and code not yet optimized
  // allocates a hash table per Set and an iterator per spread.
  const all = [spec.server].concat(spec.initContainers, spec.sidecars);
  const portNames: string[] = [];
  const portNumbers: number[] = [];
  const names = [spec.server.name];
  for (let k = 0; k < all.length; k++) {
    const c = all[k];
    const server = c === spec.server;
    checkContainer(p, c, server ? given : NOTHING_GIVEN);
    if (!server) {
      if (!(typeof c.name === 'string' && isDns1123Label(c.name))) {
        p.fail(`${c.propPrefix}name`, c.name, 'must be a DNS-1123 label');
      } else {
        if (names.includes(c.name)) {
          p.fail(`${c.propPrefix}name`, c.name, 'is the name of another container of the pod');
        }
        names.push(c.name);
      }
    }
    for (let i = 0; i < c.ports.length; i++) {
      const port = c.ports[i];
      // The server's ports come from the construct's own props (`port`), which it checks itself.
      if (server) {
        portNames.push(port.name);
        portNumbers.push(port.containerPort);
        continue;
      }
      if (!(typeof port.name === 'string' && port.name.length <= 15 && IANA_SERVICE_NAME.test(port.name))) {
        p.fail(`${c.propPrefix}ports[${i}].name`, port.name, "must be an IANA service name: at most 15 lowercase letters, digits and '-', with a letter");
      } else {
        if (portNames.includes(port.name)) {
          p.fail(`${c.propPrefix}ports[${i}].name`, port.name, 'is the name of another port of the pod');
        }
        portNames.push(port.name);
      }
      if (!isPort(port.containerPort)) {
        p.fail(`${c.propPrefix}ports[${i}].containerPort`, port.containerPort, 'must be an integer within 1-65535');
      } else {
        if (portNumbers.includes(port.containerPort)) {
          p.fail(`${c.propPrefix}ports[${i}].containerPort`, port.containerPort, 'is the number of another port of the pod');
        }
        portNumbers.push(port.containerPort);
      }
    }
  }
  const initContainers = given.initContainers ?? [];
  for (let i = 0; i < initContainers.length; i++) {
    if (initContainers[i].probes !== undefined) {
      p.fail(`initContainers[${i}].probes`, initContainers[i].probes, 'must be left out: init containers run to completion and are not probed');
    }
  }
  spec.sidecars.forEach(c => {
    if (c.ports.length === 0 && Object.keys(c.probes).length > 0) {
      p.add(`${c.propPrefix}probes need ${c.propPrefix}ports: a probe checks the sidecar's first port`);
    }
  });
  // Mounting an explicit writable path again would give Kubernetes two mounts at one path.
  for (const path of given.security?.writablePaths ?? []) {
    p.check(given.mounts?.[path] === undefined, 'security.writablePaths', path, 'is also in mounts: give it one volume, in mounts or here');
  }
}

function checkService(p: PropProblems, spec: ServingWorkloadSpec): void {
  const service = spec.service;
  v.checkOneOf(p, 'service.type', service.type, SERVICE_TYPES);
  v.checkPort(p, 'service.port', service.port);
  if (service.nodePort !== undefined) {
    const { min, max } = NODE_PORT_RANGE;
    p.check(isNodePort(service.nodePort), 'service.nodePort', service.nodePort, `must be within ${min}-${max}`);
    p.check(service.type === ServiceType.NODE_PORT || service.type === ServiceType.LOAD_BALANCER, 'service.nodePort', service.nodePort,
      `needs service.type NodePort or LoadBalancer, not ${service.type}`);
  }
  v.checkKeys(p, 'service.annotations', service.annotations);
}

function checkIngress(p: PropProblems, spec: ServingWorkloadSpec): void {
  const ingress = spec.ingress;
  if (!ingress) {
    return;
  }
  if (ingress.host !== undefined) {
    p.check(isIngressHost(ingress.host), 'ingress.host', ingress.host,
      "must be a DNS name such as 'models.example.com' (optionally starting with '*.'), not an IP address or a URL");
  }
  v.checkHttpPath(p, 'ingress.path', ingress.path);
  v.checkOneOf(p, 'ingress.pathType', ingress.pathType, INGRESS_PATH_TYPES);
  v.checkObjectName(p, 'ingress.className', ingress.className);
  if (ingress.tlsSecretName !== undefined) {
    v.checkObjectName(p, 'ingress.tlsSecretName', ingress.tlsSecretName);
    p.check(ingress.host !== undefined, 'ingress.tlsSecretName', ingress.tlsSecretName, 'needs ingress.host: a certificate is for a host');
  }
  v.checkKeys(p, 'ingress.annotations', ingress.annotations);
}

function checkRollout(p: PropProblems, spec: ServingWorkloadSpec): void {
  const rollingUpdate = spec.rollingUpdate;
  for (let i = 0; i < ROLLING_UPDATE_PROPS.length; i++) {
    const prop = ROLLING_UPDATE_PROPS[i];
    const value = rollingUpdate?.[prop];
    if (value !== undefined && p.check(isIntOrPercent(value), `rollingUpdate.${prop}`, value,
      "must be a non-negative integer or a percentage such as '25%'")) {
      // maxSurge may exceed 100%; more than every pod cannot be unavailable.
      p.check(prop === 'maxSurge' || typeof value === 'number' || parseInt(value, 10) <= 100, `rollingUpdate.${prop}`, value, 'must be at most 100%');
    }
  }
  if (rollingUpdate?.maxSurge !== undefined && rollingUpdate.maxUnavailable !== undefined
    && isZero(rollingUpdate.maxSurge) && isZero(rollingUpdate.maxUnavailable)) {
    p.add('rollingUpdate.maxSurge and rollingUpdate.maxUnavailable must not both be 0: the rollout could never progress');
  }
  v.checkNonNegativeInteger(p, 'revisionHistoryLimit', spec.revisionHistoryLimit);
  v.checkNonNegativeInteger(p, 'minReadySeconds', spec.minReadySeconds);
  v.checkPositiveInteger(p, 'progressDeadlineSeconds', spec.progressDeadlineSeconds);
  if (spec.progressDeadlineSeconds !== undefined && isPositiveInteger(spec.progressDeadlineSeconds)
    && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
    p.fail('progressDeadlineSeconds', spec.progressDeadlineSeconds,
      `must be greater than minReadySeconds (${spec.minReadySeconds ?? 0}), or no rollout could ever complete`);
  }
  if (spec.changeCause !== undefined) {
    p.check(spec.changeCause.trim().length > 0, 'changeCause', spec.changeCause, 'must not be empty: kubectl rollout history shows it');
  }
}

function checkSecurity(p: PropProblems, spec: ServingWorkloadSpec, given: GivenProps): void {
  const security = given.security;
  for (let i = 0; i < ID_PROPS.length; i++) {
    const prop = ID_PROPS[i];
    const id = security?.[prop];
    if (id === undefined) {
      continue;
    }
    p.check(isNonNegativeInteger(id) && id <= 2147483647, `security.${prop}`, id, 'must be an integer within 0-2147483647');
    if (security?.runAsRoot !== undefined) {
      p.add(`security.${prop} ${id} conflicts with security.runAsRoot, which runs as UID and GID 0: give one of them`);
    } else {
      p.check(id !== 0, `security.${prop}`, id, 'is root; set security.runAsRoot with a reason to run as root');
    }
  }
  const paths = spec.security.writablePaths;
  for (let i = 0; i < paths.length; i++) {
    const path = paths[i];
    p.check(isHttpPath(path) && !path.includes(':') && path !== '/', 'security.writablePaths', path,
      "must be an absolute folder path starting with '/', other than '/'");
    p.check(paths.indexOf(path) === i, 'security.writablePaths', path, 'is listed twice: Kubernetes refuses two mounts at one path');
  }
  v.checkReason(p, 'security.runAsRoot.reason', security?.runAsRoot ? security.runAsRoot.reason ?? '' : undefined, 'the app needs root');
}

function checkServiceAccount(p: PropProblems, spec: ServingWorkloadSpec, given: GivenProps): void {
  if (given.serviceAccountName !== undefined && given.serviceAccount !== undefined) {
    p.add(`serviceAccountName '${given.serviceAccountName}' conflicts with serviceAccount, which creates the ServiceAccount '${spec.name}': give one of them`);
  }
  v.checkObjectName(p, 'serviceAccountName', given.serviceAccountName);
  const create = spec.serviceAccount.create;
  if (create) {
    v.checkKeys(p, 'serviceAccount.annotations', create.annotations);
    v.checkLabels(p, 'serviceAccount.labels', create.labels);
    v.checkNoOverwrite(p, 'serviceAccount.labels', create.labels, spec.labels);
  }
  v.checkReason(p, 'automountServiceAccountToken.reason', given.automountServiceAccountToken
    ? given.automountServiceAccountToken.reason ?? '' : undefined, 'the server calls the Kubernetes API');
  spec.imagePullSecrets.forEach((name, i) => v.checkObjectName(p, `imagePullSecrets[${i}]`, name));
}

function checkPlacement(p: PropProblems, spec: ServingWorkloadSpec): void {
  v.checkLabels(p, 'nodeSelector', spec.nodeSelector);
  v.checkObjectName(p, 'priorityClassName', spec.priorityClassName);
  spec.tolerations.forEach((t, i) => {
    // The paths of a toleration's props are put together only for one that fails a test.
    if (isValidToleration(t)) {
      return;
    }
    const prop = `tolerations[${i}]`;
    v.checkOneOf(p, `${prop}.operator`, t.operator, TOLERATION_OPERATORS);
    v.checkOneOf(p, `${prop}.effect`, t.effect, TAINT_EFFECTS);
    if (t.key !== undefined) {
      p.check(isQualifiedNameOnce(t.key), `${prop}.key`, t.key, "must be a taint key such as 'nvidia.com/gpu'");
    }
    if (t.operator === 'Exists') {
      p.check(t.value === undefined, `${prop}.value`, t.value, "must be left out with operator 'Exists'");
    } else {
      p.check(t.key !== undefined, `${prop}.key`, t.key, "is required unless operator is 'Exists'");
      v.checkLabelValue(p, `${prop}.value`, t.value);
    }
    if (t.tolerationSeconds !== undefined) {
      p.check(t.effect === 'NoExecute', `${prop}.tolerationSeconds`, t.tolerationSeconds, "needs effect 'NoExecute'");
      v.checkNonNegativeInteger(p, `${prop}.tolerationSeconds`, t.tolerationSeconds);
    }
  });
  const spread = spec.topologySpread;
  if (spread) {
    v.checkPositiveInteger(p, 'topologySpread.maxSkew', spread.maxSkew);
    p.check(isQualifiedNameOnce(spread.topologyKey), 'topologySpread.topologyKey', spread.topologyKey,
      "must be a node label key such as 'topology.kubernetes.io/zone'");
    v.checkOneOf(p, 'topologySpread.whenUnsatisfiable', spread.whenUnsatisfiable, WHEN_UNSATISFIABLE);
  }
}

/** What checkPlacement checks of a toleration. */
function isValidToleration(t: k8s.Toleration): boolean {
  return (t.operator === undefined || TOLERATION_OPERATORS.includes(t.operator))
    && (t.effect === undefined || TAINT_EFFECTS.includes(t.effect))
    && (t.key === undefined || isQualifiedNameOnce(t.key))
    && (t.operator === 'Exists' ? t.value === undefined : t.key !== undefined && (t.value === undefined || isLabelValue(t.value)))
    && (t.tolerationSeconds === undefined || (t.effect === 'NoExecute' && isNonNegativeInteger(t.tolerationSeconds)));
}

function checkMetadata(p: PropProblems, spec: ServingWorkloadSpec): void {
  v.checkLabels(p, 'podLabels', spec.podLabels);
  v.checkNoOverwrite(p, 'podLabels', spec.podLabels, spec.labels);
  v.checkKeys(p, 'podAnnotations', spec.podAnnotations);
  v.checkNoOverwrite(p, 'podAnnotations', spec.podAnnotations, spec.ownPodAnnotations);
  v.checkKeys(p, 'annotations', spec.annotations);
  if (!isEmptyMap(spec.annotations)) {
    v.checkNoOverwrite(p, 'annotations', spec.annotations,
      combined(spec.ownAnnotations, securityWaivers(spec.security, spec.serviceAccount.automountToken)));
  }
}

function isZero(value: number | string): boolean {
  return value === 0 || value === '0%';
}
