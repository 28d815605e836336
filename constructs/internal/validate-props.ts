// Checks of the props every serving construct shares. Each records problems; the construct throws them together.
import * as rules from '../kubernetes-rules';
import { isMeaningfulReason, isQuantity, parseImage, parseQuantity } from '../kubernetes-rules';
import {
  AutoscalingProps, IngressPathType, IngressProps, ProbesProps, ResourcesProps, RollingUpdateProps, SecurityProps, ServiceProps, ServiceType,
  ServingWorkloadProps,
} from '../serving-props';
import { PropProblems } from './problems';

/** The props both serving constructs share, besides the image, the env (its reserved names differ) and the probes. */
export function checkWorkloadProps(p: PropProblems, name: string, props: ServingWorkloadProps & {
  replicas?: number; autoscaling?: AutoscalingProps; resources?: ResourcesProps; service?: ServiceProps;
}): void {
  checkName(p, name);
  checkNamespace(p, props.namespace);
  checkReplicas(p, props.replicas, props.autoscaling);
  checkAutoscaling(p, props.autoscaling);
  checkResources(p, props.resources);
  checkService(p, props.service);
  checkRollingUpdate(p, props.rollingUpdate, props.revisionHistoryLimit);
  checkSecurity(p, props.security);
}

export function checkName(p: PropProblems, name: string): void {
  p.check(rules.isDns1035Label(name), 'name', name,
    `must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter, at most ${rules.DNS_LABEL_MAX} characters)`);
}

export function checkNamespace(p: PropProblems, namespace: string | undefined): void {
  if (namespace !== undefined) {
    p.check(rules.isDns1123Label(namespace), 'namespace', namespace,
      `must be a DNS-1123 label (lowercase letters, digits and '-', at most ${rules.DNS_LABEL_MAX} characters)`);
  }
}

export function checkImage(p: PropProblems, prop: string, image: string): void {
  if (!p.check(typeof image === 'string' && image.length > 0, prop, image, "is required: a container image such as 'repo/model:1.4.2'")) {
    return;
  }
  const parsed = parseImage(image);
  if (typeof parsed === 'string') {
    p.check(false, prop, image, parsed);
  } else if (parsed.tag === undefined && parsed.digest === undefined) {
    p.check(false, prop, image, 'must carry a tag or a digest, e.g. \'repo/model:1.4.2\'');
  } else if (parsed.tag === 'latest' && parsed.digest === undefined) {
    p.check(false, prop, image, 'must not use the floating tag \'latest\'; pin a version or a digest');
  }
}

export function checkPort(p: PropProblems, prop: string, port: number | undefined): void {
  if (port !== undefined) {
    p.check(rules.isPort(port), prop, port, 'must be an integer within 1-65535');
  }
}

export function checkReplicas(p: PropProblems, replicas: number | undefined, autoscaling: AutoscalingProps | undefined): void {
  if (replicas === undefined) {
    return;
  }
  p.check(rules.isNonNegativeInteger(replicas), 'replicas', replicas, 'must be a non-negative integer');
  if (autoscaling) {
    p.add(`replicas ${replicas} cannot be set together with autoscaling: the autoscaler owns the replica count`);
  }
}

export function checkAutoscaling(p: PropProblems, autoscaling: AutoscalingProps | undefined): void {
  if (!autoscaling) {
    return;
  }
  const { minReplicas, maxReplicas, cpuUtilization, memoryUtilization } = autoscaling;
  if (minReplicas !== undefined) {
    p.check(rules.isPositiveInteger(minReplicas), 'autoscaling.minReplicas', minReplicas, 'must be an integer of at least 1');
  }
  if (p.check(rules.isPositiveInteger(maxReplicas), 'autoscaling.maxReplicas', maxReplicas, 'must be an integer of at least 1')) {
    p.check(minReplicas === undefined || maxReplicas >= minReplicas, 'autoscaling.maxReplicas', maxReplicas,
      `must be at least autoscaling.minReplicas (${minReplicas})`);
  }
  for (const [prop, value] of [['cpuUtilization', cpuUtilization], ['memoryUtilization', memoryUtilization]] as const) {
    if (value !== undefined) {
      p.check(rules.isPositiveInteger(value), `autoscaling.${prop}`, value, 'must be an integer percentage of the request, at least 1');
    }
  }
}

export function checkResources(p: PropProblems, resources: ResourcesProps | undefined): void {
  for (const resource of ['cpu', 'memory'] as const) {
    const range = resources?.[resource];
    for (const bound of ['request', 'limit'] as const) {
      const value = range?.[bound];
      if (value !== undefined) {
        p.check(typeof value === 'string' && isQuantity(value), `resources.${resource}.${bound}`, value,
          `is not a Kubernetes quantity (e.g. ${resource === 'cpu' ? "'500m' or '0.5'" : "'512Mi' or '1G'"})`);
      }
    }
    const request = range?.request !== undefined ? parseQuantity(range.request) : undefined;
    const limit = range?.limit !== undefined ? parseQuantity(range.limit) : undefined;
    if (request !== undefined && limit !== undefined && request > limit) {
      p.add(`resources.${resource}.request '${range?.request}' must not exceed resources.${resource}.limit '${range?.limit}'`);
    }
  }
}

export function checkEnv(p: PropProblems, env: { [name: string]: string } | undefined, reserved: string[] = []): void {
  for (const [name, value] of Object.entries(env ?? {})) {
    p.check(rules.isEnvVarName(name), 'env name', name, "must consist of letters, digits, '_', '-' or '.' and not start with a digit");
    p.check(!reserved.includes(name), 'env name', name, 'is set by the construct itself; use the matching prop instead');
    p.check(typeof value === 'string', `env.${name}`, value, 'must be a string');
  }
}

export function checkProbes(p: PropProblems, probes: ProbesProps | undefined): void {
  for (const kind of ['startup', 'readiness', 'liveness'] as const) {
    const path = probes?.[kind];
    if (path !== undefined) {
      p.check(rules.isHttpPath(path), `probes.${kind}`, path, "must be an absolute HTTP path starting with '/', without spaces, '?' or '#'");
    }
  }
}

export function checkService(p: PropProblems, service: ServiceProps | undefined): void {
  if (!service) {
    return;
  }
  const types = Object.values(ServiceType) as string[];
  if (service.type !== undefined) {
    p.check(types.includes(service.type), 'service.type', service.type, `must be one of ${types.join(', ')}`);
  }
  checkPort(p, 'service.port', service.port);
  if (service.nodePort !== undefined) {
    const { min, max } = rules.NODE_PORT_RANGE;
    p.check(rules.isNodePort(service.nodePort), 'service.nodePort', service.nodePort, `must be within ${min}-${max}`);
    p.check(service.type === ServiceType.NODE_PORT || service.type === ServiceType.LOAD_BALANCER, 'service.nodePort', service.nodePort,
      `needs service.type NodePort or LoadBalancer, not ${service.type ?? 'ClusterIP'}`);
  }
  checkKeys(p, 'service.annotations', service.annotations);
}

export function checkIngress(p: PropProblems, ingress: IngressProps | undefined): void {
  if (!ingress) {
    return;
  }
  if (ingress.host !== undefined) {
    p.check(rules.isIngressHost(ingress.host), 'ingress.host', ingress.host,
      "must be a DNS name such as 'models.example.com' (optionally starting with '*.'), not an IP address or a URL");
  }
  if (ingress.path !== undefined) {
    p.check(rules.isHttpPath(ingress.path), 'ingress.path', ingress.path, "must be an absolute HTTP path starting with '/', without spaces, '?' or '#'");
  }
  const pathTypes = Object.values(IngressPathType) as string[];
  if (ingress.pathType !== undefined) {
    p.check(pathTypes.includes(ingress.pathType), 'ingress.pathType', ingress.pathType, `must be one of ${pathTypes.join(', ')}`);
  }
  if (ingress.className !== undefined) {
    p.check(rules.isDns1123Subdomain(ingress.className), 'ingress.className', ingress.className, 'must be a DNS-1123 subdomain');
  }
  if (ingress.tlsSecretName !== undefined) {
    p.check(rules.isDns1123Subdomain(ingress.tlsSecretName), 'ingress.tlsSecretName', ingress.tlsSecretName, 'must be a DNS-1123 subdomain');
    p.check(ingress.host !== undefined, 'ingress.tlsSecretName', ingress.tlsSecretName, 'needs ingress.host: a certificate is for a host');
  }
  checkKeys(p, 'ingress.annotations', ingress.annotations);
}

export function checkRollingUpdate(p: PropProblems, rollingUpdate: RollingUpdateProps | undefined, revisionHistoryLimit: number | undefined): void {
  for (const prop of ['maxSurge', 'maxUnavailable'] as const) {
    const value = rollingUpdate?.[prop];
    if (value !== undefined) {
      p.check(rules.isIntOrPercent(value), `rollingUpdate.${prop}`, value, "must be a non-negative integer or a percentage such as '25%'");
    }
  }
  if (rollingUpdate?.maxSurge !== undefined && rollingUpdate.maxUnavailable !== undefined
    && isZero(rollingUpdate.maxSurge) && isZero(rollingUpdate.maxUnavailable)) {
    p.add('rollingUpdate.maxSurge and rollingUpdate.maxUnavailable must not both be 0: the rollout could never progress');
  }
  if (revisionHistoryLimit !== undefined) {
    p.check(rules.isNonNegativeInteger(revisionHistoryLimit), 'revisionHistoryLimit', revisionHistoryLimit, 'must be a non-negative integer');
  }
}

export function checkSecurity(p: PropProblems, security: SecurityProps | undefined): void {
  if (!security) {
    return;
  }
  for (const prop of ['runAsUser', 'runAsGroup'] as const) {
    const id = security[prop];
    if (id !== undefined) {
      p.check(rules.isNonNegativeInteger(id) && id <= 2147483647, `security.${prop}`, id, 'must be an integer within 0-2147483647');
      p.check(id !== 0 || security.runAsRoot !== undefined, `security.${prop}`, id, 'is root; set security.runAsRoot with a reason to run as root');
    }
  }
  const writablePaths = security.writablePaths ?? [];
  writablePaths.forEach((path, i) => {
    p.check(rules.isHttpPath(path) && !path.includes(':'), 'security.writablePaths', path, "must be an absolute path starting with '/'");
    p.check(writablePaths.indexOf(path) === i, 'security.writablePaths', path, 'is listed twice: Kubernetes refuses two mounts at one path');
  });
  if (security.writablePaths !== undefined && security.readOnlyRootFilesystem !== false) {
    // Python, gunicorn and most servers write temporary files; without /tmp they fail at runtime, not at deploy.
    p.check(writablePaths.includes('/tmp'), 'security.writablePaths', writablePaths,
      "must include '/tmp' while the root file system is read-only (set security.readOnlyRootFilesystem to false otherwise)");
  }
  if (security.runAsRoot !== undefined) {
    // The reason becomes a waiver annotation, which the checker honours only with a letter or a digit in it.
    const reason: unknown = security.runAsRoot.reason;
    p.check(typeof reason === 'string' && isMeaningfulReason(reason), 'security.runAsRoot.reason', reason, 'must explain why the app needs root');
  }
}

/** Label and annotation keys: an optional DNS prefix and a name of at most 63 characters. */
export function checkKeys(p: PropProblems, prop: string, map: { [key: string]: string } | undefined): void {
  for (const [key, value] of Object.entries(map ?? {})) {
    p.check(rules.isQualifiedName(key), `${prop} key`, key, "must be a qualified name such as 'example.com/my-key'");
    p.check(typeof value === 'string', `${prop}.${key}`, value, 'must be a string');
  }
}

function isZero(value: number | string): boolean {
  return value === 0 || value === '0%';
}

export function checkLabelValue(p: PropProblems, prop: string, value: string | undefined): void {
  if (value !== undefined) {
    p.check(rules.isLabelValue(value), prop, value,
      "must be a valid label value (at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit)");
  }
}
