// Props shared by every serving construct: one vocabulary for resources, Service, Ingress, autoscaling, security and the pod.
import { k8s } from 'cdk8s-plus-28';

import { AdditionalContainerProps } from './container-props';
import { EnvValue } from './env-value';
import { Mount } from './mount';
import { ProbesProps } from './probe-props';
import { AutomountTokenOptIn, ServiceAccountProps } from './service-account-props';
import { TopologySpreadProps } from './topology-spread-props';
import { MetricsProps } from './traffic-props';

/** How the Service exposes the model server; the values are the Kubernetes wire strings. */
export enum ServiceType {
  CLUSTER_IP = 'ClusterIP',
  NODE_PORT = 'NodePort',
  LOAD_BALANCER = 'LoadBalancer',
}

/** How an Ingress path matches; the values are the Kubernetes wire strings. */
export enum IngressPathType {
  PREFIX = 'Prefix',
  EXACT = 'Exact',
  IMPLEMENTATION_SPECIFIC = 'ImplementationSpecific',
}

/** A request and a limit as Kubernetes quantity strings, emitted unchanged (`'500m'`, `'0.5'`, `'512Mi'`, `'1G'`). */
export interface ResourceRange {
  /** @default - see the construct's resources prop */
  readonly request?: string;
  /** @default - see the construct's resources prop */
  readonly limit?: string;
}

/** GPUs or another extended resource of a device plugin. */
export interface GpuProps {
  /** Whole devices; the count goes in limits, and requests equal it. */
  readonly count: number;
  /** The device plugin's resource name, e.g. `amd.com/gpu`. @default 'nvidia.com/gpu' */
  readonly resource?: string;
}

/** CPU, memory and devices of a container. */
export interface ResourcesProps {
  /**
   * CPU in cores (`'500m'`, `'0.5'`, `'1'`).
   * @default - request '100m', no limit (a CPU limit throttles latency-sensitive servers)
   */
  readonly cpu?: ResourceRange;
  /**
   * Memory in bytes (`'512Mi'`, `'1G'`).
   * @default - request '256Mi'; limit the larger of the request and the construct's default limit
   */
  readonly memory?: ResourceRange;
  /** @default - no GPU */
  readonly gpu?: GpuProps;
  /** Local disk for logs, emptyDirs and the writable layer (`'2Gi'`). @default - no request and no limit */
  readonly ephemeralStorage?: ResourceRange;
}

export interface ServiceProps {
  /** @default ServiceType.CLUSTER_IP */
  readonly type?: ServiceType;
  /** The port clients connect to. @default 80 */
  readonly port?: number;
  /**
   * The port on every node, 30000-32767; only with NodePort or LoadBalancer.
   * @default - Kubernetes picks one for NodePort and LoadBalancer Services
   */
  readonly nodePort?: number;
  /** @default - none */
  readonly annotations?: { [key: string]: string };
}

export interface IngressProps {
  /** @default - every host */
  readonly host?: string;
  /** @default '/' */
  readonly path?: string;
  /** @default IngressPathType.PREFIX */
  readonly pathType?: IngressPathType;
  /** The IngressClass, e.g. `nginx` or `gce`. @default - the cluster's default IngressClass */
  readonly className?: string;
  /** Controller settings, e.g. `kubernetes.io/ingress.class` or nginx rewrites. @default - none */
  readonly annotations?: { [key: string]: string };
  /** A TLS Secret for `host`; requires `host`. @default - no TLS */
  readonly tlsSecretName?: string;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) on CPU and/or memory utilization of the requests. */
export interface AutoscalingProps {
  /** @default 1 */
  readonly minReplicas?: number;
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization, in percent of the CPU request.
   * @default 80 when memoryUtilization is not set either, else no CPU target
   */
  readonly cpuUtilization?: number;
  /** Target average memory utilization, in percent of the memory request. @default - no memory target */
  readonly memoryUtilization?: number;
}

/** How a Deployment replaces pods; counts or percentages such as `'25%'`. */
export interface RollingUpdateProps {
  /** @default '25%' */
  readonly maxSurge?: number | string;
  /** @default '25%' */
  readonly maxUnavailable?: number | string;
}

/** An explicit, documented reason to step outside the Pod Security Standards 'restricted' profile. */
export interface SecurityOptOut {
  /** Why this workload needs it; recorded on the Deployment as an annotation. */
  readonly reason: string;
}

/** The pod's security context. Defaults pass the Pod Security Standards 'restricted' profile. */
export interface SecurityProps {
  /**
   * A numeric UID: images that name a user (or none) cannot prove to the kubelet that they run as non-root.
   * @default 10001
   */
  readonly runAsUser?: number;
  /** @default 10001 */
  readonly runAsGroup?: number;
  /**
   * Mounts the image's file system read-only; `writablePaths` get an emptyDir each.
   * @default true
   */
  readonly readOnlyRootFilesystem?: boolean;
  /** Folders the containers write to, each an emptyDir; `/tmp` is added while the root file system is read-only. @default ['/tmp'] */
  readonly writablePaths?: string[];
  /**
   * Run as root (UID 0). Breaks 'restricted'; only for images that cannot run otherwise.
   * @default - runs as the non-root `runAsUser`
   */
  readonly runAsRoot?: SecurityOptOut;
}

/** Props every serving construct takes, with the same meaning and default. */
export interface ServingWorkloadProps {
  /**
   * Base name of every object emitted, exactly (`kubectl rollout undo deployment/<name>` works).
   * @default - the construct id
   */
  readonly name?: string;
  /** @default - the chart's namespace, else the kubectl context's */
  readonly namespace?: string;
  /** Environment variables of the server: strings, or `EnvValue.fromSecret/fromConfigMap/fromField`. @default - none */
  readonly env?: { [name: string]: string | EnvValue };
  /** Secrets whose keys all become variables of the server (`envFrom`). @default - none */
  readonly envFromSecrets?: string[];
  /** ConfigMaps whose keys all become variables of the server (`envFrom`). @default - none */
  readonly envFromConfigMaps?: string[];
  /** Volumes of the server by path: `{ '/etc/tls': Mount.secret('tls') }`. @default - only the writable paths */
  readonly mounts?: { [path: string]: Mount };
  /** @default - see the construct's probes */
  readonly probes?: ProbesProps;
  /** The server's command, replacing the image's entrypoint. @default - the image's entrypoint */
  readonly command?: string[];
  /** The server's arguments. @default - the image's (TfServingApp: its own flags, then these) */
  readonly args?: string[];
  /** @default - Kubernetes' rolling update, 25% surge and 25% unavailable */
  readonly rollingUpdate?: RollingUpdateProps;
  /** Old ReplicaSets kept for `kubectl rollout undo`. @default 10 (Kubernetes' default) */
  readonly revisionHistoryLimit?: number;
  /** @default - non-root UID 10001, read-only root file system with a writable /tmp: the 'restricted' profile */
  readonly security?: SecurityProps;
  /**
   * A PodDisruptionBudget that lets voluntary disruptions (drains, upgrades) take one pod at a time.
   * @default - true when the app may run more than one replica (replicas above 1, or autoscaling)
   */
  readonly disruptionBudget?: boolean;
  /** Seconds a new pod must be ready before it counts as available, so a server that crashes after a few seconds stops a rollout. @default 0 */
  readonly minReadySeconds?: number;
  /** Seconds a rollout may make no progress before `kubectl rollout status` reports it failed. @default 600 (Kubernetes' default) */
  readonly progressDeadlineSeconds?: number;
  /** Why this version is rolled out, shown by `kubectl rollout history` (the `kubernetes.io/change-cause` annotation). @default - none */
  readonly changeCause?: string;
  /** An existing ServiceAccount the pods run as; not with `serviceAccount`. @default - the namespace's default ServiceAccount */
  readonly serviceAccountName?: string;
  /** Creates the ServiceAccount `<name>` for the pods, e.g. for cloud workload identity. @default - none is created */
  readonly serviceAccount?: ServiceAccountProps;
  /** Mounts the Kubernetes API token, for servers that call the API; needs a reason. @default - no token is mounted */
  readonly automountServiceAccountToken?: AutomountTokenOptIn;
  /** Secrets with registry credentials for private images. @default - none */
  readonly imagePullSecrets?: string[];
  /** Node labels the pods require, e.g. `cloud.google.com/gke-accelerator: nvidia-l4`. @default - none */
  readonly nodeSelector?: { [key: string]: string };
  /** Taints the pods tolerate, e.g. of a GPU node pool. @default - none */
  readonly tolerations?: k8s.Toleration[];
  /** Node and pod affinity, in Kubernetes' own shape. @default - none */
  readonly affinity?: k8s.Affinity;
  /** @default - the cluster's default priority */
  readonly priorityClassName?: string;
  /**
   * Spreads the pods across nodes; `false` turns it off.
   * @default - when the app may run more than one replica, a soft spread (ScheduleAnyway) across nodes
   */
  readonly topologySpread?: boolean | TopologySpreadProps;
  /** Labels of the pods, merged with the construct's own; a key of ours may not be overwritten. @default - none */
  readonly podLabels?: { [key: string]: string };
  /** Annotations of the pods, merged with the construct's own (config hash). @default - none */
  readonly podAnnotations?: { [key: string]: string };
  /** Annotations of the Deployment, merged with the construct's own (waivers, change cause). @default - none */
  readonly annotations?: { [key: string]: string };
  /** Containers that run to completion before the server starts, e.g. to fetch a model. @default - none */
  readonly initContainers?: AdditionalContainerProps[];
  /** Containers beside the server, e.g. a metrics exporter. @default - none */
  readonly sidecars?: AdditionalContainerProps[];
  /**
   * A Prometheus Operator ServiceMonitor that scrapes the server (the ServiceMonitor CRD must be installed).
   * @default - no ServiceMonitor (TfServingApp with `monitoring`: one on its metrics path)
   */
  readonly metrics?: MetricsProps;
}
