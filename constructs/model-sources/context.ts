// The public contract between a model source and the construct that serves the model.
import { k8s } from 'cdk8s-plus-28';

import { EnvValue } from '../env-value';
import { ResourcesProps } from '../serving-props';

/** Which server loads the model; sources that depend on what the server reads itself look at it. */
export enum ModelServer {
  /** `ModelServingApp`: any server; it finds the model at `model.path`, told by `model.env`. */
  GENERIC = 'generic',
  /** `TfServingApp`: tensorflow/serving, which loads version folders (`1/`, `2/`, ...) from the model's base path. */
  TF_SERVING = 'tf-serving',
}

/** What the construct asks of a model source. */
export interface ModelSourceContext {
  readonly server: ModelServer;
  /** The prop the source was given as (`model.source`, `modelSource`, `models[1].source`); problems start with it. */
  readonly prop: string;
  /** The model's name: TF Serving's model name, or the app's name for `ModelServingApp`. */
  readonly modelName: string;
  /** The folder where the server expects the model's files; the volume named `volumeName` is mounted there read-only. */
  readonly mountPath: string;
  /** The name the model's pod volume must have; unique within the pod. Derived names (`<volumeName>-download`) are free too. */
  readonly volumeName: string;
  /** Whether the app may run more than one pod at once (more than one replica, or an autoscaler that may scale up). */
  readonly mayRunSeveralReplicas: boolean;
}

/** A PersistentVolumeClaim the construct emits next to the app, with the app's namespace and labels. */
export interface ModelClaim {
  readonly name: string;
  /** The requested size, a Kubernetes quantity such as `'10Gi'`. */
  readonly storage: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  readonly accessModes: string[];
}

/** A container that fills the model's volume before the server starts. */
export interface ModelInitContainer {
  /** Unique in the pod; a DNS-1123 label. Derive it from `context.volumeName`, e.g. `<volumeName>-fetch`. */
  readonly name: string;
  /** Must carry a tag or a digest, and not `:latest`. */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - the image's arguments */
  readonly args?: string[];
  /** Values are strings or EnvValues (a Secret's key for a credential). @default - none */
  readonly env?: { [name: string]: string | EnvValue };
  /** @default - cpu request 50m, memory request 64Mi, memory limit 128Mi, as every init container */
  readonly resources?: ResourcesProps;
  /** Volumes of the source, by name, mounted writable at a folder: `{ '/model': context.volumeName }`. @default - none */
  readonly volumeMounts?: { [path: string]: string };
}

/**
 * What a model source contributes to the pod. The construct checks it, then renders it: it mounts the volume named
 * `context.volumeName` read-only at `context.mountPath`, runs `initContainers` before the server (with the
 * 'restricted' security context and, where missing, default requests and a memory limit), emits `claims`, and
 * records `waivers` on the Deployment.
 */
export interface ModelSourceConfig {
  /** Problems with the source for this use, each a sentence starting with `context.prop`. @default - none */
  readonly problems?: string[];
  /** The model's volume (named `context.volumeName`) and any scratch volumes the init containers need. @default - none */
  readonly volumes?: k8s.Volume[];
  /** Containers that fill the model's volume before the server starts. @default - none */
  readonly initContainers?: ModelInitContainer[];
  /** PersistentVolumeClaims to emit. @default - none */
  readonly claims?: ModelClaim[];
  /** A store the server reads itself (`gs://bucket/models/resnet`); nothing is mounted. @default - the model is on a volume */
  readonly uri?: string;
  /** The model is inside the server image at `context.mountPath`; nothing is mounted. @default false */
  readonly inImage?: boolean;
  /**
   * Policy rules of the manifest checker this source breaks, by rule id, each with its reason; the Deployment records
   * them as waiver annotations.
   * @default - none
   */
  readonly waivers?: { [ruleId: string]: string };
}
