// How traffic reaches a model server besides its Service: a canary variant, a Gateway API route, and Prometheus scraping.
import { EnvValue } from './env-value';
import { ResourcesProps } from './serving-props';

/**
 * A second variant of the model server that gets `weight` percent of the traffic through the Ingress (ingress-nginx
 * canary annotations) or the Gateway route. It runs as Deployment and Service `<name>-canary`, with the stable
 * variant's settings except those given here.
 */
export interface CanaryProps {
  /** The canary's image; must carry a tag or a digest, and not `:latest`. */
  readonly image: string;
  /** Percent of the requests the canary gets, 0 to 100; the stable variant gets the rest. */
  readonly weight: number;
  /** Variables of the canary, merged over the stable variant's. @default - the stable variant's */
  readonly env?: { [name: string]: string | EnvValue };
  /** The canary's arguments, replacing the stable variant's. @default - the stable variant's */
  readonly args?: string[];
  /** The canary's requests and limits. @default - the stable variant's */
  readonly resources?: ResourcesProps;
  /** The canary's fixed replica count; it is never autoscaled. @default 1 */
  readonly replicas?: number;
}

/** The Gateway an HTTPRoute attaches to (`spec.parentRefs[0]`). */
export interface GatewayParentRef {
  readonly name: string;
  /** Needed when the Gateway is in another namespace, whose listener must then allow routes from this one. @default - the app's namespace */
  readonly namespace?: string;
  /** A listener of the Gateway, by name. @default - every listener that accepts the route */
  readonly sectionName?: string;
}

/** A Gateway API HTTPRoute (`gateway.networking.k8s.io/v1`) to the app's Service, in place of or beside an Ingress. */
export interface GatewayProps {
  readonly parentRef: GatewayParentRef;
  /** The host the route matches. @default - every host the Gateway's listener accepts */
  readonly host?: string;
  /** A path prefix the route matches. @default '/' */
  readonly path?: string;
}

/** A Prometheus Operator ServiceMonitor (`monitoring.coreos.com/v1`) that scrapes the server. */
export interface MetricsProps {
  /** @default '/metrics' (TfServingApp with `monitoring`: '/monitoring/prometheus/metrics') */
  readonly path?: string;
  /**
   * The container port that serves the metrics. A sidecar's port (an exporter) is scraped by the sidecar's name for
   * it and added to the Service; any other port than the server's is declared as the named port `metrics` on the
   * server and added to the Service.
   * @default - the server port
   */
  readonly port?: number;
  /** How often Prometheus scrapes, e.g. `'30s'`. @default - the Prometheus' own scrape interval */
  readonly interval?: string;
  /** Labels of the ServiceMonitor, for a Prometheus that selects monitors by label (kube-prometheus-stack: `release`). @default - none */
  readonly labels?: { [key: string]: string };
}
