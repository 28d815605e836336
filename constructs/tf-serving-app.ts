import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { EnvValue } from './env-value';
import { ServiceMonitor } from './imports/monitoring.coreos.com';
import { buildServingApp } from './internal/build';
import { checkTraffic } from './internal/check-traffic';
import { checkWorkload } from './internal/check-workload';
import { ConstructMount } from './internal/construct-mount';
import { combined, extend, merge } from './internal/merge';
import {
  bindModel,   BoundModel, createModelClaims, MODEL_SOURCE, modelInitContainers, ModelLocation, modelServerMounts, modelWaivers, reportModelProblems,
} from './internal/model-binding';
import { Pipeline, resolveChecked } from './internal/pipeline';
import { PropProblems } from './internal/problems';
import { AUTOSCALING, RESOURCES, WORKLOAD_FIELDS } from './internal/prop-shapes';
import { metricsChanges } from './internal/resolve-traffic';
import { resolveWorkload } from './internal/resolve-workload';
import { sha256Hex } from './internal/sha256';
import { arrayOf, boolean, number, object, string, stringMap } from './internal/shape';
import { ModelSource } from './model-source';
import { ModelServer } from './model-sources/context';
import { Mount } from './mount';
import { AutoscalingProps, ResourcesProps, ServiceType, ServingWorkloadProps } from './serving-props';
import { ServingWorkloadSpec } from './serving-spec';
import { PROMETHEUS_PATH, TF_CONFIG_DIR, tfConfigFiles } from './tf-serving/config-files';
import { BatchingProps, ServedModel, TfServingModel, TfServingServiceProps } from './tf-serving/props';
import { checkBatching, checkGrpcService, checkTfModelName, isStockTfServingImage } from './tf-serving/validate-props';

/** The tensorflow/serving release used unless `image` says otherwise. */
export const DEFAULT_TF_SERVING_IMAGE = 'tensorflow/serving:2.14.1';
export const TF_SERVING_REST_PORT = 8501;
export const TF_SERVING_GRPC_PORT = 8500;
const DEFAULT_MODEL_BASE_PATH = '/models';
const CONFIG_HASH_ANNOTATION = 'model-serving.cdk8s.io/config-hash';
/** The two settings the image's entrypoint reads. */
const MODEL_ENV = ['MODEL_NAME', 'MODEL_BASE_PATH'];

export interface TfServingAppProps extends ServingWorkloadProps {
  /**
   * The model's name: TF Serving serves it at `/v1/models/<modelName>` and loads it from `<modelBasePath>/<modelName>`.
   * Give either `modelName` or `models`.
   * @default - the models of `models`
   */
  readonly modelName?: string;
  /**
   * Several models, each with its source, served by one server through a `models.config`; the first gates readiness.
   * Give either `modelName` or `models`.
   * @default - the one model `modelName`
   */
  readonly models?: TfServingModel[];
  /** A tensorflow/serving image, or a custom one built from it. @default DEFAULT_TF_SERVING_IMAGE */
  readonly image?: string;
  /** Where models live in the container (for volume sources and images); not with `ModelSource.fromUri`. @default '/models' */
  readonly modelBasePath?: string;
  /** Where `modelName` comes from. @default ModelSource.fromClaim('<name>-model') */
  readonly modelSource?: ModelSource;
  /** @default - a NodePort Service with REST (`http`, 8501) and gRPC (`grpc`, 8500); Kubernetes picks the node ports */
  readonly service?: TfServingServiceProps;
  /** Fixed replica count; only without autoscaling. @default - autoscaled */
  readonly replicas?: number;
  /** @default - 1 to 3 replicas at 80% CPU, unless `replicas` is set */
  readonly autoscaling?: AutoscalingProps;
  /** @default - cpu request 100m, memory request 256Mi, memory limit 1Gi (or the request, if larger) */
  readonly resources?: ResourcesProps;
  /** Prometheus metrics at `/monitoring/prometheus/metrics` on the REST port, through a `monitoring.config`. @default false */
  readonly monitoring?: boolean;
  /** Server-side request batching: `--enable_batching` with a batching parameters file. @default - no batching */
  readonly batching?: BatchingProps;
}

/** A TfServingApp's resolved spec: the workload, the models and the ConfigMap's settings and files. */
export interface TfServingAppSpec extends ServingWorkloadSpec {
  /** The model readiness checks: `modelName`, or the first of `models`. */
  readonly modelName: string;
  /** Every model, with where TF Serving reads it. */
  readonly models: ServedModel[];
  /** The ConfigMap `<name>-config`: MODEL_NAME and MODEL_BASE_PATH for one model, and the configuration files. */
  readonly configData: { readonly [key: string]: string };
}

/** The spec, with the bound model sources that only the construct reads. */
interface TfServingInternalSpec extends TfServingAppSpec {
  readonly bound: BoundModel[];
  readonly listProblems: string[];
}

const TF_SERVING_APP: Pipeline<TfServingAppProps, TfServingInternalSpec> = {
  constructType: 'TfServingApp',
  shape: object<TfServingAppProps>({
    ...WORKLOAD_FIELDS,
    modelName: string,
    models: arrayOf(object<TfServingModel>({ name: string, source: MODEL_SOURCE })),
    image: string,
    modelBasePath: string,
    modelSource: MODEL_SOURCE,
    service: object<TfServingServiceProps>({
      type: string, port: number, nodePort: number, annotations: stringMap, grpcPort: number, grpcNodePort: number,
    }),
    replicas: number,
    autoscaling: AUTOSCALING,
    resources: RESOURCES,
    monitoring: boolean,
    batching: object<BatchingProps>({
      maxBatchSize: number, batchTimeoutMicros: number, maxEnqueuedBatches: number, numBatchThreads: number,
      allowedBatchSizes: arrayOf(number), padVariableLengthInputs: boolean,
    }),
  }),
  resolve: resolveTfServing,
  check: (p: PropProblems, spec, props) => {
    checkWorkload(p, spec, props);
    spec.listProblems.forEach(problem => p.add(problem));
    const single = props.models === undefined;
    spec.bound.forEach((model, i) => {
      if (checkTfModelName(p, single ? 'modelName' : `models[${i}].name`, model.context.modelName)) {
        p.check(spec.bound.findIndex(m => m.context.modelName === model.context.modelName) === i, `models[${i}].name`, model.context.modelName,
          'is listed twice');
      }
      checkLocation(p, model, spec.server.image, single, props);
    });
    reportModelProblems(p, spec.bound);
    if (props.modelBasePath !== undefined) {
      p.check(/^\/[^\s:]*[^/\s:]$/.test(props.modelBasePath), 'modelBasePath', props.modelBasePath,
        "must be an absolute folder path starting with '/', without a trailing '/'");
    }
    checkGrpcService(p, props.service, spec.service.port);
    checkBatching(p, props.batching);
    checkOwnFlags(p, props.args, spec.server.args ?? []);
    checkTraffic(p, spec, undefined);
    if (props.metrics !== undefined) {
      p.check(props.monitoring !== false, 'monitoring', false, 'cannot be false with metrics: TF Serving serves Prometheus metrics only with its monitoring.config');
      p.check(props.metrics.port === undefined || props.metrics.port === TF_SERVING_REST_PORT, 'metrics.port', props.metrics.port,
        `must be the REST port ${TF_SERVING_REST_PORT}, where TF Serving serves its metrics`);
    }
  },
};

function resolveTfServing(props: TfServingAppProps, id: string): TfServingInternalSpec {
  const name = props.name ?? id;
  const image = props.image ?? DEFAULT_TF_SERVING_IMAGE;
  const autoscaling = props.replicas === undefined ? (props.autoscaling ?? { minReplicas: 1, maxReplicas: 3 }) : props.autoscaling;
  const modelBasePath = props.modelBasePath ?? DEFAULT_MODEL_BASE_PATH;
  const single = props.models === undefined;
  const { entries, problems: listProblems } = modelList(props, name);
  const bound = entries.map((entry, i) => bindModel(entry.source, {
    server: ModelServer.TF_SERVING,
    prop: single ? 'modelSource' : `models[${i}].source`,
    modelName: entry.name,
    mountPath: `${modelBasePath}/${entry.name}`,
    volumeName: single ? 'model' : `model-${i}`,
    mayRunSeveralReplicas: autoscaling ? autoscaling.maxReplicas > 1 : (props.replicas ?? 1) > 1,
  }));
  const models = bound.map(m => ({ name: m.context.modelName, basePath: m.uri ?? m.context.mountPath }));
  const modelName = models[0]?.name;
  // Metrics need TF Serving's monitoring.config; asking for them turns it on.
  const monitoring = props.monitoring ?? props.metrics !== undefined;
  const config = tfConfigFiles({ models: single ? undefined : models, monitoring, metricsPath: props.metrics?.path, batching: props.batching });
  const configMapName = `${name}-config`;
  const configData = combined(single && models[0] ? { MODEL_NAME: models[0].name, MODEL_BASE_PATH: parentOf(models[0].basePath) } : undefined,
    config.files);
  const files = Object.keys(config.files);
  const configMount: { [path: string]: Mount } = files.length > 0 ? {
    [TF_CONFIG_DIR]: new ConstructMount('tf-serving-config', { configMap: { name: configMapName, items: files.map(key => ({ key, path: key })) } }, true),
  } : {};
  const workload = resolveWorkload(props, {
    constructType: 'TfServingApp',
    name,
    image,
    component: 'model-server',
    ports: [{ name: 'http', containerPort: TF_SERVING_REST_PORT }, { name: 'grpc', containerPort: TF_SERVING_GRPC_PORT }],
    defaultMemoryLimit: '1Gi',
    // TF Serving opens its ports once the models of its configuration are loaded.
    defaultReadiness: { path: `/v1/models/${modelName}` },
    resources: props.resources,
    replicas: props.replicas,
    autoscaling,
    service: props.service,
    defaultServiceType: ServiceType.NODE_PORT,
    defaultServicePort: TF_SERVING_REST_PORT,
    // Explicit keys rather than envFrom: the ConfigMap also holds the configuration files.
    ownEnv: single ? modelEnvOf(configMapName) : undefined,
    reservedEnv: MODEL_ENV,
    ownMounts: combined(modelServerMounts(bound), configMount),
    ownInitContainers: modelInitContainers(bound),
    ownAnnotations: modelWaivers(bound),
    ownPodAnnotations: {
      // The environment and the files are read at start only: a changed ConfigMap must roll the pods.
      [CONFIG_HASH_ANNOTATION]: hashOf(configData),
    },
  });
  const args = config.args.concat(workload.server.args ?? []);
  // TF Serving serves its metrics on the REST port, so the ServiceMonitor scrapes the port named http.
  const metrics = { ...props.metrics, port: props.metrics?.port ?? TF_SERVING_REST_PORT };
  // The workload was made for this spec alone: it takes the metrics and the settings of TF Serving in place, the metrics'
  // keys first, as withMetrics and a copy would have them.
  return extend(workload, merge(monitoring ? metricsChanges(workload, metrics, PROMETHEUS_PATH) : undefined, {
    // The image's entrypoint passes its arguments on to tensorflow_model_server, after its own flags.
    server: { ...workload.server, args: args.length > 0 ? args : undefined },
    service: merge(workload.service, {
      additionalPorts: [{ name: 'grpc', port: props.service?.grpcPort ?? TF_SERVING_GRPC_PORT, nodePort: props.service?.grpcNodePort }],
    }),
    modelName,
    models,
    configData,
    bound,
    listProblems,
  }));
}

/**
 * A TensorFlow SavedModel served by tensorflow/serving: a ConfigMap with MODEL_NAME and MODEL_BASE_PATH (the two
 * settings the image reads) and any configuration files, a Deployment with REST and gRPC ports that is ready once the
 * models are loaded, a NodePort Service with both ports, and an autoscaler.
 */
export class TfServingApp extends Construct {
  /** The props with every default applied: what the objects are made from. */
  public readonly spec: TfServingAppSpec;
  public readonly name: string;
  /** The model readiness checks: `modelName`, or the first of `models`. */
  public readonly modelName: string;
  public readonly configMap: k8s.KubeConfigMap;
  /** The default child (`Node.of(app).defaultChild`). */
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** Undefined when `replicas` fixes the replica count. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** Undefined without the `serviceAccount` prop. */
  public readonly serviceAccount?: k8s.KubeServiceAccount;
  /** The PersistentVolumeClaims the model sources asked for (`ModelSource.fromClaim(name, { create })`). */
  public readonly claims: k8s.KubePersistentVolumeClaim[];
  /** The Prometheus Operator ServiceMonitor of `monitoring` or `metrics`; undefined without both. */
  public readonly serviceMonitor?: ServiceMonitor;

  constructor(scope: Construct, id: string, props: TfServingAppProps) {
    super(scope, id);
    const spec = resolveChecked(this, TF_SERVING_APP, props);
    this.spec = spec;
    this.name = spec.name;
    this.modelName = spec.modelName;
    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: `${spec.name}-config`, namespace: spec.namespace, labels: spec.labels },
      data: { ...spec.configData },
    });
    this.claims = createModelClaims(this, spec, spec.bound);
    const objects = buildServingApp(this, spec);
    this.deployment = objects.deployment;
    this.service = objects.service;
    this.autoscaler = objects.autoscaler;
    this.disruptionBudget = objects.disruptionBudget;
    this.serviceAccount = objects.serviceAccount;
    this.serviceMonitor = objects.serviceMonitor;
  }
}

/** MODEL_NAME and MODEL_BASE_PATH, read from the ConfigMap by key. */
function modelEnvOf(configMapName: string): { [name: string]: EnvValue } {
  const env: { [name: string]: EnvValue } = {};
  for (const key of MODEL_ENV) {
    env[key] = EnvValue.fromConfigMap(configMapName, key);
  }
  return env;
}

function hashOf(data: Record<string, string>): string {
  return sha256Hex(JSON.stringify(data)).slice(0, 16);
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

/** The models as the props name them: `models`, or the one `modelName` with `modelSource`. */
function modelList(props: TfServingAppProps, name: string): { entries: Array<{ name: string; source: unknown }>; problems: string[] } {
  if (props.models !== undefined) {
    const problems: string[] = [];
    if (props.modelName !== undefined || props.modelSource !== undefined) {
      problems.push(`${props.modelName !== undefined ? 'modelName' : 'modelSource'} cannot be set together with models: give each of models its name and source`);
    }
    if (props.models.length === 0) {
      problems.push('models [] must be a non-empty list of { name, source }');
    }
    return { entries: props.models.map(m => ({ name: m.name, source: m.source })), problems };
  }
  if (props.modelName === undefined) {
    return { entries: [], problems: ["modelName or models is required: the model's name, or a list of { name, source }"] };
  }
  return { entries: [{ name: props.modelName, source: props.modelSource ?? ModelSource.fromClaim(`${name}-model`) }], problems: [] };
}

/** The conflicts between where a model is and the other props. */
function checkLocation(p: PropProblems, model: BoundModel, image: string, single: boolean, props: TfServingAppProps): void {
  const prop = model.context.prop;
  if (model.location === ModelLocation.URI) {
    const uri = model.uri as string;
    // With `models`, a base path still places the other models; a URI model simply ignores it.
    if (single && props.modelBasePath !== undefined) {
      p.add(`modelBasePath '${props.modelBasePath}' conflicts with ModelSource.fromUri, whose URI gives MODEL_BASE_PATH: give one of them`);
    }
    if (single) {
      p.check(uri.slice(uri.lastIndexOf('/') + 1) === model.context.modelName, `${prop} uri`, uri,
        `must end with the model name '${model.context.modelName}': TF Serving loads <MODEL_BASE_PATH>/<MODEL_NAME>`);
    }
  }
  if (model.location === ModelLocation.IMAGE && typeof image === 'string') {
    p.check(!isStockTfServingImage(image), 'image', image,
      `must be a custom image that contains the model, with ModelSource.fromImage(); a stock tensorflow/serving image has none: build one from it with the model at ${model.context.mountPath}`);
  }
}

/** A flag the construct passes itself, given again in `args`, would leave TF Serving to pick one of the two. */
function checkOwnFlags(p: PropProblems, given: readonly string[] | undefined, all: readonly string[]): void {
  if (given === undefined || given.length === 0) {
    return;
  }
  const own = all.slice(0, all.length - given.length).map(flagOf);
  given.forEach((arg, i) => {
    if (own.includes(typeof arg === 'string' ? flagOf(arg) : arg)) {
      p.fail(`args[${i}]`, arg, 'is set by the construct itself; use the matching prop (models, monitoring or batching) instead');
    }
  });
}

function flagOf(arg: string): string {
  const equals = arg.indexOf('=');
  return equals === -1 ? arg : arg.slice(0, equals);
}
