// The build sequence every serving construct shares, written once: identity, name registration, ServiceAccount,
// Deployment, Service, Ingress, autoscaler and disruption budget, all made from the resolved spec alone.
// A construct adds its own objects (a ConfigMap, say) around it; later objects can reuse the returned ones.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { ResolvedIngress, ServingWorkloadSpec } from '../serving-spec';
import { combined } from './merge';
import { registerAppName } from './name-registry';
import { nonEmptyMap, renderPodTemplate } from './pod';
import { securityWaivers } from './security';

/** The objects of a serving workload: the escape hatches a construct exposes. */
export interface ServingWorkloadObjects {
  readonly serviceAccount?: k8s.KubeServiceAccount;
  readonly deployment: k8s.KubeDeployment;
  readonly service: k8s.KubeService;
  readonly ingress?: k8s.KubeIngress;
  readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
}

export function buildServingWorkload(scope: Construct, spec: ServingWorkloadSpec): ServingWorkloadObjects {
  registerAppName({ construct: scope, constructType: spec.constructType, name: spec.name, namespace: spec.namespace });
  const serviceAccount = spec.serviceAccount.create ? createServiceAccount(scope, spec) : undefined;
  const deployment = createDeployment(scope, spec);
  // As in cdk8s-plus: `Node.of(app).defaultChild` is the Deployment, for escape hatches and aspects.
  scope.node.defaultChild = deployment;
  const service = createService(scope, spec);
  return {
    serviceAccount,
    deployment,
    service,
    ingress: spec.ingress ? createIngress(scope, spec) : undefined,
    autoscaler: spec.autoscaling ? createAutoscaler(scope, spec) : undefined,
    disruptionBudget: spec.disruptionBudget ? createDisruptionBudget(scope, spec) : undefined,
  };
}

/**
 * The metadata of an object of the app. Its labels are the spec's own object: ApiObject copies the labels it is given
 * (and at synth renders its copy), so a copy here would only be one more object per ApiObject kept until synth.
 */
export function metadata(spec: ServingWorkloadSpec, annotations?: { readonly [key: string]: string }): k8s.ObjectMeta {
  return { name: spec.name, namespace: spec.namespace, labels: spec.labels, annotations: annotations && nonEmptyMap(annotations) };
}

function createServiceAccount(scope: Construct, spec: ServingWorkloadSpec): k8s.KubeServiceAccount {
  const create = spec.serviceAccount.create;
  return new k8s.KubeServiceAccount(scope, 'service-account', {
    metadata: { ...metadata(spec, create?.annotations), labels: combined(create?.labels, spec.labels) },
    automountServiceAccountToken: spec.serviceAccount.automountToken !== undefined,
  });
}

export function createDeployment(scope: Construct, spec: ServingWorkloadSpec, id = 'deployment'): k8s.KubeDeployment {
  const rollingUpdate = spec.rollingUpdate;
  const annotations = combined(combined(spec.annotations, spec.ownAnnotations), securityWaivers(spec.security, spec.serviceAccount.automountToken));
  return new k8s.KubeDeployment(scope, id, {
    metadata: metadata(spec, annotations),
    spec: {
      replicas: spec.replicas,
      revisionHistoryLimit: spec.revisionHistoryLimit,
      minReadySeconds: spec.minReadySeconds,
      progressDeadlineSeconds: spec.progressDeadlineSeconds,
      strategy: rollingUpdate ? {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: intOrString(rollingUpdate.maxSurge), maxUnavailable: intOrString(rollingUpdate.maxUnavailable) },
      } : undefined,
      selector: { matchLabels: spec.selector },
      template: renderPodTemplate(spec),
    },
  });
}

export function createService(scope: Construct, spec: ServingWorkloadSpec, id = 'service'): k8s.KubeService {
  const service = spec.service;
  const target = spec.server.ports[0].name;
  return new k8s.KubeService(scope, id, {
    metadata: metadata(spec, service.annotations),
    spec: {
      type: service.type,
      selector: { ...spec.selector },
      ports: [{ name: target, port: service.port, nodePort: service.nodePort }, ...service.additionalPorts ?? []]
        .map(port => ({ name: port.name, port: port.port, targetPort: k8s.IntOrString.fromString(port.name), nodePort: port.nodePort, protocol: 'TCP' })),
    },
  });
}

/** An Ingress to the Service of `spec`, named after it; the canary's reuses the stable variant's `ingress`. */
export function createIngress(scope: Construct, spec: ServingWorkloadSpec, ingress: ResolvedIngress = spec.ingress!, id = 'ingress'): k8s.KubeIngress {
  return new k8s.KubeIngress(scope, id, {
    metadata: metadata(spec, ingress.annotations),
    spec: {
      ingressClassName: ingress.className,
      tls: ingress.tlsSecretName && ingress.host ? [{ hosts: [ingress.host], secretName: ingress.tlsSecretName }] : undefined,
      rules: [{
        host: ingress.host,
        http: {
          paths: [{
            path: ingress.path,
            pathType: ingress.pathType,
            backend: { service: { name: spec.name, port: { number: spec.service.port } } },
          }],
        },
      }],
    },
  });
}

function createAutoscaler(scope: Construct, spec: ServingWorkloadSpec): k8s.KubeHorizontalPodAutoscalerV2 {
  const autoscaling = spec.autoscaling!;
  // With sidecars, pod utilization would mix in their requests: target the server container alone.
  const container = spec.sidecars.length > 0 ? spec.server.name : undefined;
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'autoscaler', {
    metadata: metadata(spec),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
      minReplicas: autoscaling.minReplicas,
      maxReplicas: autoscaling.maxReplicas,
      metrics: [
        ...(autoscaling.cpuUtilization !== undefined ? [utilization('cpu', autoscaling.cpuUtilization, container)] : []),
        ...(autoscaling.memoryUtilization !== undefined ? [utilization('memory', autoscaling.memoryUtilization, container)] : []),
      ],
    },
  });
}

function utilization(name: string, averageUtilization: number, container: string | undefined): k8s.MetricSpecV2 {
  const target = { type: 'Utilization', averageUtilization };
  return container
    ? { type: 'ContainerResource', containerResource: { name, container, target } }
    : { type: 'Resource', resource: { name, target } };
}

/**
 * Lets voluntary disruptions (node drains, upgrades) take one pod at a time; never blocks every eviction, and
 * evicts pods that are not ready anyway, so a crash-looping pod cannot block a drain.
 */
export function createDisruptionBudget(scope: Construct, spec: ServingWorkloadSpec, id = 'disruption-budget'): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, id, {
    metadata: metadata(spec),
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: spec.selector }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}

function intOrString(value: number | string | undefined): k8s.IntOrString | undefined {
  if (value === undefined) {
    return undefined;
  }
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}
