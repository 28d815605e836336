import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { checkWorkload } from './internal/check-workload';
import { Pipeline, resolveChecked } from './internal/pipeline';
import { PropProblems } from './internal/problems';
import { AUTOSCALING, INGRESS, RESOURCES, SERVICE, WORKLOAD_FIELDS } from './internal/prop-shapes';
import { buildServingWorkload } from './internal/render-workload';
import { resolveWorkload } from './internal/resolve-workload';
import { number, object, string } from './internal/shape';
import { checkLabelValue, checkPort } from './internal/validate-props';
import { AutoscalingProps, IngressProps, ResourcesProps, ServiceProps, ServiceType, ServingWorkloadProps } from './serving-props';
import { ServingWorkloadSpec } from './serving-spec';

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
}

export const DEFAULT_MODEL_SERVING_PORT = 8080;

const MODEL_SERVING_APP: Pipeline<ModelServingAppProps, ServingWorkloadSpec> = {
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
  }),
  resolve: (props, id) => resolveWorkload(props, {
    constructType: 'ModelServingApp',
    name: props.name ?? id,
    image: props.image,
    component: props.component ?? 'model-server',
    partOf: props.partOf,
    ports: [{ name: 'http', containerPort: props.port ?? DEFAULT_MODEL_SERVING_PORT }],
    defaultMemoryLimit: '512Mi',
    // A TCP check: a server that accepts connections gets traffic, and `check --strict` passes by default.
    defaultReadiness: {},
    resources: props.resources,
    replicas: props.replicas,
    autoscaling: props.autoscaling,
    service: props.service,
    defaultServiceType: ServiceType.CLUSTER_IP,
    defaultServicePort: 80,
    ingress: props.ingress,
  }),
  check: (p: PropProblems, spec, props) => {
    checkWorkload(p, spec, props);
    checkPort(p, 'port', props.port);
    checkLabelValue(p, 'component', props.component);
    checkLabelValue(p, 'partOf', props.partOf);
  },
};

/**
 * A model API behind a Service: a Deployment, a Service, and optionally an Ingress, a HorizontalPodAutoscaler,
 * a PodDisruptionBudget and a ServiceAccount, hardened to the Pod Security Standards 'restricted' profile.
 */
export class ModelServingApp extends Construct {
  /** The props with every default applied: what the objects are made from. */
  public readonly spec: ServingWorkloadSpec;
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

  constructor(scope: Construct, id: string, props: ModelServingAppProps) {
    super(scope, id);
    this.spec = resolveChecked(this, MODEL_SERVING_APP, props);
    this.name = this.spec.name;
    this.port = this.spec.server.ports[0].containerPort;
    const objects = buildServingWorkload(this, this.spec);
    this.deployment = objects.deployment;
    this.service = objects.service;
    this.ingress = objects.ingress;
    this.autoscaler = objects.autoscaler;
    this.disruptionBudget = objects.disruptionBudget;
    this.serviceAccount = objects.serviceAccount;
  }
}
