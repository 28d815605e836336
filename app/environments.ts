// The environments the example app deploys to, from one definition: each becomes a folder dist/<name>/.

/** What differs between environments; everything else is the same code. */
export interface ExampleEnvironment {
  /** The folder under dist/ (`kubectl apply -f dist/<name>`). */
  readonly name: string;
  /** The namespace every app of the environment lives in; its folder creates it first. */
  readonly namespace: string;
  /** The host jokemeter is served at. */
  readonly jokemeterHost: string;
  /** Replicas of the fixed-size APIs. */
  readonly apiReplicas: number;
  /** Autoscaling bounds of the TF Serving model. */
  readonly modelReplicas: { readonly min: number; readonly max: number };
  /**
   * A developer's kind or minikube cluster: only the apps with public images, and the TF Serving model downloaded
   * into the pod, so nothing has to exist first.
   */
  readonly local: boolean;
}

export const PRODUCTION: ExampleEnvironment = {
  name: 'production',
  namespace: 'ml-production',
  jokemeterHost: 'jokemeter.ai',
  apiReplicas: 2,
  modelReplicas: { min: 2, max: 6 },
  local: false,
};

export const STAGING: ExampleEnvironment = {
  name: 'staging',
  namespace: 'ml-staging',
  jokemeterHost: 'staging.jokemeter.ai',
  apiReplicas: 1,
  modelReplicas: { min: 1, max: 2 },
  local: false,
};

export const LOCAL: ExampleEnvironment = {
  name: 'local',
  namespace: 'ml-local',
  jokemeterHost: 'jokemeter.localhost',
  apiReplicas: 1,
  modelReplicas: { min: 1, max: 1 },
  local: true,
};

export const ENVIRONMENTS: readonly ExampleEnvironment[] = [LOCAL, STAGING, PRODUCTION];
