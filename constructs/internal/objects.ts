// Builders of the Kubernetes objects every serving construct emits, so they share one shape and one set of defaults.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import {
  AutoscalingProps, IngressPathType, IngressProps, ProbesProps, ResourcesProps, RollingUpdateProps, SecurityProps, ServiceProps, ServiceType,
} from '../serving-props';
import { containerProbes } from './probes';
import { resourceRequirements } from './resources';
import { containerSecurityContext, podSecurityContext, securityWaivers, writableVolumes } from './security';

/** Name, namespace and labels shared by all objects of one app. */
export interface ObjectIdentity {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

export interface ServerContainer {
  readonly image: string;
  /** Named container ports; the first one is the server port that probes and the Service use. */
  readonly ports: Array<{ name: string; containerPort: number }>;
  readonly env?: k8s.EnvVar[];
  readonly envFromConfigMap?: string;
  /** Arguments after the image entrypoint's own. */
  readonly args?: string[];
  /** Hardened already; run in order before the server. */
  readonly initContainers?: k8s.Container[];
  readonly resources?: ResourcesProps;
  readonly defaultMemoryLimit: string;
  readonly probes?: ProbesProps;
  readonly volumes?: k8s.Volume[];
  readonly volumeMounts?: k8s.VolumeMount[];
  readonly security?: SecurityProps;
}

export interface DeploymentOptions {
  /** Undefined when an autoscaler owns the replica count. */
  readonly replicas?: number;
  readonly rollingUpdate?: RollingUpdateProps;
  readonly revisionHistoryLimit?: number;
  readonly annotations?: Record<string, string>;
  readonly podAnnotations?: Record<string, string>;
}

export function createDeployment(scope: Construct, id: ObjectIdentity, container: ServerContainer, options: DeploymentOptions): k8s.KubeDeployment {
  const writable = writableVolumes(container.security);
  const serverPort = container.ports[0];
  const annotations = { ...options.annotations, ...securityWaivers(container.security) };
  const rollingUpdate = options.rollingUpdate;
  return new k8s.KubeDeployment(scope, 'deployment', {
    metadata: {
      name: id.name,
      namespace: id.namespace,
      labels: id.labels,
      annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    },
    spec: {
      replicas: options.replicas,
      revisionHistoryLimit: options.revisionHistoryLimit,
      strategy: rollingUpdate ? {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: intOrString(rollingUpdate.maxSurge), maxUnavailable: intOrString(rollingUpdate.maxUnavailable) },
      } : undefined,
      selector: { matchLabels: id.selector },
      template: {
        metadata: { labels: id.labels, annotations: options.podAnnotations },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(container.security, container.ports.map(p => p.containerPort)),
          initContainers: nonEmpty(container.initContainers ?? []),
          containers: [{
            name: id.name,
            image: container.image,
            args: nonEmpty(container.args ?? []),
            ports: container.ports.map(p => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
            env: nonEmpty(container.env ?? []),
            envFrom: container.envFromConfigMap ? [{ configMapRef: { name: container.envFromConfigMap } }] : undefined,
            resources: resourceRequirements(container.resources, container.defaultMemoryLimit),
            ...containerProbes(container.probes, serverPort.name),
            securityContext: containerSecurityContext(container.security),
            volumeMounts: nonEmpty([...(container.volumeMounts ?? []), ...writable.mounts]),
          }],
          volumes: nonEmpty([...(container.volumes ?? []), ...writable.volumes]),
        },
      },
    },
  });
}

export interface ServiceOptions {
  readonly props?: ServiceProps;
  /** The container port name the Service forwards to. */
  readonly targetPortName: string;
  readonly defaultType: ServiceType;
  readonly defaultPort: number;
  /** More ports after the first, e.g. TF Serving's gRPC. */
  readonly extraPorts?: k8s.ServicePort[];
}

export function createService(scope: Construct, id: ObjectIdentity, options: ServiceOptions): k8s.KubeService {
  const props = options.props;
  return new k8s.KubeService(scope, 'service', {
    metadata: { name: id.name, namespace: id.namespace, labels: id.labels, annotations: props?.annotations },
    spec: {
      type: props?.type ?? options.defaultType,
      selector: id.selector,
      ports: [{
        name: options.targetPortName,
        port: servicePort(options),
        targetPort: k8s.IntOrString.fromString(options.targetPortName),
        nodePort: props?.nodePort,
        protocol: 'TCP',
      }, ...(options.extraPorts ?? [])],
    },
  });
}

export function servicePort(options: ServiceOptions): number {
  return options.props?.port ?? options.defaultPort;
}

export function createIngress(scope: Construct, id: ObjectIdentity, props: IngressProps, serviceName: string, port: number): k8s.KubeIngress {
  return new k8s.KubeIngress(scope, 'ingress', {
    metadata: { name: id.name, namespace: id.namespace, labels: id.labels, annotations: props.annotations },
    spec: {
      ingressClassName: props.className,
      tls: props.tlsSecretName && props.host ? [{ hosts: [props.host], secretName: props.tlsSecretName }] : undefined,
      rules: [{
        host: props.host,
        http: {
          paths: [{
            path: props.path ?? '/',
            pathType: props.pathType ?? IngressPathType.PREFIX,
            backend: { service: { name: serviceName, port: { number: port } } },
          }],
        },
      }],
    },
  });
}

export const DEFAULT_CPU_UTILIZATION = 80;

export function createAutoscaler(
  scope: Construct, id: ObjectIdentity, props: AutoscalingProps, deploymentName: string,
): k8s.KubeHorizontalPodAutoscalerV2 {
  const cpu = props.cpuUtilization ?? (props.memoryUtilization === undefined ? DEFAULT_CPU_UTILIZATION : undefined);
  const utilization = (name: string, averageUtilization: number): k8s.MetricSpecV2 =>
    ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } });
  return new k8s.KubeHorizontalPodAutoscalerV2(scope, 'autoscaler', {
    metadata: { name: id.name, namespace: id.namespace, labels: id.labels },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName },
      minReplicas: props.minReplicas ?? 1,
      maxReplicas: props.maxReplicas,
      metrics: [
        ...(cpu !== undefined ? [utilization('cpu', cpu)] : []),
        ...(props.memoryUtilization !== undefined ? [utilization('memory', props.memoryUtilization)] : []),
      ],
    },
  });
}

/** Keeps voluntary disruptions (node drains, upgrades) from taking down more than one pod at a time. */
export function createDisruptionBudget(scope: Construct, id: ObjectIdentity): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'disruption-budget', {
    metadata: { name: id.name, namespace: id.namespace, labels: id.labels },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: id.selector } },
  });
}

function intOrString(value: number | string | undefined): k8s.IntOrString | undefined {
  if (value === undefined) {
    return undefined;
  }
  return typeof value === 'number' ? k8s.IntOrString.fromNumber(value) : k8s.IntOrString.fromString(value);
}

function nonEmpty<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}
