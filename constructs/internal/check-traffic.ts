// Checks of the resolved traffic props: the canary variant, the Gateway route and the metrics.
import * as rules from '../kubernetes-rules';
import { ServingWorkloadSpec } from '../serving-spec';
import { CanaryProps } from '../traffic-props';
import { checkContainer } from './check-container';
import { PropProblems } from './problems';
import * as v from './validate-props';

/** The Prometheus Operator's duration grammar (`30s`, `1m30s`), as its CRD declares it. */
const PROMETHEUS_DURATION = /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

export function checkTraffic(p: PropProblems, spec: ServingWorkloadSpec, canary: CanaryProps | undefined): void {
  checkMetrics(p, spec);
  checkGateway(p, spec);
  checkCanary(p, spec, canary);
}

function checkMetrics(p: PropProblems, spec: ServingWorkloadSpec): void {
  const metrics = spec.metrics;
  if (!metrics) {
    return;
  }
  v.checkHttpPath(p, 'metrics.path', metrics.path);
  v.checkPort(p, 'metrics.port', metrics.port);
  if (metrics.interval !== undefined) {
    p.check(metrics.interval !== '' && PROMETHEUS_DURATION.test(metrics.interval), 'metrics.interval', metrics.interval,
      "must be a Prometheus duration such as '30s' or '1m30s'");
  }
  v.checkLabels(p, 'metrics.labels', metrics.labels);
}

function checkGateway(p: PropProblems, spec: ServingWorkloadSpec): void {
  const gateway = spec.gateway;
  if (!gateway) {
    return;
  }
  if (p.check(typeof gateway.parentRef.name === 'string', 'gateway.parentRef.name', gateway.parentRef.name, "is required: the Gateway's name")) {
    v.checkObjectName(p, 'gateway.parentRef.name', gateway.parentRef.name);
  }
  if (gateway.parentRef.namespace !== undefined) {
    p.check(rules.isDns1123Label(gateway.parentRef.namespace), 'gateway.parentRef.namespace', gateway.parentRef.namespace, 'must be a DNS-1123 label');
  }
  if (gateway.parentRef.sectionName !== undefined) {
    p.check(rules.isDns1123Subdomain(gateway.parentRef.sectionName), 'gateway.parentRef.sectionName', gateway.parentRef.sectionName,
      "must be a listener's name (a DNS-1123 subdomain)");
  }
  if (gateway.host !== undefined) {
    p.check(rules.isIngressHost(gateway.host), 'gateway.host', gateway.host,
      "must be a DNS name such as 'models.example.com' (optionally starting with '*.'), not an IP address or a URL");
  }
  v.checkHttpPath(p, 'gateway.path', gateway.path);
}

function checkCanary(p: PropProblems, spec: ServingWorkloadSpec, given: CanaryProps | undefined): void {
  const canary = spec.canary;
  if (!canary || !given) {
    return;
  }
  p.check(Number.isInteger(canary.weight) && canary.weight >= 0 && canary.weight <= 100, 'canary.weight', canary.weight,
    'must be an integer percentage within 0-100');
  v.checkPositiveInteger(p, 'canary.replicas', given.replicas);
  const server = canary.workload.server;
  // Only what the canary itself sets: the stable variant's settings are checked as the stable variant's.
  const givenEnv = Object.fromEntries(Object.keys(given.env ?? {}).map(name => [name, server.env[name]]));
  checkContainer(p, { ...server, env: givenEnv, envFromSecrets: [], envFromConfigMaps: [], mounts: {}, probes: {} }, { env: given.env });
  if (!spec.ingress && !spec.gateway) {
    p.add('canary needs ingress or gateway: the canary\'s share of the traffic is split by the ingress-nginx Ingress or the Gateway route');
  }
  // Another controller would serve the canary's Ingress as a second, unweighted route to the canary.
  const className = spec.ingress?.className ?? spec.ingress?.annotations['kubernetes.io/ingress.class'];
  if (className !== undefined) {
    p.check(className.includes('nginx'), 'ingress.className', className,
      'must be an ingress-nginx class with canary: the split uses its nginx.ingress.kubernetes.io/canary annotations (or use gateway)');
  }
  p.check(canary.workload.name.length <= rules.DNS_LABEL_MAX, 'name', spec.name,
    `must leave room for '-canary': the canary's name '${canary.workload.name}' is longer than ${rules.DNS_LABEL_MAX} characters`);
}
