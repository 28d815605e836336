/** The Kubernetes versions whose API the checker knows, oldest first: one packed definitions file each in `schemas/`. */
export const KUBERNETES_VERSIONS = ['1.28', '1.29', '1.30', '1.31', '1.32', '1.33', '1.34', '1.35', '1.36'] as const;

/** A Kubernetes minor version the checker knows, such as `1.30`. */
export type KubernetesVersion = typeof KUBERNETES_VERSIONS[number];

/** The version checked when none is chosen: the one cdk8s-plus-28, which the constructs build on, targets. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = '1.28';

/** `1.30`, `v1.30` or `1.30.4`: patch releases do not change the API, so only the minor version counts. */
const VERSION_SYNTAX = /^v?(1\.\d+)(\.\d+)?$/;

/**
 * The supported minor version a user's value names (`1.30`, `v1.30` and `1.30.4` name `1.30`), or undefined.
 */
export function kubernetesVersionOf(value: unknown): KubernetesVersion | undefined {
  const minor = typeof value === 'string' ? VERSION_SYNTAX.exec(value)?.[1] : undefined;
  return KUBERNETES_VERSIONS.find(v => v === minor);
}

/**
 * Why a user's value names no supported version: the option, the supported versions and the value. A number is
 * called out, as YAML reads an unquoted `1.30` as 1.3.
 */
export function unsupportedKubernetesVersion(option: string, value: unknown): string {
  const got = typeof value === 'number'
    ? `the number ${value} (quote the version: YAML reads 1.30 as 1.3)`
    : value === undefined ? 'nothing' : JSON.stringify(value);
  return `${option} must be one of ${KUBERNETES_VERSIONS.join(', ')}, got ${got}`;
}

/**
 * The supported version a user's value names; throws the message of `unsupportedKubernetesVersion` when there is none.
 */
export function requireKubernetesVersion(option: string, value: unknown): KubernetesVersion {
  const version = kubernetesVersionOf(value);
  if (!version) {
    throw new Error(unsupportedKubernetesVersion(option, value));
  }
  return version;
}
