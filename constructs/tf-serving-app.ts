import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { createHash } from 'crypto';

import { checkWorkload } from './internal/check-workload';
import { Pipeline, resolveChecked } from './internal/pipeline';
import { PropProblems } from './internal/problems';
import { AUTOSCALING, RESOURCES, SERVICE, WORKLOAD_FIELDS } from './internal/prop-shapes';
import { buildServingWorkload } from './internal/render-workload';
import { resolveWorkload } from './internal/resolve-workload';
import { instanceOf, number, object, string } from './internal/shape';
import { parseImage } from './kubernetes-rules';
import { ModelSource } from './model-source';
import { AutoscalingProps, ResourcesProps, ServiceProps, ServiceType, ServingWorkloadProps } from './serving-props';
import { ServingWorkloadSpec } from './serving-spec';

/** The tensorflow/serving release used unless `image` says otherwise. */
export const DEFAULT_TF_SERVING_IMAGE = 'tensorflow/serving:2.14.1';
export const TF_SERVING_REST_PORT = 8501;
export const TF_SERVING_GRPC_PORT = 8500;
const TF_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const STOCK_IMAGE_REPOSITORIES = ['tensorflow/serving', 'docker.io/tensorflow/serving', 'index.docker.io/tensorflow/serving'];
const CONFIG_HASH_ANNOTATION = 'model-serving.cdk8s.io/config-hash';

export interface TfServingAppProps extends ServingWorkloadProps {
  /** The model's name: TF Serving serves it at `/v1/models/<modelName>` and loads it from `<modelBasePath>/<modelName>`. */
  readonly modelName: string;
  /** A tensorflow/serving image, or a custom one built from it. @default DEFAULT_TF_SERVING_IMAGE */
  readonly image?: string;
  /** Where models live in the container (MODEL_BASE_PATH, for volume sources); not with `ModelSource.fromUri`. @default '/models' */
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

/** A TfServingApp's resolved spec: the workload, and the model settings in its ConfigMap. */
export interface TfServingAppSpec extends ServingWorkloadSpec {
  readonly modelName: string;
  readonly modelSource: ModelSource;
  /** MODEL_BASE_PATH: the folder that holds `<modelName>/`, in the container or in a model store. */
  readonly modelBasePath: string;
  /** The ConfigMap `<name>-config`, loaded with `envFrom`. */
  readonly configData: { readonly [key: string]: string };
}

const TF_SERVING_APP: Pipeline<TfServingAppProps, TfServingAppSpec> = {
  constructType: 'TfServingApp',
  shape: object<TfServingAppProps>({
    ...WORKLOAD_FIELDS,
    modelName: string,
    image: string,
    modelBasePath: string,
    modelSource: instanceOf(ModelSource, 'a ModelSource (ModelSource.fromClaim, fromUri, fromImage or fromHostPath)'),
    service: SERVICE,
    replicas: number,
    autoscaling: AUTOSCALING,
    resources: RESOURCES,
  }),
  resolve: (props, id) => {
    const name = props.name ?? id;
    const image = props.image ?? DEFAULT_TF_SERVING_IMAGE;
    const modelSource = props.modelSource ?? ModelSource.fromClaim(`${name}-model`);
    const model = modelSource._bind(props.modelBasePath ?? '/models', props.modelName);
    const configData = { MODEL_NAME: props.modelName, MODEL_BASE_PATH: model.modelBasePath };
    const configMapName = `${name}-config`;
    const workload = resolveWorkload(props, {
      constructType: 'TfServingApp',
      name,
      image,
      component: 'model-server',
      ports: [{ name: 'http', containerPort: TF_SERVING_REST_PORT }, { name: 'grpc', containerPort: TF_SERVING_GRPC_PORT }],
      defaultMemoryLimit: '1Gi',
      defaultReadiness: { path: `/v1/models/${props.modelName}` },
      resources: props.resources,
      replicas: props.replicas,
      autoscaling: props.replicas === undefined ? (props.autoscaling ?? { minReplicas: 1, maxReplicas: 3 }) : props.autoscaling,
      service: props.service,
      defaultServiceType: ServiceType.NODE_PORT,
      defaultServicePort: TF_SERVING_REST_PORT,
      reservedEnv: Object.keys(configData),
      ownEnvFromConfigMaps: [configMapName],
      ownMounts: model.mounts,
      ownAnnotations: model.waivers,
      // envFrom is read only at container start: a changed ConfigMap must roll the pods.
      ownPodAnnotations: { [CONFIG_HASH_ANNOTATION]: hashOf(configData) },
    });
    return { ...workload, modelName: props.modelName, modelSource, modelBasePath: model.modelBasePath, configData };
  },
  check: (p: PropProblems, spec, props) => {
    checkWorkload(p, spec, props);
    const modelName = spec.modelName;
    if (p.check(typeof modelName === 'string' && TF_MODEL_NAME.test(modelName) && modelName.length <= 253, 'modelName', modelName,
      "must be letters, digits, '_', '-' or '.', starting with a letter or digit (it is a URL path segment and a folder name)")) {
      spec.modelSource._check(p, modelName);
    }
    if (spec.modelSource._needsCustomImage() && typeof spec.server.image === 'string') {
      const parsed = parseImage(spec.server.image);
      p.check(typeof parsed === 'string' || !STOCK_IMAGE_REPOSITORIES.includes(parsed.repository), 'image', spec.server.image,
        'must be a custom image that contains the model, with ModelSource.fromImage(); a stock tensorflow/serving image has none');
    }
    if (props.modelBasePath !== undefined) {
      p.check(/^\/[^\s:]*[^/\s:]$/.test(props.modelBasePath), 'modelBasePath', props.modelBasePath,
        "must be an absolute folder path starting with '/', without a trailing '/'");
      p.check(!spec.modelSource._setsModelBasePath(), 'modelBasePath', props.modelBasePath,
        'conflicts with ModelSource.fromUri, whose URI gives MODEL_BASE_PATH: give one of them');
    }
  },
};

/**
 * A TensorFlow SavedModel served by tensorflow/serving: a ConfigMap with MODEL_NAME and MODEL_BASE_PATH
 * (the two settings the image reads), a Deployment with REST and gRPC ports that is ready once the model
 * is loaded, a NodePort Service on the REST port, and an autoscaler.
 */
export class TfServingApp extends Construct {
  /** The props with every default applied: what the objects are made from. */
  public readonly spec: TfServingAppSpec;
  public readonly name: string;
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

  constructor(scope: Construct, id: string, props: TfServingAppProps) {
    super(scope, id);
    this.spec = resolveChecked(this, TF_SERVING_APP, props);
    this.name = this.spec.name;
    this.modelName = this.spec.modelName;
    this.configMap = new k8s.KubeConfigMap(this, 'config', {
      metadata: { name: this.spec.server.envFromConfigMaps[0], namespace: this.spec.namespace, labels: { ...this.spec.labels } },
      data: { ...this.spec.configData },
    });
    const objects = buildServingWorkload(this, this.spec);
    this.deployment = objects.deployment;
    this.service = objects.service;
    this.autoscaler = objects.autoscaler;
    this.disruptionBudget = objects.disruptionBudget;
    this.serviceAccount = objects.serviceAccount;
  }
}

function hashOf(data: Record<string, string>): string {
  return createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}
