// Kubernetes name, label, port and path rules, as the API server validates them.

export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
/** The name part of a label or annotation key, and a non-empty label value. */
export const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const HTTP_PATH = /^\/[^\s?#]*$/;

export const DNS_LABEL_MAX = 63;
export const DNS_SUBDOMAIN_MAX = 253;
/** The default range of node ports (the API server flag `--service-node-port-range`). */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

/** A DNS-1035 label: what Service names must be, and so the base name of every app. */
export function isDns1035Label(value: string): boolean {
  return value.length <= DNS_LABEL_MAX && DNS1035_LABEL.test(value);
}

export function isDns1123Label(value: string): boolean {
  return value.length <= DNS_LABEL_MAX && DNS1123_LABEL.test(value);
}

export function isDns1123Subdomain(value: string): boolean {
  return value.length <= DNS_SUBDOMAIN_MAX && DNS1123_SUBDOMAIN.test(value);
}

export function isLabelValue(value: string): boolean {
  return value.length <= DNS_LABEL_MAX && LABEL_VALUE.test(value);
}

/** A label or annotation key: an optional DNS subdomain prefix and a name of at most 63 characters. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split('/');
  if (parts.length > 2) {
    return false;
  }
  const name = parts[parts.length - 1];
  const prefixOk = parts.length === 1 || isDns1123Subdomain(parts[0]);
  return prefixOk && name.length <= DNS_LABEL_MAX && QUALIFIED_NAME.test(name);
}

export function isEnvVarName(value: string): boolean {
  return ENV_VAR_NAME.test(value);
}

export function isPort(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 65535;
}

export function isNodePort(value: number): boolean {
  return Number.isInteger(value) && value >= NODE_PORT_RANGE.min && value <= NODE_PORT_RANGE.max;
}

/** An Ingress host: a DNS subdomain, optionally with a leading `*.` wildcard; no IP address, no port. */
export function isIngressHost(value: string): boolean {
  const host = value.startsWith('*.') ? value.slice(2) : value;
  return isDns1123Subdomain(host) && !/^[0-9.]+$/.test(host);
}

/** An absolute HTTP path without query, fragment or white space. */
export function isHttpPath(value: string): boolean {
  return HTTP_PATH.test(value);
}

export function isNonNegativeInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 0;
}

export function isPositiveInteger(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

/** An absolute count or a percentage, as Deployment rolling updates and PDBs take them. */
export function isIntOrPercent(value: number | string): boolean {
  return typeof value === 'number' ? isNonNegativeInteger(value) : /^[0-9]+%$/.test(value);
}

/** A key of a ConfigMap or a Secret (also a file name when it is mounted). */
export function isConfigMapKey(value: string): boolean {
  return value.length <= DNS_SUBDOMAIN_MAX && /^[-._a-zA-Z0-9]+$/.test(value);
}
