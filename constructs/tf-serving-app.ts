import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createHash } from 'crypto';

import { appIdentity, mayRunSeveralReplicas } from './internal/identity';
import {
  checkDistinctPodNames, createModelClaims, ModelLocation, modelMounts, modelPodPieces, modelWaivers, ResolvedModel, resolveModel,
} from './internal/model-binding';
import { registerAppName } from './internal/name-registry';
import { createAutoscaler, createDeployment, createDisruptionBudget, createService } from './internal/objects';
import { PropProblems } from './internal/problems';
import { writableVolumes } from './internal/security';
import * as validate from './internal/validate-props';
import { ModelSource } from './model-source';
import { ModelServer } from './model-sources/context';
import { AutoscalingProps, ResourcesProps, ServiceType, ServingWorkloadProps } from './serving-props';
import { checkBatching, checkGrpcService, checkTfModelName, isStockTfServingImage } from './tf-serving/check';
import { PROMETHEUS_PATH, ServedModel, TF_CONFIG_DIR, tfConfigFiles } from './tf-serving/config-files';
import { BatchingProps, TfServingModel, TfServingServiceProps } from './tf-serving/props';

/** The tensorflow/serving release used unless `image` says otherwise. */
export const DEFAULT_TF_SERVING_IMAGE = 'tensorflow/serving:2.14.1';
export const TF_SERVING_REST_PORT = 8501;
export const TF_SERVING_GRPC_PORT = 8500;
const DEFAULT_MODEL_BASE_PATH = '/models';
const CONFIG_VOLUME = 'tf-serving-config';

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
  /** Where models live in the container (MODEL_BASE_PATH, for volume sources). @default '/models' */
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

/**
 * A TensorFlow SavedModel served by tensorflow/serving: a ConfigMap with MODEL_NAME and MODEL_BASE_PATH (the two
 * settings the image reads) and any configuration files, a Deployment with REST and gRPC ports that is ready once the
 * model is loaded, a NodePort Service with both ports, and an autoscaler.
 */
export class TfServingApp extends Construct {
  public readonly name: string;
  /** The model readiness checks: `modelName`, or the first of `models`. */
  public readonly modelName: string;
  /** Every model served. */
  public readonly modelNames: string[];
  public readonly configMap: k8s.KubeConfigMap;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** Undefined when `replicas` fixes the replica count. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;
  /** The PersistentVolumeClaims model sources asked for (`ModelSource.fromClaim(name, { create })`). */
  public readonly claims: k8s.KubePersistentVolumeClaim[];

  constructor(scope: Construct, id: string, props: TfServingAppProps) {
    super(scope, id);
    props = props ?? {}; // JavaScript callers may pass nothing; the checks below then name what is missing.
    this.name = props.name ?? id;
    const image = props.image ?? DEFAULT_TF_SERVING_IMAGE;
    const autoscaling = props.replicas === undefined ? (props.autoscaling ?? { minReplicas: 1, maxReplicas: 3 }) : undefined;
    const modelBasePath = props.modelBasePath ?? DEFAULT_MODEL_BASE_PATH;
    const resolved = resolveProps(this, this.name, image, modelBasePath, mayRunSeveralReplicas(props.replicas, autoscaling), props);
    this.modelNames = resolved.served.map(m => m.name);
    this.modelName = this.modelNames[0];

    const identity = appIdentity(this.name, props.namespace, image, 'model-server', undefined);
    registerAppName({ construct: this, constructType: 'TfServingApp', name: this.name, namespace: props.namespace });

    const config = tfConfigFiles({
      models: props.models ? resolved.served : undefined, monitoring: props.monitoring === true, batching: props.batching,
    });
    const single = props.models ? undefined : resolved.served[0];
    const configData = { ...(single ? { MODEL_NAME: single.name, MODEL_BASE_PATH: parentOf(single.basePath) } : {}), ...config.files };
    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: `${this.name}-config`, namespace: props.namespace, labels: identity.labels },
      data: configData,
    });
    const fileNames = Object.keys(config.files);
    const configVolumes: k8s.Volume[] = fileNames.length > 0
      ? [{ name: CONFIG_VOLUME, configMap: { name: this.configMap.name, items: fileNames.map(key => ({ key, path: key })) } }] : [];
    this.claims = createModelClaims(this, identity, resolved.models);
    const modelPod = modelPodPieces(resolved.models, props.security);
    this.deployment = createDeployment(this, identity, {
      image,
      ports: [{ name: 'http', containerPort: TF_SERVING_REST_PORT }, { name: 'grpc', containerPort: TF_SERVING_GRPC_PORT }],
      env: [
        // Explicit keys rather than envFrom: the ConfigMap also holds the configuration files.
        ...(single ? ['MODEL_NAME', 'MODEL_BASE_PATH'].map(key => ({ name: key, valueFrom: { configMapKeyRef: { name: this.configMap.name, key } } })) : []),
        ...Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
      ],
      args: config.args,
      initContainers: modelPod.initContainers,
      resources: props.resources,
      defaultMemoryLimit: '1Gi',
      // TF Serving opens its ports once the models of its configuration are loaded.
      probes: { readiness: `/v1/models/${this.modelName}` },
      volumes: [...modelPod.volumes, ...configVolumes],
      volumeMounts: [
        ...modelMounts(resolved.models),
        ...(configVolumes.length > 0 ? [{ name: CONFIG_VOLUME, mountPath: TF_CONFIG_DIR, readOnly: true }] : []),
      ],
      security: props.security,
    }, {
      replicas: autoscaling ? undefined : props.replicas,
      rollingUpdate: props.rollingUpdate,
      revisionHistoryLimit: props.revisionHistoryLimit,
      annotations: modelWaivers(resolved.models),
      podAnnotations: {
        // The environment and the files are read at start only: a changed ConfigMap must roll the pods.
        'model-serving.cdk8s.io/config-hash': hashOf(configData),
        ...(props.monitoring ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(TF_SERVING_REST_PORT), 'prometheus.io/path': PROMETHEUS_PATH } : {}),
      },
    });
    this.service = createService(this, identity, {
      props: props.service,
      targetPortName: 'http',
      defaultType: ServiceType.NODE_PORT,
      defaultPort: TF_SERVING_REST_PORT,
      extraPorts: [{
        name: 'grpc',
        port: props.service?.grpcPort ?? TF_SERVING_GRPC_PORT,
        targetPort: k8s.IntOrString.fromString('grpc'),
        nodePort: props.service?.grpcNodePort,
        protocol: 'TCP',
      }],
    });
    if (autoscaling) {
      this.autoscaler = createAutoscaler(this, identity, autoscaling, this.name);
    }
    if (props.disruptionBudget ?? mayRunSeveralReplicas(props.replicas, autoscaling)) {
      this.disruptionBudget = createDisruptionBudget(this, identity);
    }
  }
}

function hashOf(data: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}

function parentOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

interface ResolvedTfProps {
  readonly models: ResolvedModel[];
  /** Each model's name and where TF Serving reads it. */
  readonly served: ServedModel[];
}

/** The models as the props name them: `models`, or the one `modelName` with `modelSource`. */
function modelList(p: PropProblems, name: string, props: TfServingAppProps): Array<{ name: string; source: unknown; prop: string }> {
  if (props.models !== undefined) {
    if (props.modelName !== undefined || props.modelSource !== undefined) {
      p.add(`${props.modelName !== undefined ? 'modelName' : 'modelSource'} cannot be set together with models: give each of models its name and source`);
    }
    if (!Array.isArray(props.models) || props.models.length === 0) {
      p.check(false, 'models', props.models, 'must be a non-empty list of { name, source }');
      return [];
    }
    return props.models.map((m, i) => ({ name: m?.name, source: m?.source, prop: `models[${i}]` }));
  }
  if (props.modelName === undefined) {
    p.add("modelName or models is required: the model's name, or a list of { name, source }");
    return [];
  }
  return [{ name: props.modelName, source: props.modelSource ?? ModelSource.fromClaim(`${name}-model`), prop: 'modelName' }];
}

function resolveProps(scope: Construct, name: string, image: string, modelBasePath: string, severalPods: boolean,
  props: TfServingAppProps): ResolvedTfProps {
  const p = new PropProblems('TfServingApp', scope);
  validate.checkWorkloadProps(p, name, props);
  validate.checkImage(p, 'image', image);
  if (props.modelBasePath !== undefined) {
    p.check(/^\/[^\s:]*[^/\s:]$/.test(props.modelBasePath), 'modelBasePath', props.modelBasePath,
      "must be an absolute folder path starting with '/', without a trailing '/'");
  }
  validate.checkEnv(p, props.env, ['MODEL_NAME', 'MODEL_BASE_PATH']);
  checkGrpcService(p, props.service, props.service?.port ?? TF_SERVING_REST_PORT);
  checkBatching(p, props.batching);
  if (props.monitoring !== undefined) {
    p.check(typeof props.monitoring === 'boolean', 'monitoring', props.monitoring, 'must be a boolean');
  }
  const list = modelList(p, name, props);
  const models: ResolvedModel[] = [];
  const served: ServedModel[] = [];
  list.forEach((model, i) => {
    const single = props.models === undefined;
    if (!checkTfModelName(p, single ? 'modelName' : `${model.prop}.name`, model.name)) {
      return;
    }
    p.check(list.findIndex(m => m.name === model.name) === i, `${model.prop}.name`, model.name, 'is listed twice');
    const resolved = resolveModel(p, model.source, {
      server: ModelServer.TF_SERVING,
      prop: single ? 'modelSource' : `${model.prop}.source`,
      modelName: model.name,
      mountPath: `${modelBasePath}/${model.name}`,
      volumeName: single ? 'model' : `model-${i}`,
      mayRunSeveralReplicas: severalPods,
    });
    if (resolved) {
      models.push(resolved);
      served.push({ name: model.name, basePath: resolved.uri ?? resolved.context.mountPath });
      checkLocation(p, resolved, image, single, props);
    }
  });
  checkDistinctPodNames(p, models, [...writableVolumes(props.security).volumes.map(v => v.name), CONFIG_VOLUME]);
  p.throwIfAny();
  return { models, served };
}

/** The conflicts between where a model is and the other props. */
function checkLocation(p: PropProblems, model: ResolvedModel, image: string, single: boolean, props: TfServingAppProps): void {
  const prop = model.context.prop;
  if (model.location === ModelLocation.URI) {
    const uri = model.uri as string;
    if (props.modelBasePath !== undefined) {
      p.add(`modelBasePath '${props.modelBasePath}' cannot be set with ${prop} ModelSource.fromUri('${uri}'): TF Serving reads the model from the URI`);
    }
    if (single) {
      p.check(uri.slice(uri.lastIndexOf('/') + 1) === model.context.modelName, `${prop} uri`, uri,
        `must end with the model name '${model.context.modelName}': TF Serving loads <MODEL_BASE_PATH>/<MODEL_NAME>`);
    }
  }
  if (model.location === ModelLocation.IMAGE) {
    p.check(!isStockTfServingImage(image), 'image', image, `is a stock tensorflow/serving image, which holds no model; ${prop} ModelSource.fromImage() `
      + `needs a custom image built from it with the model at ${model.context.mountPath}`);
  }
}

