// The shape of every props interface, for run-time checks. `Fields<T>` makes the compiler refuse a description
// that misses a prop of its interface or names one it does not have, so they cannot drift apart.
import { k8s } from 'cdk8s-plus-28';

import { AdditionalContainerProps, ContainerPort } from '../container-props';
import { EnvValue } from '../env-value';
import { Mount } from '../mount';
import { ProbeOptions, ProbesProps } from '../probe-props';
import { AutomountTokenOptIn, ServiceAccountProps } from '../service-account-props';
import {
  AutoscalingProps, GpuProps, IngressProps, ResourceRange, ResourcesProps, RollingUpdateProps, SecurityOptOut, SecurityProps, ServiceProps,
  ServingWorkloadProps,
} from '../serving-props';
import { TopologySpreadProps } from '../topology-spread-props';
import { CanaryProps, GatewayParentRef, GatewayProps, MetricsProps } from '../traffic-props';
import {
  anyObject, anything, arrayOf, boolean, either, Fields, instanceOf, number, numberOrString, object, recordOf, string, stringMap,
} from './shape';

const strings = arrayOf(string);
const isString = (v: unknown) => typeof v === 'string';
const isObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

const range = object<ResourceRange>({ request: string, limit: string });
const gpu = object<GpuProps>({ count: number, resource: string });
export const RESOURCES = object<ResourcesProps>({ cpu: range, memory: range, gpu, ephemeralStorage: range });

const probeOptions = object<ProbeOptions>({
  path: string, initialDelaySeconds: number, periodSeconds: number, timeoutSeconds: number, failureThreshold: number, successThreshold: number,
});
const probe = either('a path string or probe options', { accepts: isString, check: string }, { accepts: isObject, check: probeOptions });
const probes = object<ProbesProps>({ startup: probe, readiness: probe, liveness: probe });

const env = recordOf(either('a string or an EnvValue',
  { accepts: isString, check: string },
  { accepts: v => v instanceof EnvValue, check: anything }));
const mounts = recordOf(instanceOf(Mount, 'a Mount (Mount.secret, Mount.configMap, Mount.claim, Mount.memory or Mount.emptyDir)'));

const port = object<ContainerPort>({ name: string, containerPort: number });
const additionalContainer = object<AdditionalContainerProps>({
  name: string, image: string, command: strings, args: strings, env, resources: RESOURCES, mounts, ports: arrayOf(port), probes,
});

const toleration = object<k8s.Toleration>({ key: string, operator: string, value: string, effect: string, tolerationSeconds: number });
const affinity = object<k8s.Affinity>({ nodeAffinity: anyObject, podAffinity: anyObject, podAntiAffinity: anyObject });
const topologySpread = either('a boolean or topology spread options',
  { accepts: v => typeof v === 'boolean', check: boolean },
  { accepts: isObject, check: object<TopologySpreadProps>({ topologyKey: string, maxSkew: number, whenUnsatisfiable: string }) });

const optOut = object<SecurityOptOut>({ reason: string });
const security = object<SecurityProps>({
  runAsUser: number, runAsGroup: number, readOnlyRootFilesystem: boolean, writablePaths: strings, runAsRoot: optOut,
});

export const SERVICE = object<ServiceProps>({ type: string, port: number, nodePort: number, annotations: stringMap });
export const INGRESS = object<IngressProps>({
  host: string, path: string, pathType: string, className: string, annotations: stringMap, tlsSecretName: string,
});
export const AUTOSCALING = object<AutoscalingProps>({ minReplicas: number, maxReplicas: number, cpuUtilization: number, memoryUtilization: number });

/** The shared props, for the constructs' own descriptions to spread. */
export const WORKLOAD_FIELDS: Fields<ServingWorkloadProps> = {
  name: string,
  namespace: string,
  env,
  envFromSecrets: strings,
  envFromConfigMaps: strings,
  mounts,
  probes,
  command: strings,
  args: strings,
  rollingUpdate: object<RollingUpdateProps>({ maxSurge: numberOrString, maxUnavailable: numberOrString }),
  revisionHistoryLimit: number,
  security,
  disruptionBudget: boolean,
  minReadySeconds: number,
  progressDeadlineSeconds: number,
  changeCause: string,
  serviceAccountName: string,
  serviceAccount: object<ServiceAccountProps>({ annotations: stringMap, labels: stringMap }),
  automountServiceAccountToken: object<AutomountTokenOptIn>({ reason: string }),
  imagePullSecrets: strings,
  nodeSelector: stringMap,
  tolerations: arrayOf(toleration),
  affinity,
  priorityClassName: string,
  topologySpread,
  podLabels: stringMap,
  podAnnotations: stringMap,
  annotations: stringMap,
  initContainers: arrayOf(additionalContainer),
  sidecars: arrayOf(additionalContainer),
  metrics: object<MetricsProps>({ path: string, port: number, interval: string, labels: stringMap }),
};

export const CANARY = object<CanaryProps>({ image: string, weight: number, env, args: strings, resources: RESOURCES, replicas: number });
export const GATEWAY = object<GatewayProps>({
  parentRef: object<GatewayParentRef>({ name: string, namespace: string, sectionName: string }), host: string, path: string,
});

