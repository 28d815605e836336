import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { appIdentity, mayRunSeveralReplicas } from './internal/identity';
import {
  checkDistinctPodNames, createModelClaims, ModelLocation, modelMounts, modelPodPieces, modelWaivers, ResolvedModel, resolveModel,
} from './internal/model-binding';
import { registerAppName } from './internal/name-registry';
import {
  createAutoscaler, createDeployment, createDisruptionBudget, createIngress, createService, servicePort,
} from './internal/objects';
import { PropProblems } from './internal/problems';
import { DEFAULT_WRITABLE_PATHS, writableVolumes } from './internal/security';
import * as validate from './internal/validate-props';
import { isEnvVarName } from './kubernetes-rules';
import { ModelSource } from './model-source';
import { ModelServer } from './model-sources/context';
import {
  AutoscalingProps, IngressProps, ProbesProps, ResourcesProps, ServiceProps, ServiceType, ServingWorkloadProps,
} from './serving-props';

/** The model a ModelServingApp serves, and how the server finds it. */
export interface ModelProps {
  /** Where the model comes from; a claim, a hostPath or a download is mounted read-only at `path`. */
  readonly source: ModelSource;
  /** The folder the model appears at in the container (a downloaded single file keeps its name in it). @default '/models/<name>' */
  readonly path?: string;
  /**
   * An environment variable that receives `path` (or, for `ModelSource.fromUri`, the URI), e.g. `ML_MODEL_PATH`.
   * @default - no variable; required with `ModelSource.fromUri`
   */
  readonly env?: string;
}

export interface ModelServingAppProps extends ServingWorkloadProps {
  /** The container image; must carry a tag or a digest, and not `:latest`. */
  readonly image: string;
  /** The port the server listens on. Ports below 1024 work as non-root through a safe sysctl. @default 8080 */
  readonly port?: number;
  /** Fixed replica count; only without autoscaling. @default 1 */
  readonly replicas?: number;
  /** @default - cpu request 100m, memory request 256Mi, memory limit 512Mi (or the request, if larger) */
  readonly resources?: ResourcesProps;
  /** @default - a startup and a liveness probe by TCP on the server port, no readiness probe */
  readonly probes?: ProbesProps;
  /** @default - a ClusterIP Service on port 80 to the server port */
  readonly service?: ServiceProps;
  /** @default - no Ingress */
  readonly ingress?: IngressProps;
  /** A HorizontalPodAutoscaler; the Deployment then leaves replicas unset. @default - no autoscaler */
  readonly autoscaling?: AutoscalingProps;
  /** The `app.kubernetes.io/component` label. @default 'model-server' */
  readonly component?: string;
  /** The `app.kubernetes.io/part-of` label. @default - the name */
  readonly partOf?: string;
  /** The model, mounted into the server or handed to it. @default - the image holds its model, or fetches it itself */
  readonly model?: ModelProps;
}

/**
 * A model API behind a Service: a Deployment, a Service, and optionally an Ingress, a HorizontalPodAutoscaler
 * and a PodDisruptionBudget, hardened to the Pod Security Standards 'restricted' profile.
 */
export class ModelServingApp extends Construct {
  /** The base name of every object emitted. */
  public readonly name: string;
  public readonly port: number;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** Undefined without the `ingress` prop. */
  public readonly ingress?: k8s.KubeIngress;
  /** Undefined without the `autoscaling` prop. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** Where the server finds the model: a folder, or the URI of `ModelSource.fromUri`. Undefined without the `model` prop. */
  public readonly modelPath?: string;
  /** The PersistentVolumeClaims the model source asked for (`ModelSource.fromClaim(name, { create })`). */
  public readonly claims: k8s.KubePersistentVolumeClaim[];

  constructor(scope: Construct, id: string, props: ModelServingAppProps) {
    super(scope, id);
    props = props ?? {}; // JavaScript callers may pass nothing; the checks below then name what is missing.
    this.name = props.name ?? id;
    this.port = props.port ?? 8080;
    const model = checkProps(this, this.name, props);
    const models = model ? [model] : [];
    this.modelPath = model ? (model.uri ?? model.context.mountPath) : undefined;

    const identity = appIdentity(this.name, props.namespace, props.image, props.component ?? 'model-server', props.partOf);
    registerAppName({ construct: this, constructType: 'ModelServingApp', name: this.name, namespace: props.namespace });
    this.claims = createModelClaims(this, identity, models);
    const modelPod = modelPodPieces(models, props.security);
    const modelEnv = props.model?.env !== undefined && this.modelPath !== undefined ? [{ name: props.model.env, value: this.modelPath }] : [];

    this.deployment = createDeployment(this, identity, {
      image: props.image,
      ports: [{ name: 'http', containerPort: this.port }],
      env: [...Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })), ...modelEnv],
      resources: props.resources,
      defaultMemoryLimit: '512Mi',
      probes: props.probes,
      initContainers: modelPod.initContainers,
      volumes: modelPod.volumes,
      volumeMounts: modelMounts(models),
      security: props.security,
    }, {
      replicas: props.autoscaling ? undefined : (props.replicas ?? 1),
      rollingUpdate: props.rollingUpdate,
      revisionHistoryLimit: props.revisionHistoryLimit,
      annotations: modelWaivers(models),
    });
    const serviceOptions = { props: props.service, targetPortName: 'http', defaultType: ServiceType.CLUSTER_IP, defaultPort: 80 };
    this.service = createService(this, identity, serviceOptions);
    if (props.ingress) {
      this.ingress = createIngress(this, identity, props.ingress, this.name, servicePort(serviceOptions));
    }
    if (props.autoscaling) {
      this.autoscaler = createAutoscaler(this, identity, props.autoscaling, this.name);
    }
    if (props.disruptionBudget ?? mayRunSeveralReplicas(props.replicas, props.autoscaling)) {
      this.disruptionBudget = createDisruptionBudget(this, identity);
    }
  }
}

function checkProps(scope: Construct, name: string, props: ModelServingAppProps): ResolvedModel | undefined {
  const p = new PropProblems('ModelServingApp', scope);
  validate.checkWorkloadProps(p, name, props);
  validate.checkImage(p, 'image', props.image);
  validate.checkPort(p, 'port', props.port);
  validate.checkEnv(p, props.env);
  validate.checkProbes(p, props.probes);
  validate.checkIngress(p, props.ingress);
  validate.checkLabelValue(p, 'component', props.component);
  validate.checkLabelValue(p, 'partOf', props.partOf);
  const model = props.model !== undefined ? resolveModelProp(p, name, props) : undefined;
  p.throwIfAny();
  return model;
}

function resolveModelProp(p: PropProblems, name: string, props: ModelServingAppProps): ResolvedModel | undefined {
  const model = props.model as ModelProps;
  if (typeof model !== 'object' || model === null) {
    p.check(false, 'model', model, 'must be { source, path?, env? }');
    return undefined;
  }
  const path = model.path ?? `/models/${name}`;
  const writable = props.security?.writablePaths ?? DEFAULT_WRITABLE_PATHS;
  if (model.path !== undefined) {
    p.check(typeof model.path === 'string' && /^\/[^\s:]*[^/\s:]$/.test(model.path), 'model.path', model.path,
      "must be an absolute folder path starting with '/', without a trailing '/'");
  }
  p.check(!writable.includes(path), 'model.path', path, 'is also a writable path: Kubernetes refuses two mounts at one path');
  if (model.env !== undefined) {
    p.check(typeof model.env === 'string' && isEnvVarName(model.env), 'model.env', model.env,
      "must consist of letters, digits, '_', '-' or '.' and not start with a digit");
    p.check(props.env?.[model.env] === undefined, 'model.env', model.env, 'is also set in env; the construct sets it to the model path');
  }
  const resolved = resolveModel(p, model.source, {
    server: ModelServer.GENERIC,
    prop: 'model.source',
    modelName: name,
    mountPath: path,
    volumeName: 'model',
    mayRunSeveralReplicas: mayRunSeveralReplicas(props.replicas, props.autoscaling),
  });
  if (resolved?.location === ModelLocation.URI) {
    p.check(model.env !== undefined, 'model.env', model.env, `is required with ModelSource.fromUri: the server reads ${resolved.uri} itself and must be told where`);
    p.check(model.path === undefined, 'model.path', model.path, 'cannot be set with ModelSource.fromUri: nothing is mounted');
  }
  if (resolved) {
    checkDistinctPodNames(p, [resolved], writableVolumes(props.security).volumes.map(v => v.name));
  }
  return resolved;
}
