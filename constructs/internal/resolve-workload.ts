// Resolves the props every serving construct shares into one ServingWorkloadSpec, with every default applied.
import { AdditionalContainerProps, ContainerPort } from '../container-props';
import { EnvValue } from '../env-value';
import { waiverAnnotation } from '../kubernetes-rules';
import { Mount } from '../mount';
import { ProbeOptions } from '../probe-props';
import {
  AutoscalingProps, IngressPathType, IngressProps, ResourcesProps, ServiceProps, ServiceType, ServingWorkloadProps,
} from '../serving-props';
import { ResolvedAutoscaling, ResolvedContainer, ResolvedSecurity, ResolvedTopologySpread, ServingWorkloadSpec } from '../serving-spec';
import { WhenUnsatisfiable } from '../topology-spread-props';
import { ConstructMount } from './construct-mount';
import { NO_ENTRIES, NO_ITEMS } from './empty';
import { appIdentity } from './identity';
import { combined } from './merge';
import { resolveAdditionalContainer, resolveContainer } from './resolve-container';
import { serverResourceDefaults } from './resources';
import { DEFAULT_UID, DEFAULT_WRITABLE_PATHS } from './security';

export const DEFAULT_CPU_UTILIZATION = 80;

/** What a construct decides for the shared build: its own defaults and the objects only it knows of. */
export interface WorkloadDefaults {
  readonly constructType: string;
  readonly name: string;
  readonly image: string;
  readonly component: string;
  readonly partOf?: string;
  /** The server's ports; the first is the one the probes check and the Service targets. */
  readonly ports: ContainerPort[];
  readonly defaultMemoryLimit: string;
  readonly defaultReadiness: ProbeOptions;
  readonly resources?: ResourcesProps;
  /** The fixed replica count, or undefined with `autoscaling`. */
  readonly replicas?: number;
  readonly autoscaling?: AutoscalingProps;
  readonly service?: ServiceProps;
  readonly defaultServiceType: ServiceType;
  readonly defaultServicePort: number;
  readonly ingress?: IngressProps;
  /** Variables of the server the construct sets (say, where the model is); the user's `env` may not name them. */
  readonly ownEnv?: { readonly [name: string]: EnvValue };
  readonly reservedEnv?: string[];
  readonly ownEnvFromConfigMaps?: string[];
  readonly ownMounts?: { [path: string]: Mount };
  /**
   * Init containers of the construct (a model download, say), before the user's; hardened and checked like them.
   * `propPrefix` names the prop their problems come from, e.g. `'modelSource downloader '`.
   */
  readonly ownInitContainers?: Array<{ readonly container: AdditionalContainerProps; readonly propPrefix: string }>;
  readonly ownAnnotations?: { [key: string]: string };
  readonly ownPodAnnotations?: { [key: string]: string };
}

export function resolveWorkload(props: ServingWorkloadProps, d: WorkloadDefaults): ServingWorkloadSpec {
  const identity = appIdentity(d.name, props.namespace, d.image, d.component, d.partOf);
  const security = resolveSecurity(props);
  const writableMounts = writableMountsOf(security.writablePaths);
  const autoscaling = resolveAutoscaling(d.autoscaling);
  const maySpread = autoscaling ? autoscaling.maxReplicas > 1 : (d.replicas ?? 1) > 1;
  const serviceAccountName = props.serviceAccountName ?? (props.serviceAccount ? d.name : undefined);
  const server = resolveContainer(props, {
    name: d.name,
    image: d.image,
    propPrefix: '',
    ports: d.ports,
    resources: serverResourceDefaults(d.defaultMemoryLimit),
    readiness: d.defaultReadiness,
    probed: 'server',
    ownMounts: d.ownMounts,
    writableMounts,
    ownEnv: d.ownEnv,
    reservedEnv: d.reservedEnv,
    ownEnvFromConfigMaps: d.ownEnvFromConfigMaps,
  });
  const sidecars = (props.sidecars ?? NO_ITEMS).map((c, i) => resolveAdditionalContainer(c, `sidecars[${i}].`, 'sidecar', writableMounts));
  return {
    constructType: d.constructType,
    name: d.name,
    namespace: props.namespace,
    labels: identity.labels,
    selector: identity.selector,
    server,
    initContainers: d.ownInitContainers || props.initContainers ? [
      ...(d.ownInitContainers ?? NO_ITEMS).map(c => resolveAdditionalContainer(c.container, c.propPrefix, 'init', writableMounts)),
      ...(props.initContainers ?? NO_ITEMS).map((c, i) => resolveAdditionalContainer(c, `initContainers[${i}].`, 'init', writableMounts)),
    ] : NO_ITEMS,
    sidecars,
    replicas: autoscaling ? undefined : (d.replicas ?? 1),
    autoscaling,
    rollingUpdate: props.rollingUpdate,
    revisionHistoryLimit: props.revisionHistoryLimit,
    minReadySeconds: props.minReadySeconds,
    progressDeadlineSeconds: props.progressDeadlineSeconds,
    changeCause: props.changeCause,
    service: {
      // A node port without a type can only mean a NodePort Service.
      type: d.service?.type ?? (d.service?.nodePort !== undefined && d.defaultServiceType === ServiceType.CLUSTER_IP
        ? ServiceType.NODE_PORT : d.defaultServiceType),
      port: d.service?.port ?? d.defaultServicePort,
      nodePort: d.service?.nodePort,
      annotations: d.service?.annotations ?? NO_ENTRIES,
    },
    ingress: d.ingress ? {
      host: d.ingress.host,
      path: d.ingress.path ?? '/',
      pathType: d.ingress.pathType ?? IngressPathType.PREFIX,
      className: d.ingress.className,
      annotations: d.ingress.annotations ?? NO_ENTRIES,
      tlsSecretName: d.ingress.tlsSecretName,
    } : undefined,
    disruptionBudget: props.disruptionBudget ?? maySpread,
    security,
    serviceAccount: {
      name: serviceAccountName,
      create: props.serviceAccount && props.serviceAccountName === undefined ? {
        annotations: props.serviceAccount.annotations ?? NO_ENTRIES,
        labels: props.serviceAccount.labels ?? NO_ENTRIES,
      } : undefined,
      automountToken: props.automountServiceAccountToken?.reason,
    },
    imagePullSecrets: props.imagePullSecrets ?? NO_ITEMS,
    nodeSelector: props.nodeSelector ?? NO_ENTRIES,
    tolerations: props.tolerations ?? NO_ITEMS,
    affinity: props.affinity,
    priorityClassName: props.priorityClassName,
    topologySpread: resolveTopologySpread(props.topologySpread, maySpread),
    annotations: props.annotations ?? NO_ENTRIES,
    ownAnnotations: combined(combined(d.ownAnnotations, unprobedSidecarWaivers(sidecars)),
      props.changeCause !== undefined ? { 'kubernetes.io/change-cause': props.changeCause } : undefined),
    podLabels: props.podLabels ?? NO_ENTRIES,
    podAnnotations: props.podAnnotations ?? NO_ENTRIES,
    ownPodAnnotations: d.ownPodAnnotations ?? NO_ENTRIES,
  };
}

/** A sidecar without a port (a log shipper, say) has nothing to probe; the Deployment says so to the checker. */
function unprobedSidecarWaivers(sidecars: ResolvedContainer[]): { [key: string]: string } {
  const unprobed = sidecars.filter(c => Object.keys(c.probes).length === 0).map(c => `'${c.name}'`);
  if (unprobed.length === 0) {
    return {};
  }
  const reason = `sidecar ${unprobed.join(', ')} listens on no port, so there is nothing to probe`;
  return { [waiverAnnotation('probes/readiness')]: reason, [waiverAnnotation('probes/liveness')]: reason };
}

function resolveSecurity(props: ServingWorkloadProps): ResolvedSecurity {
  const security = props.security;
  const root = security?.runAsRoot !== undefined;
  const readOnlyRootFilesystem = security?.readOnlyRootFilesystem ?? true;
  const paths = security?.writablePaths ?? DEFAULT_WRITABLE_PATHS;
  return {
    runAsRoot: security?.runAsRoot?.reason,
    runAsUser: root ? 0 : (security?.runAsUser ?? DEFAULT_UID),
    runAsGroup: root ? 0 : (security?.runAsGroup ?? DEFAULT_UID),
    readOnlyRootFilesystem,
    // Python, gunicorn and most servers write temporary files: a read-only root without /tmp fails at run time.
    writablePaths: readOnlyRootFilesystem && !paths.includes('/tmp') ? ['/tmp', ...paths] : paths,
  };
}

/** An emptyDir per writable path, shared by every container of the pod. */
function writableMountsOf(paths: readonly string[]): { [path: string]: Mount } {
  const mounts: { [path: string]: Mount } = {};
  paths.forEach((path, i) => {
    mounts[path] = new ConstructMount(path === '/tmp' ? 'tmp' : `writable-${i}`, { emptyDir: {} }, false);
  });
  return mounts;
}

function resolveAutoscaling(props: AutoscalingProps | undefined): ResolvedAutoscaling | undefined {
  if (!props) {
    return undefined;
  }
  return {
    minReplicas: props.minReplicas ?? 1,
    maxReplicas: props.maxReplicas,
    cpuUtilization: props.cpuUtilization ?? (props.memoryUtilization === undefined ? DEFAULT_CPU_UTILIZATION : undefined),
    memoryUtilization: props.memoryUtilization,
  };
}

function resolveTopologySpread(props: ServingWorkloadProps['topologySpread'], maySpread: boolean): ResolvedTopologySpread | undefined {
  if (props === false || (props === undefined && !maySpread)) {
    return undefined;
  }
  const options = typeof props === 'object' ? props : {};
  return {
    topologyKey: options.topologyKey ?? 'kubernetes.io/hostname',
    maxSkew: options.maxSkew ?? 1,
    whenUnsatisfiable: options.whenUnsatisfiable ?? WhenUnsatisfiable.SCHEDULE_ANYWAY,
  };
}
