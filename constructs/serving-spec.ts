// The resolved spec of a serving construct: its props with every default applied. Checks read it, and the objects
// are made from it alone, so a check never disagrees with a default. Constructs expose it as `spec`.
import { k8s } from 'cdk8s-plus-28';

import { ContainerPort } from './container-props';
import { EnvValue } from './env-value';
import { Mount } from './mount';
import { IngressPathType, ServiceType } from './serving-props';
import { WhenUnsatisfiable } from './topology-spread-props';

/** A probe with its timings; no `path` means a TCP check. */
export interface ResolvedProbe {
  /** HTTP GET path on the container's first port; undefined for a TCP check of that port. */
  readonly path?: string;
  readonly initialDelaySeconds?: number;
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold?: number;
}

export interface ResolvedProbes {
  readonly startup?: ResolvedProbe;
  readonly readiness?: ResolvedProbe;
  readonly liveness?: ResolvedProbe;
}

/** Requests and limits as Kubernetes quantity strings. */
export interface ResolvedResources {
  readonly cpu: { readonly request: string; readonly limit?: string };
  readonly memory: { readonly request: string; readonly limit: string };
  /** Extended resources such as GPUs, in limits and requests alike. */
  readonly gpu?: { readonly count: number; readonly resource: string };
  readonly ephemeralStorage?: { readonly request?: string; readonly limit?: string };
}

/** One container of the pod, as it is emitted. */
export interface ResolvedContainer {
  readonly name: string;
  /** Where its props are, for messages: `''` for the server, `sidecars[0].` for a sidecar. */
  readonly propPrefix: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /** The first port is the one probes check and the Service targets. */
  readonly ports: readonly ContainerPort[];
  readonly env: { readonly [name: string]: EnvValue };
  /** Variables the construct sets itself; `env` must not name them. */
  readonly reservedEnv: readonly string[];
  readonly envFromSecrets: readonly string[];
  readonly envFromConfigMaps: readonly string[];
  readonly resources: ResolvedResources;
  /** Volumes by mount path, writable paths included. */
  readonly mounts: { readonly [path: string]: Mount };
  /** Paths the construct mounts itself (a model, say); `mounts` must not name them. */
  readonly reservedMountPaths: readonly string[];
  readonly probes: ResolvedProbes;
}

export interface ResolvedService {
  readonly type: ServiceType;
  readonly port: number;
  readonly nodePort?: number;
  readonly annotations: { readonly [key: string]: string };
  /** Ports after the first, each to the server's container port of the same name (TF Serving's gRPC). */
  readonly additionalPorts?: ReadonlyArray<{ readonly name: string; readonly port: number; readonly nodePort?: number }>;
}

export interface ResolvedIngress {
  readonly host?: string;
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly className?: string;
  readonly annotations: { readonly [key: string]: string };
  readonly tlsSecretName?: string;
}

export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly cpuUtilization?: number;
  readonly memoryUtilization?: number;
}

export interface ResolvedSecurity {
  /** The reason to run as root, when the app does. */
  readonly runAsRoot?: string;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly readOnlyRootFilesystem: boolean;
  /** Folders that get an emptyDir each; `/tmp` is added while the root file system is read-only. */
  readonly writablePaths: readonly string[];
}

/** The pod's Kubernetes identity. */
export interface ResolvedServiceAccount {
  /** The ServiceAccount the pods run as; undefined for the namespace's `default`. */
  readonly name?: string;
  /** Set when the construct creates the ServiceAccount `name`. */
  readonly create?: { readonly annotations: { readonly [key: string]: string }; readonly labels: { readonly [key: string]: string } };
  /** The reason to mount the API token, when the pods get one. */
  readonly automountToken?: string;
}

/** Spreading of pods across topology domains. */
export interface ResolvedTopologySpread {
  readonly topologyKey: string;
  readonly maxSkew: number;
  readonly whenUnsatisfiable: WhenUnsatisfiable;
}

/** Everything a serving construct emits, resolved from its props and defaults. */
export interface ServingWorkloadSpec {
  /** The construct type, for messages. */
  readonly constructType: string;
  readonly name: string;
  readonly namespace?: string;
  /** The construct's own labels of every object (app.kubernetes.io/*). */
  readonly labels: { readonly [key: string]: string };
  /** The labels that select the pods; a subset of `labels` that never changes over the app's life. */
  readonly selector: { readonly [key: string]: string };
  readonly server: ResolvedContainer;
  readonly initContainers: readonly ResolvedContainer[];
  readonly sidecars: readonly ResolvedContainer[];
  /** Undefined when an autoscaler owns the replica count. */
  readonly replicas?: number;
  readonly autoscaling?: ResolvedAutoscaling;
  readonly rollingUpdate?: { readonly maxSurge?: number | string; readonly maxUnavailable?: number | string };
  readonly revisionHistoryLimit?: number;
  readonly minReadySeconds?: number;
  readonly progressDeadlineSeconds?: number;
  readonly changeCause?: string;
  readonly service: ResolvedService;
  readonly ingress?: ResolvedIngress;
  readonly disruptionBudget: boolean;
  readonly security: ResolvedSecurity;
  readonly serviceAccount: ResolvedServiceAccount;
  readonly imagePullSecrets: readonly string[];
  readonly nodeSelector: { readonly [key: string]: string };
  readonly tolerations: readonly k8s.Toleration[];
  readonly affinity?: k8s.Affinity;
  readonly priorityClassName?: string;
  readonly topologySpread?: ResolvedTopologySpread;
  /** The user's annotations of the Deployment. */
  readonly annotations: { readonly [key: string]: string };
  /** The construct's annotations of the Deployment: waivers with their reasons, the change cause. */
  readonly ownAnnotations: { readonly [key: string]: string };
  /** The user's labels and annotations of the pods. */
  readonly podLabels: { readonly [key: string]: string };
  readonly podAnnotations: { readonly [key: string]: string };
  /** The construct's annotations of the pods, such as the config hash that rolls them when the config changes. */
  readonly ownPodAnnotations: { readonly [key: string]: string };
}
