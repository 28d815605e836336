export {};
export * from './serving-app';
