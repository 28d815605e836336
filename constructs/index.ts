// The package root: the constructs, their props and their error. The checker is at `cdk8s-model-serving/check`.
export * from './argocd-application';
export type { ManifestCheckValidationProps } from './check/plugin';
export { ManifestCheckValidation } from './check/plugin';
export * from './container-props';
export * from './env-value';
export { InvalidPropsError } from './internal/problems';
export * from './model-serving-app';
export * from './model-source';
export * from './mount';
export * from './probe-props';
export * from './service-account-props';
export * from './serving-app';
export * from './serving-props';
export * from './serving-spec';
export * from './tf-serving/props';
export * from './tf-serving-app';
export * from './topology-spread-props';
