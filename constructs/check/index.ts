// The checker's public API, published as `cdk8s-model-serving/check`. Its internals stay behind this barrel.
export { WAIVER_PREFIX, waiverAnnotation } from '../kubernetes-rules';
export type { CheckOptions, CheckSummary } from './check';
export { checkManifests, checkObjects, summarize } from './check';
export type { Finding, KubeObject, ManifestObject, ObjectRef } from './findings';
export { Severity } from './findings';
export { formatGithub, formatJson, formatText } from './format';
export type { KubernetesVersion } from './kubernetes-versions';
export { DEFAULT_KUBERNETES_VERSION, KUBERNETES_VERSIONS } from './kubernetes-versions';
export type { LoadResult } from './load';
export { loadManifests, parseManifests } from './load';
export type { ManifestCheckValidationProps } from './plugin';
export { ManifestCheckValidation } from './plugin';
export type { Rule } from './rules';
export { findRule, RuleCategory, RULES } from './rules';
