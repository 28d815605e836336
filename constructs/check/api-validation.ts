import {
  DNS_LABEL_MAX, DNS_SUBDOMAIN_MAX, ENV_VAR_NAME, isDns1035Label, isDns1123Label, isDns1123Subdomain, isLabelValue, isQualifiedName, NODE_PORT_RANGE,
} from '../kubernetes-rules';
import { Finding, KubeObject, objectRef, Severity } from './findings';
import { containersOf, podTemplateOf } from './pods';
import { asArray, asRecord, joinPath } from './util';

const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** A rule for names: a DNS label (RFC 1035 or RFC 1123), a DNS subdomain, or a path segment. */
type NameRule = 'dns1035' | 'dns1123' | 'subdomain' | 'pathSegment';

/**
 * Kinds whose names are not DNS subdomains: DNS labels (RFC 1035 for Services, RFC 1123 for Namespaces), and RBAC
 * objects, whose names are path segments (`system:aggregated-metrics-reader`). Other kinds take subdomains.
 */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  Service: 'dns1035',
  Namespace: 'dns1123',
  Role: 'pathSegment',
  ClusterRole: 'pathSegment',
  RoleBinding: 'pathSegment',
  ClusterRoleBinding: 'pathSegment',
};

/** The longest CronJob name: the controller appends an 11-character suffix to name its Jobs. */
const CRONJOB_NAME_MAX = 52;


/**
 * Checks what the API server validates beyond the OpenAPI schema: object, container, volume and port names, label and
 * annotation syntax, port numbers, and environment variable names.
 */
export function validateApiRules(obj: KubeObject): Finding[] {
  const findings: Finding[] = [];
  const ref = objectRef(obj);
  const add = (ruleId: string, path: string, message: string) => findings.push({ ruleId, severity: Severity.ERROR, message, path, object: ref });
  const meta = asRecord(obj.metadata);
  if (typeof meta.name === 'string') {
    const problem = nameProblem(meta.name, typeof obj.kind === 'string' && Object.hasOwn(NAME_RULES, obj.kind) ? NAME_RULES[obj.kind] : 'subdomain');
    if (problem) {
      add('schema/name', 'metadata.name', `name "${meta.name}" ${problem}`);
    } else if (obj.kind === 'CronJob' && meta.name.length > CRONJOB_NAME_MAX) {
      add('schema/name', 'metadata.name', `CronJob name "${meta.name}" is ${meta.name.length} characters long; at most ${CRONJOB_NAME_MAX} are allowed (Jobs get a suffix)`);
    }
  }
  checkMetadata(meta, 'metadata', add);
  const template = podTemplateOf(obj);
  if (template && obj.kind !== 'Pod') {
    const templatePath = template.specPath.replace(/\.spec$/, '.metadata');
    let t: unknown = obj;
    for (const key of templatePath.split('.')) {
      t = asRecord(t)[key];
    }
    checkMetadata(asRecord(t), templatePath, add);
  }
  checkSelectorLabels(asRecord(asRecord(obj.spec).selector), obj.kind === 'Service' ? 'spec.selector' : 'spec.selector.matchLabels', obj.kind === 'Service', add);
  if (template) {
    asArray(template.spec.volumes).forEach((v, i) => {
      const name = asRecord(v).name;
      const problem = typeof name === 'string' ? nameProblem(name, 'dns1123') : undefined;
      if (problem) {
        add('schema/name', `${template.specPath}.volumes[${i}].name`, `volume name "${String(name)}" ${problem}`);
      }
    });
    for (const c of containersOf(template)) {
      const name = c.container.name;
      const problem = typeof name === 'string' ? nameProblem(name, 'dns1123') : undefined;
      if (problem) {
        add('schema/name', `${c.path}.name`, `container name "${String(name)}" ${problem}`);
      }
      asArray(c.container.ports).forEach((p, i) => {
        const port = asRecord(p);
        checkPortNumber(port.containerPort, `${c.path}.ports[${i}].containerPort`, add);
        if (port.hostPort !== undefined && port.hostPort !== 0) {
          checkPortNumber(port.hostPort, `${c.path}.ports[${i}].hostPort`, add);
        }
        if (typeof port.name === 'string') {
          checkPortName(port.name, `${c.path}.ports[${i}].name`, add);
        }
      });
      asArray(c.container.env).forEach((e, i) => {
        const envName = asRecord(e).name;
        if (typeof envName === 'string' && !ENV_VAR_NAME.test(envName)) {
          add('schema/env-name', `${c.path}.env[${i}].name`,
            `environment variable name "${envName}" must consist of letters, digits, "_", "-" or "." and not start with a digit`);
        }
      });
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        for (const handler of ['httpGet', 'tcpSocket']) {
          const port = asRecord(asRecord(c.container[probe])[handler]).port;
          checkPortOrName(port, `${c.path}.${probe}.${handler}.port`, add);
        }
      }
    }
  }
  if (obj.kind === 'Service') {
    asArray(asRecord(obj.spec).ports).forEach((p, i) => {
      const port = asRecord(p);
      checkPortNumber(port.port, `spec.ports[${i}].port`, add);
      checkPortOrName(port.targetPort, `spec.ports[${i}].targetPort`, add);
      const problem = typeof port.name === 'string' ? nameProblem(port.name, 'dns1123') : undefined;
      if (problem) {
        add('schema/port', `spec.ports[${i}].name`, `port name "${String(port.name)}" ${problem}`);
      }
      const nodePort = port.nodePort;
      if (typeof nodePort === 'number' && nodePort !== 0 && (nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max)) {
        add('schema/port', `spec.ports[${i}].nodePort`,
          `nodePort ${nodePort} is outside the node port range ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max} (the API server default)`);
      }
    });
  }
  return findings;
}

type Add = (ruleId: string, path: string, message: string) => void;

/**
 * Why a name is not valid, or undefined when it is.
 */
export function nameProblem(name: string, rule: NameRule): string | undefined {
  if (rule === 'pathSegment') {
    return pathSegmentProblem(name);
  }
  const { valid, max, message } = DNS_NAME_RULES[rule];
  if (valid(name)) {
    return undefined;
  }
  return name.length > max ? `is ${name.length} characters long; at most ${max} are allowed` : message;
}

const DNS_NAME_RULES: Readonly<Record<Exclude<NameRule, 'pathSegment'>, { valid: (name: string) => boolean; max: number; message: string }>> = {
  dns1035: {
    valid: isDns1035Label,
    max: DNS_LABEL_MAX,
    message: 'must consist of lower-case letters, digits and "-", start with a letter and end with a letter or digit (RFC 1035)',
  },
  dns1123: {
    valid: isDns1123Label,
    max: DNS_LABEL_MAX,
    message: 'must consist of lower-case letters, digits and "-", and start and end with a letter or digit (RFC 1123)',
  },
  subdomain: {
    valid: isDns1123Subdomain,
    max: DNS_SUBDOMAIN_MAX,
    message: 'must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit (RFC 1123)',
  },
};

/** Why a name that is a path segment (RBAC objects) is not valid, or undefined when it is. */
function pathSegmentProblem(name: string): string | undefined {
  if (name === '') {
    return 'must not be empty';
  }
  if (name === '.' || name === '..') {
    return 'may not be "." or ".."';
  }
  return /[/%]/.test(name) ? 'may not contain "/" or "%"' : undefined;
}

function checkMetadata(meta: Record<string, unknown>, path: string, add: Add): void {
  for (const [key, value] of Object.entries(asRecord(meta.labels))) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) {
      add('schema/labels', joinPath(joinPath(path, 'labels'), key), `label key "${key}" ${keyProblem}`);
    } else {
      const valueProblem = typeof value === 'string' ? labelValueProblem(value) : undefined;
      if (valueProblem) {
        add('schema/labels', joinPath(joinPath(path, 'labels'), key), `label value "${String(value)}" ${valueProblem}`);
      }
    }
  }
  for (const key of Object.keys(asRecord(meta.annotations))) {
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) {
      add('schema/labels', joinPath(joinPath(path, 'annotations'), key), `annotation key "${key}" ${keyProblem}`);
    }
  }
}

function checkSelectorLabels(selector: Record<string, unknown>, path: string, plain: boolean, add: Add): void {
  const labels = plain ? selector : asRecord(selector.matchLabels);
  for (const [key, value] of Object.entries(labels)) {
    const problem = qualifiedNameProblem(key) ?? (typeof value === 'string' ? labelValueProblem(value) : undefined);
    if (problem) {
      add('schema/labels', joinPath(path, key), `selector label ${JSON.stringify(key)}: ${JSON.stringify(value)} is not valid: ${problem}`);
    }
  }
}

/**
 * Why a label or annotation key (`prefix/name`) is not valid, or undefined when it is.
 */
export function qualifiedNameProblem(key: string): string | undefined {
  if (isQualifiedName(key)) {
    return undefined;
  }
  const parts = key.split('/');
  if (parts.length > 2) {
    return 'may contain one "/" at most (prefix/name)';
  }
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) {
    return `has a prefix "${prefix}" that is not a DNS subdomain`;
  }
  if (name.length === 0 || name.length > DNS_LABEL_MAX) {
    return `must have a name part of 1 to ${DNS_LABEL_MAX} characters`;
  }
  return 'must have a name part of letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
}

function labelValueProblem(value: string): string | undefined {
  if (isLabelValue(value)) {
    return undefined;
  }
  return value.length > DNS_LABEL_MAX
    ? `is ${value.length} characters long; at most ${DNS_LABEL_MAX} are allowed`
    : 'must be letters, digits, "-", "_" and ".", starting and ending with a letter or digit';
}

function checkPortNumber(port: unknown, path: string, add: Add): void {
  if (typeof port === 'number' && (port < 1 || port > 65535)) {
    add('schema/port', path, `port ${port} must be within 1-65535`);
  }
}

function checkPortOrName(port: unknown, path: string, add: Add): void {
  if (typeof port === 'number') {
    checkPortNumber(port, path, add);
  } else if (typeof port === 'string') {
    checkPortName(port, path, add);
  }
}

function checkPortName(name: string, path: string, add: Add): void {
  const valid = name.length <= 15 && IANA_SVC_NAME.test(name) && /[a-z]/.test(name) && !name.includes('--');
  if (!valid) {
    add('schema/port', path,
      `port name "${name}" must be at most 15 lower-case letters, digits and "-", with at least one letter and no "--" (IANA service name)`);
  }
}
