export * from './serving-props';
export * from './model-serving-app';
export * from './model-source';
export * from './tf-serving-app';
export * from './serving-app';
export { InvalidPropsError } from './internal/problems';
export * from './check';
