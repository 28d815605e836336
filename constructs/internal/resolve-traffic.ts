// Resolves the traffic props: the canary variant, the Gateway route and the metrics of a serving workload.
import { EnvValue } from '../env-value';
import { isLabelValue } from '../kubernetes-rules/names';
import { ServiceType } from '../serving-props';
import { ResolvedCanary, ResolvedGateway, ServingWorkloadSpec } from '../serving-spec';
import { CanaryProps, GatewayProps, MetricsProps } from '../traffic-props';
import { merge } from './merge';
import { parseImageOnce } from './remembered-rules';
import { resolveResources, serverResourceDefaults } from './resources';

export const DEFAULT_METRICS_PATH = '/metrics';
export const METRICS_PORT_NAME = 'metrics';
const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const VERSION_LABEL = 'app.kubernetes.io/version';

/**
 * The spec with its ServiceMonitor. A port the server or a sidecar (an exporter) declares is scraped by its own name,
 * so no second containerPort repeats the same number; a sidecar's port is added to the Service. Any other port is
 * declared as `metrics` on the server and the Service.
 */
export function withMetrics<S extends ServingWorkloadSpec>(spec: S, props: MetricsProps | undefined, defaultPath = DEFAULT_METRICS_PATH): S {
  const changes = metricsChanges(spec, props, defaultPath);
  return changes === undefined ? spec : merge(spec, changes);
}

/** What `withMetrics` changes in the spec, for a construct that changes more of it in the same copy; undefined without metrics. */
export function metricsChanges(spec: ServingWorkloadSpec, props: MetricsProps | undefined, defaultPath = DEFAULT_METRICS_PATH):
  Pick<ServingWorkloadSpec, 'metrics'> & Partial<Pick<ServingWorkloadSpec, 'server' | 'service'>> | undefined {
  if (props === undefined) {
    return undefined;
  }
  const port = props.port ?? spec.server.ports[0].containerPort;
  const declared = spec.server.ports.find(p => p.containerPort === port);
  const metrics = { path: props.path ?? defaultPath, port, interval: props.interval, labels: props.labels ?? {} };
  if (declared) {
    return { metrics: merge(metrics, { portName: declared.name }) };
  }
  const exporter = spec.sidecars.flatMap(c => c.ports).find(p => p.containerPort === port);
  if (exporter) {
    return {
      service: merge(spec.service, { additionalPorts: [...spec.service.additionalPorts ?? [], { name: exporter.name, port }] }),
      metrics: merge(metrics, { portName: exporter.name }),
    };
  }
  return {
    server: { ...spec.server, ports: [...spec.server.ports, { name: METRICS_PORT_NAME, containerPort: port }] },
    service: merge(spec.service, { additionalPorts: [...spec.service.additionalPorts ?? [], { name: METRICS_PORT_NAME, port }] }),
    metrics: merge(metrics, { portName: METRICS_PORT_NAME }),
  };
}

export function resolveGateway(props: GatewayProps | undefined): ResolvedGateway | undefined {
  if (props === undefined) {
    return undefined;
  }
  const ref = props.parentRef ?? {};
  return { parentRef: { name: ref.name, namespace: ref.namespace, sectionName: ref.sectionName }, host: props.host, path: props.path ?? '/' };
}

/**
 * The canary variant: the stable workload with the canary's image and overrides, under the name `<name>-canary`.
 * Its pods carry the instance label `<name>-canary`, so the stable selector (name and instance `<name>`, which
 * never changes) does not select them, and each variant's Service selects only its own pods.
 */
export function resolveCanary(stable: ServingWorkloadSpec, props: CanaryProps | undefined, defaultMemoryLimit: string): ResolvedCanary | undefined {
  if (props === undefined) {
    return undefined;
  }
  const name = `${stable.name}-canary`;
  const parsed = typeof props.image === 'string' ? parseImageOnce(props.image) : undefined;
  const tag = parsed !== undefined && typeof parsed !== 'string' ? parsed.tag : undefined;
  const labels: { [key: string]: string } = { ...stable.labels, [INSTANCE_LABEL]: name };
  delete labels[VERSION_LABEL];
  if (tag !== undefined && isLabelValue(tag)) {
    labels[VERSION_LABEL] = tag;
  }
  const env: { [name: string]: EnvValue } = { ...stable.server.env };
  for (const [key, value] of Object.entries(props.env ?? {})) {
    env[key] = typeof value === 'string' ? EnvValue.fromValue(value) : value;
  }
  const replicas = props.replicas ?? 1;
  const ownAnnotations = { ...stable.ownAnnotations };
  return {
    weight: props.weight,
    workload: {
      ...stable,
      name,
      labels,
      selector: { ...stable.selector, [INSTANCE_LABEL]: name },
      server: {
        ...stable.server,
        propPrefix: 'canary.',
        image: props.image,
        args: props.args ?? stable.server.args,
        env,
        resources: props.resources ? resolveResources(props.resources, serverResourceDefaults(defaultMemoryLimit)) : stable.server.resources,
      },
      replicas,
      autoscaling: undefined,
      disruptionBudget: replicas > 1,
      topologySpread: replicas > 1 ? stable.topologySpread : undefined,
      // Only the router reaches the canary: its Service is internal, whatever the stable one is.
      service: {
        ...stable.service,
        type: ServiceType.CLUSTER_IP,
        nodePort: undefined,
        annotations: {},
        additionalPorts: stable.service.additionalPorts?.map(p => ({ name: p.name, port: p.port })),
      },
      // The canary runs as the stable variant's ServiceAccount, which the stable variant creates.
      serviceAccount: { ...stable.serviceAccount, create: undefined },
      ownAnnotations,
      ingress: undefined,
      gateway: undefined,
      canary: undefined,
    },
  };
}

/** The traffic props a ModelServingApp takes: metrics first, so the canary declares the metrics port too. */
export interface TrafficProps {
  readonly metrics?: MetricsProps;
  readonly gateway?: GatewayProps;
  readonly canary?: CanaryProps;
}

export function withTraffic<S extends ServingWorkloadSpec>(spec: S, props: TrafficProps, defaultMemoryLimit: string): S {
  const gateway = resolveGateway(props.gateway);
  if (props.canary === undefined) {
    // One copy of the spec, with the same keys in the same order as the two below.
    return merge(spec, merge(metricsChanges(spec, props.metrics), { gateway, canary: undefined }));
  }
  const measured = merge(withMetrics(spec, props.metrics), { gateway });
  return merge(measured, { canary: resolveCanary(measured, props.canary, defaultMemoryLimit) });
}
