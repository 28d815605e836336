// Props shared by every serving construct: one vocabulary for resources, Service, Ingress, autoscaling and security.

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

/** CPU and memory of the server container. */
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
}

/** HTTP GET paths on the server port; each probe is created only when its path is given, except liveness. */
export interface ProbesProps {
  /**
   * Checked until the server has started; the other probes wait for it, so a slow model load is not killed.
   * @default - the readiness path if given, else a TCP check of the server port, allowing 5 minutes to start
   */
  readonly startup?: string;
  /**
   * Gates traffic from the Service.
   * @default - no readiness probe
   */
  readonly readiness?: string;
  /**
   * Restarts a hung server.
   * @default - a TCP check of the server port
   */
  readonly liveness?: string;
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
  /** Folders the server writes to. @default ['/tmp'] */
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
  /** Plain environment variables. @default - none */
  readonly env?: { [name: string]: string };
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
}
