import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { appIdentity, mayRunSeveralReplicas } from './internal/identity';
import { registerAppName } from './internal/name-registry';
import {
  createAutoscaler, createDeployment, createDisruptionBudget, createIngress, createService, servicePort,
} from './internal/objects';
import { PropProblems } from './internal/problems';
import * as validate from './internal/validate-props';
import {
  AutoscalingProps, IngressProps, ProbesProps, ResourcesProps, ServiceProps, ServiceType, ServingWorkloadProps,
} from './serving-props';

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

  constructor(scope: Construct, id: string, props: ModelServingAppProps) {
    super(scope, id);
    props = props ?? {}; // JavaScript callers may pass nothing; the checks below then name what is missing.
    this.name = props.name ?? id;
    this.port = props.port ?? 8080;
    checkProps(this, this.name, props);

    const identity = appIdentity(this.name, props.namespace, props.image, props.component ?? 'model-server', props.partOf);
    registerAppName({ construct: this, constructType: 'ModelServingApp', name: this.name, namespace: props.namespace });

    this.deployment = createDeployment(this, identity, {
      image: props.image,
      ports: [{ name: 'http', containerPort: this.port }],
      env: Object.entries(props.env ?? {}).map(([name, value]) => ({ name, value })),
      resources: props.resources,
      defaultMemoryLimit: '512Mi',
      probes: props.probes,
      security: props.security,
    }, {
      replicas: props.autoscaling ? undefined : (props.replicas ?? 1),
      rollingUpdate: props.rollingUpdate,
      revisionHistoryLimit: props.revisionHistoryLimit,
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

function checkProps(scope: Construct, name: string, props: ModelServingAppProps): void {
  const p = new PropProblems('ModelServingApp', scope);
  validate.checkWorkloadProps(p, name, props);
  validate.checkImage(p, 'image', props.image);
  validate.checkPort(p, 'port', props.port);
  validate.checkEnv(p, props.env);
  validate.checkProbes(p, props.probes);
  validate.checkIngress(p, props.ingress);
  validate.checkLabelValue(p, 'component', props.component);
  validate.checkLabelValue(p, 'partOf', props.partOf);
  p.throwIfAny();
}
