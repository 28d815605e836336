// Objects that route and observe traffic: the canary variant with its split, the Gateway route, the ServiceMonitor.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { HttpRoute, HttpRouteSpecRulesBackendRefs, HttpRouteSpecRulesMatchesPathType } from '../imports/gateway.networking.k8s.io';
import { ServiceMonitor } from '../imports/monitoring.coreos.com';
import { ServingWorkloadSpec } from '../serving-spec';
import { merge } from './merge';
import { registerAppName } from './name-registry';
import { createDeployment, createDisruptionBudget, createIngress, createService, metadata } from './render-workload';

/** The objects of the traffic props; each is undefined without its prop. */
export interface TrafficObjects {
  readonly canaryDeployment?: k8s.KubeDeployment;
  readonly canaryService?: k8s.KubeService;
  readonly canaryIngress?: k8s.KubeIngress;
  readonly canaryDisruptionBudget?: k8s.KubePodDisruptionBudget;
  readonly httpRoute?: HttpRoute;
  readonly serviceMonitor?: ServiceMonitor;
}

export function buildTraffic(scope: Construct, spec: ServingWorkloadSpec): TrafficObjects {
  const canary = spec.canary?.workload;
  if (canary) {
    registerAppName({ construct: scope, constructType: spec.constructType, name: canary.name, namespace: canary.namespace });
  }
  return {
    canaryDeployment: canary ? createDeployment(scope, canary, 'canary-deployment') : undefined,
    canaryService: canary ? createService(scope, canary, 'canary-service') : undefined,
    canaryIngress: canary && spec.ingress ? createCanaryIngress(scope, spec) : undefined,
    canaryDisruptionBudget: canary?.disruptionBudget ? createDisruptionBudget(scope, canary, 'canary-disruption-budget') : undefined,
    httpRoute: spec.gateway ? createHttpRoute(scope, spec) : undefined,
    serviceMonitor: spec.metrics ? createServiceMonitor(scope, spec) : undefined,
  };
}

/**
 * ingress-nginx's canary: a second Ingress for the same host and path, marked as the canary with its weight. The
 * controller sends that share of the requests to the canary's Service, the rest through the main Ingress.
 */
function createCanaryIngress(scope: Construct, spec: ServingWorkloadSpec): k8s.KubeIngress {
  const ingress = spec.ingress!;
  const canary = spec.canary!;
  const annotations = {
    ...ingress.annotations,
    'nginx.ingress.kubernetes.io/canary': 'true',
    'nginx.ingress.kubernetes.io/canary-weight': String(canary.weight),
  };
  return createIngress(scope, canary.workload, { ...ingress, annotations }, 'canary-ingress');
}

/** One route to the app's Service; with a canary, weighted between the two variants' Services. */
function createHttpRoute(scope: Construct, spec: ServingWorkloadSpec): HttpRoute {
  const gateway = spec.gateway!;
  const canary = spec.canary;
  const backend = (name: string, weight?: number): HttpRouteSpecRulesBackendRefs => ({ name, port: spec.service.port, weight });
  const backendRefs = canary
    ? [backend(spec.name, 100 - canary.weight), backend(canary.workload.name, canary.weight)]
    : [backend(spec.name)];
  return new HttpRoute(scope, 'http-route', {
    metadata: metadata(spec),
    spec: {
      parentRefs: [{ name: gateway.parentRef.name, namespace: gateway.parentRef.namespace, sectionName: gateway.parentRef.sectionName }],
      hostnames: gateway.host !== undefined ? [gateway.host] : undefined,
      rules: [{
        matches: [{ path: { type: HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: gateway.path } }],
        backendRefs,
      }],
    },
  });
}

/**
 * Scrapes every Service of the app by its name label: the stable variant's and the canary's, whose instance
 * labels differ.
 */
function createServiceMonitor(scope: Construct, spec: ServingWorkloadSpec): ServiceMonitor {
  const metrics = spec.metrics!;
  const meta = metadata(spec);
  return new ServiceMonitor(scope, 'service-monitor', {
    metadata: { ...meta, labels: merge(metrics.labels, meta.labels) },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': spec.selector['app.kubernetes.io/name'] } },
      endpoints: [{ port: metrics.portName, path: metrics.path, interval: metrics.interval }],
    },
  });
}
