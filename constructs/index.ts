export * from './argocd-application';
export * from './check';
export { InvalidPropsError } from './internal/problems';
export * from './model-serving-app';
export * from './model-source';
export * from './serving-app';
export * from './serving-props';
export * from './tf-serving-app';
