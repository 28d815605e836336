// The annotations that waive a policy rule of the manifest checker; constructs write them, the checker reads them.

/** Annotation keys that waive a policy rule start with this; the rule id follows with its `/` written as `.`. */
export const WAIVER_PREFIX = 'model-serving.cdk8s.io/waive.';

/** A waiver value that starts with this covers only the volumes it lists: `volumes=model,cache; <reason>`. */
export const VOLUMES_SCOPE = 'volumes=';

/** Rules whose findings are about one volume of the pod, so a waiver of them can name the volumes it covers. */
export const VOLUME_RULES: readonly string[] = ['pss-restricted/host-path', 'pss-restricted/volume-types'];

/**
 * The annotation key that waives a policy rule: `model-serving.cdk8s.io/waive.image.pinned-tag` for `image/pinned-tag`
 * (an annotation name cannot contain a second `/`). Its value is the reason, which must contain a letter or a digit.
 */
export function waiverAnnotation(ruleId: string): string {
  return WAIVER_PREFIX + ruleId.replace('/', '.');
}

/**
 * The value of a waiver annotation that covers only these volumes of the pod: `volumes=model; <reason>`. A key cannot
 * name the volumes (its name part holds at most 63 characters), so the value does.
 */
export function volumeWaiverValue(volumes: readonly string[], reason: string): string {
  return `${VOLUMES_SCOPE}${volumes.join(',')}; ${reason}`;
}

/**
 * Whether a waiver's reason says something: it must contain a letter or a digit, so that `-` or a zero-width space
 * waives nothing.
 */
export function isMeaningfulReason(reason: string): boolean {
  return /[\p{L}\p{N}]/u.test(reason);
}
