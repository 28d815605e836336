// Container image references, after the distribution reference grammar (registry/path:tag@digest).
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const REGISTRY = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export interface ImageReference {
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Parses an image reference; returns a rule the reference breaks instead when it is malformed. */
export function parseImage(image: string): ImageReference | string {
  const [nameAndTag, digest, ...extra] = image.split('@');
  if (extra.length > 0 || (digest !== undefined && !DIGEST.test(digest))) {
    return 'has a malformed digest (expected e.g. @sha256:<64 hex digits>)';
  }
  const lastSlash = nameAndTag.lastIndexOf('/');
  const tagSeparator = nameAndTag.indexOf(':', lastSlash + 1);
  const repository = tagSeparator === -1 ? nameAndTag : nameAndTag.slice(0, tagSeparator);
  const tag = tagSeparator === -1 ? undefined : nameAndTag.slice(tagSeparator + 1);
  if (tag !== undefined && !TAG.test(tag)) {
    return 'has a malformed tag (letters, digits, _ . -, at most 128 characters)';
  }
  const components = repository.split('/');
  const hasRegistry = components.length > 1 && /[.:]|^localhost$/.test(components[0]);
  if (hasRegistry && !REGISTRY.test(components[0])) {
    return 'has a malformed registry host';
  }
  const pathComponents = hasRegistry ? components.slice(1) : components;
  if (pathComponents.length === 0 || !pathComponents.every(c => PATH_COMPONENT.test(c))) {
    return 'has a malformed repository name (lowercase letters, digits and separators . _ __ -)';
  }
  return { repository, tag, digest };
}

/** A tag as registries accept it: letters, digits, `_`, `.` and `-`, at most 128 characters, not starting with `.` or `-`. */
export function isImageTag(value: string): boolean {
  return TAG.test(value);
}

/** A content digest such as `sha256:<64 hex digits>`. */
export function isImageDigest(value: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(value) || (DIGEST.test(value) && !value.startsWith('sha256:'));
}

/** `repository:tag`, or `repository@digest` when `version` is a digest. */
export function imageWithVersion(repository: string, version: string): string {
  return isImageDigest(version) ? `${repository}@${version}` : `${repository}:${version}`;
}
