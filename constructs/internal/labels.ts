// The recommended app.kubernetes.io labels. Selectors use only name and instance: they never change over an app's life.

export const MANAGED_BY = 'cdk8s-model-serving';

export interface AppIdentity {
  /** The app's name: every object it emits carries it. */
  readonly name: string;
  /** What the workload is within the system, e.g. `model-server`. */
  readonly component: string;
  /** The larger application this one belongs to. */
  readonly partOf: string;
  /** The version of what runs, usually the image tag; omitted when it is not a valid label value. */
  readonly version?: string;
}

export function selectorLabels(name: string): Record<string, string> {
  return {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
  };
}

export function appLabels(identity: AppIdentity): Record<string, string> {
  // Assigned one by one onto a literal: a spread with properties after it gives each app's labels a hidden class of their own.
  const labels = selectorLabels(identity.name);
  if (identity.version) {
    labels['app.kubernetes.io/version'] = identity.version;
  }
  labels['app.kubernetes.io/component'] = identity.component;
  labels['app.kubernetes.io/part-of'] = identity.partOf;
  labels['app.kubernetes.io/managed-by'] = MANAGED_BY;
  return labels;
}
