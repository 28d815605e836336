import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createHash } from 'crypto';

import { appIdentity, mayRunSeveralReplicas } from './internal/identity';
import { registerAppName } from './internal/name-registry';
import { createAutoscaler, createDeployment, createDisruptionBudget, createService } from './internal/objects';
import { PropProblems } from './internal/problems';
import * as validate from './internal/validate-props';
import { ModelSource } from './model-source';
import { AutoscalingProps, ResourcesProps, ServiceProps, ServiceType, ServingWorkloadProps } from './serving-props';

/** The tensorflow/serving release used unless `image` says otherwise. */
export const DEFAULT_TF_SERVING_IMAGE = 'tensorflow/serving:2.14.1';
export const TF_SERVING_REST_PORT = 8501;
export const TF_SERVING_GRPC_PORT = 8500;
const TF_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export interface TfServingAppProps extends ServingWorkloadProps {
  /** The model's name: TF Serving serves it at `/v1/models/<modelName>` and loads it from `<modelBasePath>/<modelName>`. */
  readonly modelName: string;
  /** A tensorflow/serving image, or a custom one built from it. @default DEFAULT_TF_SERVING_IMAGE */
  readonly image?: string;
  /** Where models live in the container (MODEL_BASE_PATH, for volume sources). @default '/models' */
  readonly modelBasePath?: string;
  /** @default ModelSource.fromClaim('<name>-model') */
  readonly modelSource?: ModelSource;
  /** @default - a NodePort Service on the REST port 8501; Kubernetes picks the node port */
  readonly service?: ServiceProps;
  /** Fixed replica count; only without autoscaling. @default - autoscaled */
  readonly replicas?: number;
  /** @default - 1 to 3 replicas at 80% CPU, unless `replicas` is set */
  readonly autoscaling?: AutoscalingProps;
  /** @default - cpu request 100m, memory request 256Mi, memory limit 1Gi (or the request, if larger) */
  readonly resources?: ResourcesProps;
}

/**
 * A TensorFlow SavedModel served by tensorflow/serving: a ConfigMap with MODEL_NAME and MODEL_BASE_PATH
 * (the two settings the image reads), a Deployment with REST and gRPC ports that is ready once the model
 * is loaded, a NodePort Service on the REST port, and an autoscaler.
 */
export class TfServingApp extends Construct {
  public readonly name: string;
  public readonly modelName: string;
  public readonly configMap: k8s.KubeConfigMap;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  /** Undefined when `replicas` fixes the replica count. */
  public readonly autoscaler?: k8s.KubeHorizontalPodAutoscalerV2;
  public readonly disruptionBudget?: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: TfServingAppProps) {
    super(scope, id);
    props = props ?? {}; // JavaScript callers may pass nothing; the checks below then name what is missing.
    this.name = props.name ?? id;
    this.modelName = props.modelName;
    const image = props.image ?? DEFAULT_TF_SERVING_IMAGE;
    const modelSource = props.modelSource ?? ModelSource.fromClaim(`${this.name}-model`);
    checkProps(this, this.name, image, modelSource, props);

    const identity = appIdentity(this.name, props.namespace, image, 'model-server', undefined);
    registerAppName({ construct: this, constructType: 'TfServingApp', name: this.name, namespace: props.namespace });
    const model = modelSource._bind(props.modelBasePath ?? '/models', props.modelName);
    const autoscaling = props.replicas === undefined ? (props.autoscaling ?? { minReplicas: 1, maxReplicas: 3 }) : undefined;

    const configData = { MODEL_NAME: props.modelName, MODEL_BASE_PATH: model.modelBasePath };
    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: `${this.name}-config`, namespace: props.namespace, labels: identity.labels },
      data: configData,
    });
    this.deployment = createDeployment(this, identity, {
      image,
      ports: [{ name: 'http', containerPort: TF_SERVING_REST_PORT }, { name: 'grpc', containerPort: TF_SERVING_GRPC_PORT }],
      env: Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
      envFromConfigMap: this.configMap.name,
      resources: props.resources,
      defaultMemoryLimit: '1Gi',
      probes: { readiness: `/v1/models/${props.modelName}` },
      volumes: model.volumes,
      volumeMounts: model.volumeMounts,
      security: props.security,
    }, {
      replicas: autoscaling ? undefined : props.replicas,
      rollingUpdate: props.rollingUpdate,
      revisionHistoryLimit: props.revisionHistoryLimit,
      annotations: model.waivers,
      // envFrom is read only at container start: a changed ConfigMap must roll the pods.
      podAnnotations: { 'model-serving.cdk8s.io/config-hash': hashOf(configData) },
    });
    this.service = createService(this, identity, {
      props: props.service,
      targetPortName: 'http',
      defaultType: ServiceType.NODE_PORT,
      defaultPort: TF_SERVING_REST_PORT,
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

function checkProps(scope: Construct, name: string, image: string, modelSource: ModelSource, props: TfServingAppProps): void {
  const p = new PropProblems('TfServingApp', scope);
  validate.checkWorkloadProps(p, name, props);
  if (p.check(typeof props.modelName === 'string' && TF_MODEL_NAME.test(props.modelName) && props.modelName.length <= 253, 'modelName', props.modelName,
    "must be letters, digits, '_', '-' or '.', starting with a letter or digit (it is a URL path segment and a folder name)")) {
    modelSource._check(p, props.modelName);
  }
  validate.checkImage(p, 'image', image);
  if (modelSource._needsCustomImage()) {
    p.check(image !== DEFAULT_TF_SERVING_IMAGE, 'image', image, 'must be a custom image that contains the model, with ModelSource.fromImage()');
  }
  if (props.modelBasePath !== undefined) {
    p.check(/^\/[^\s:]*[^/\s:]$/.test(props.modelBasePath), 'modelBasePath', props.modelBasePath,
      "must be an absolute folder path starting with '/', without a trailing '/'");
  }
  validate.checkEnv(p, props.env, ['MODEL_NAME', 'MODEL_BASE_PATH']);
  p.throwIfAny();
}
