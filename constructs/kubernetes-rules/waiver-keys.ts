// The annotation keys that waive a policy rule of the manifest checker; constructs write them, the checker reads them.

/** Annotation keys that waive a policy rule start with this; the rule id follows with its `/` written as `.`. */
export const WAIVER_PREFIX = 'model-serving.cdk8s.io/waive.';

/**
 * The annotation key that waives a policy rule: `model-serving.cdk8s.io/waive.image.pinned-tag` for `image/pinned-tag`
 * (an annotation name cannot contain a second `/`). Its value is the reason, which must not be empty.
 */
export function waiverAnnotation(ruleId: string): string {
  return WAIVER_PREFIX + ruleId.replace('/', '.');
}

/** The rule id a waiver annotation key names, or undefined when the key is no waiver. */
export function waivedRuleOf(annotationKey: string): string | undefined {
  return annotationKey.startsWith(WAIVER_PREFIX) ? annotationKey.slice(WAIVER_PREFIX.length).replace('.', '/') : undefined;
}
