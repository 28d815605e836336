import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { EnvValue } from './env-value';
import { HttpRoute } from './imports/gateway.networking.k8s.io';
import { ServiceMonitor } from './imports/monitoring.coreos.com';
import { buildServingApp } from './internal/build';
import { checkTraffic } from './internal/check-traffic';
import { checkWorkload } from './internal/check-workload';
import { combined, extend } from './internal/merge';
import {
  bindModel,   BoundModel, createModelClaims, MODEL_SOURCE, modelInitContainers, ModelLocation, modelServerMounts, modelWaivers, reportModelProblems,
} from './internal/model-binding';
import { Pipeline, resolveChecked } from './internal/pipeline';
import { PropProblems } from './internal/problems';
import { AUTOSCALING, CANARY, GATEWAY, INGRESS, RESOURCES, SERVICE, WORKLOAD_FIELDS } from './internal/prop-shapes';
import { withTraffic } from './internal/resolve-traffic';
import { resolveWorkload } from './internal/resolve-workload';
import { number, object, string } from './internal/shape';
import { checkLabelValue, checkPort } from './internal/validate-props';
import { isEnvVarName } from './kubernetes-rules';
import { ModelSource } from './model-source';
import { ModelServer } from './model-sources/context';
import { AutoscalingProps, IngressProps, ResourcesProps, ServiceProps, ServiceType, ServingWorkloadProps } from './serving-props';
import { ServingWorkloadSpec } from './serving-spec';
import { CanaryProps, GatewayProps } from './traffic-props';

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
  /** @default - a ClusterIP Service on port 80 to the server port (NodePort when only `nodePort` is given) */
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
  /**
   * A canary variant `<name>-canary` that gets `weight` percent of the traffic, through the Ingress (ingress-nginx) or
   * the Gateway route.
   * @default - no canary
   */
  readonly canary?: CanaryProps;
  /** A Gateway API HTTPRoute to the Service, in place of or beside the Ingress (the HTTPRoute CRD must be installed). @default - no route */
  readonly gateway?: GatewayProps;
}

/** A ModelServingApp's resolved spec: the workload, and where the server finds the model. */
export interface ModelServingAppSpec extends ServingWorkloadSpec {
  /** A folder, or the URI of `ModelSource.fromUri`; undefined without the `model` prop. */
  readonly modelPath?: string;
}

/** The spec, with the bound model source that only the construct reads. */
interface ModelServingInternalSpec extends ModelServingAppSpec {
  readonly bound: BoundModel[];
}

export const DEFAULT_MODEL_SERVING_PORT = 8080;
const DEFAULT_MEMORY_LIMIT = '512Mi';

const MODEL_SERVING_APP: Pipeline<ModelServingAppProps, ModelServingInternalSpec> = {
  constructType: 'ModelServingApp',
  shape: object<ModelServingAppProps>({
    ...WORKLOAD_FIELDS,
    image: string,
    port: number,
    replicas: number,
    resources: RESOURCES,
    service: SERVICE,
    ingress: INGRESS,
    autoscaling: AUTOSCALING,
    component: string,
    partOf: string,
    model: object<ModelProps>({ source: MODEL_SOURCE, path: string, env: string }),
    canary: CANARY,
    gateway: GATEWAY,
  }),
  resolve: (props, id) => withTraffic(withModel(props, id, bound => resolveWorkload(props, {
    constructType: 'ModelServingApp',
    name: props.name ?? id,
    image: props.image,
    component: props.component ?? 'model-server',
    partOf: props.partOf,
    ports: [{ name: 'http', containerPort: props.port ?? DEFAULT_MODEL_SERVING_PORT }],
    defaultMemoryLimit: DEFAULT_MEMORY_LIMIT,
    // A TCP check: a server that accepts connections gets traffic, and `check --strict` passes by default.
    defaultReadiness: {},
    resources: props.resources,
    replicas: props.replicas,
    autoscaling: props.autoscaling,
    service: props.service,
    defaultServiceType: ServiceType.CLUSTER_IP,
    defaultServicePort: 80,
    ingress: props.ingress,
    ownMounts: modelServerMounts(bound),
    ownInitContainers: modelInitContainers(bound),
    ownAnnotations: modelWaivers(bound),
  })), props, DEFAULT_MEMORY_LIMIT),
  check: (p: PropProblems, spec, props) => {
    checkWorkload(p, spec, props);
    checkTraffic(p, spec, props.canary);
    checkPort(p, 'port', props.port);
    checkLabelValue(p, 'component', props.component);
    checkLabelValue(p, 'partOf', props.partOf);
    checkModel(p, spec, props);
  },
};

/** Binds the model source, resolves the workload with its mounts, then adds its init containers and variable. */
function withModel(props: ModelServingAppProps, id: string, resolve: (bound: BoundModel[]) => ServingWorkloadSpec): ModelServingInternalSpec {
  const name = props.name ?? id;
  const model = props.model;
  const autoscaling = props.autoscaling;
  const bound = model ? [bindModel(model.source, {
    server: ModelServer.GENERIC,
    prop: 'model.source',
    modelName: name,
    mountPath: model.path ?? `/models/${name}`,
    volumeName: 'model',
    mayRunSeveralReplicas: autoscaling ? autoscaling.maxReplicas > 1 : (props.replicas ?? 1) > 1,
  })] : [];
  const workload = resolve(bound);
  const modelPath = bound[0] ? (bound[0].uri ?? bound[0].context.mountPath) : undefined;
  // A bad name is reported as model.env alone, not again as an env name.
  const env = model?.env !== undefined && isEnvVarName(model.env) && modelPath !== undefined
    ? { [model.env]: EnvValue.fromValue(modelPath) } : undefined;
  // `resolve` made the workload for this spec alone: it takes the model in place.
  return extend(workload, {
    server: { ...workload.server, env: combined(workload.server.env, env) },
    modelPath,
    bound,
  });
}

function checkModel(p: PropProblems, spec: ModelServingInternalSpec, props: ModelServingAppProps): void {
  const model = props.model;
  const bound = spec.bound[0];
  if (!model || !bound) {
    return;
  }
  reportModelProblems(p, spec.bound);
  const path = bound.context.mountPath;
  if (model.path !== undefined) {
    p.check(/^\/[^\s:]*[^/\s:]$/.test(model.path), 'model.path', model.path, "must be an absolute folder path starting with '/', without a trailing '/'");
  }
  if (bound.location !== ModelLocation.URI) {
    // Two mounts at one path are refused by Kubernetes; a mount over a model in the image hides it. (A mount over a
    // mounted model is refused with the other mounts.)
    p.check(!spec.security.writablePaths.includes(path) && (bound.location === ModelLocation.VOLUME || props.mounts?.[path] === undefined),
      'model.path', path, 'is also a writable path or in mounts; give the model a folder of its own');
  }
  if (model.env !== undefined) {
    p.check(isEnvVarName(model.env), 'model.env', model.env, "must consist of letters, digits, '_', '-' or '.' and not start with a digit");
    p.check(props.env?.[model.env] === undefined, 'model.env', model.env, 'is also set in env; the construct sets it to the model path');
  }
  if (bound.location === ModelLocation.URI) {
    p.check(model.env !== undefined, 'model.env', model.env, `is required with ModelSource.fromUri: the server reads ${bound.uri} itself and must be told where`);
    p.check(model.path === undefined, 'model.path', model.path, 'cannot be set with ModelSource.fromUri: nothing is mounted');
  }
}

/**
 * A model API behind a Service: a Deployment, a Service, and optionally an Ingress, a HorizontalPodAutoscaler,
 * a PodDisruptionBudget and a ServiceAccount, hardened to the Pod Security Standards 'restricted' profile.
 */
export class ModelServingApp extends Construct {
  /** The props with every default applied: what the objects are made from. */
  public readonly spec: ModelServingAppSpec;
  /** The base name of every object emitted. */
  public readonly name: string;
  /** The port the server listens on. */
  public readonly port: number;
  /** The default child (`Node.of(app).defaultChild`). */
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** Undefined without the `ingress` prop. */
  public readonly ingress?: k8s.KubeIngress;
  /** Undefined without the `autoscaling` prop. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  /** Undefined when the app runs one replica at most, unless `disruptionBudget` is true. */
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** Undefined without the `serviceAccount` prop. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** Where the server finds the model: a folder, or the URI of `ModelSource.fromUri`. Undefined without the `model` prop. */
  public readonly modelPath?: string;
  /** The PersistentVolumeClaims the model source asked for (`ModelSource.fromClaim(name, { create })`). */
  public readonly claims: k8s.KubePersistentVolumeClaim[];
  /** The canary variant's Deployment `<name>-canary`; undefined without the `canary` prop. */
  public readonly canaryDeployment?: k8s.KubeDeployment;
  /** The canary variant's Service `<name>-canary`, which selects only the canary's pods. */
  public readonly canaryService?: k8s.KubeService;
  /** The ingress-nginx canary Ingress `<name>-canary`; undefined without both `canary` and `ingress`. */
  public readonly canaryIngress?: k8s.KubeIngress;
  /** The Gateway API route; undefined without the `gateway` prop. */
  public readonly httpRoute?: HttpRoute;
  /** The Prometheus Operator ServiceMonitor; undefined without the `metrics` prop. */
  public readonly serviceMonitor?: ServiceMonitor;

  constructor(scope: Construct, id: string, props: ModelServingAppProps) {
    super(scope, id);
    const spec = resolveChecked(this, MODEL_SERVING_APP, props);
    this.spec = spec;
    this.name = spec.name;
    this.port = spec.server.ports[0].containerPort;
    this.modelPath = spec.modelPath;
    this.claims = createModelClaims(this, spec, spec.bound);
    const objects = buildServingApp(this, this.spec);
    this.deployment = objects.deployment;
    this.service = objects.service;
    this.ingress = objects.ingress;
    this.autoscaler = objects.autoscaler;
    this.disruptionBudget = objects.disruptionBudget;
    this.serviceAccount = objects.serviceAccount;
    this.canaryDeployment = objects.canaryDeployment;
    this.canaryService = objects.canaryService;
    this.canaryIngress = objects.canaryIngress;
    this.httpRoute = objects.httpRoute;
    this.serviceMonitor = objects.serviceMonitor;
  }
}
