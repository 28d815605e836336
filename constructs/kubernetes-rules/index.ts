// Kubernetes rules and output conventions that both the constructs and the manifest checker apply. A leaf: it imports neither.
export * from './environment-folders';
export * from './host-paths';
export * from './image';
export * from './names';
export * from './quantity';
export * from './suggest';
export * from './sysctls';
export * from './waiver-keys';
