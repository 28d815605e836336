// Small builders of Kubernetes objects for the checker tests: a pod that passes every rule, to break one field at a time.
export type Obj = Record<string, any>;

/** A container that passes every rule. */
export function container(overrides: Obj = {}): Obj {
  return {
    name: 'api',
    image: 'ghcr.io/example/api:1.0.0',
    ports: [{ name: 'http', containerPort: 8080 }],
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
    livenessProbe: { httpGet: { path: '/live', port: 'http' } },
    ...overrides,
  };
}

/** A pod spec that passes every rule. */
export function podSpec(overrides: Obj = {}, containers: Obj[] = [container()]): Obj {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers,
    ...overrides,
  };
}

/** A Deployment of `podSpec`, labelled app=<name>. */
export function deployment(name: string = 'api', spec: Obj = podSpec(), extra: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, ...extra.metadata },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, ...extra.templateMetadata }, spec },
    },
  };
}

/** A Pod. */
export function pod(spec: Obj = podSpec(), metadata: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', labels: { app: 'api' }, ...metadata }, spec };
}

/** A Service selecting app=<name>. */
export function service(name: string = 'api', spec: Obj = {}, metadata: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, ...metadata },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
  };
}
