// The package root: the constructs, their props and their error. The checker is at `cdk8s-model-serving/check`.
export * from './argocd-application';
export type { ManifestCheckValidationProps } from './check/plugin';
export { ManifestCheckValidation } from './check/plugin';
export { InvalidPropsError } from './internal/problems';
export * from './model-serving-app';
export * from './model-source';
export * from './serving-app';
export * from './serving-props';
export * from './tf-serving-app';
