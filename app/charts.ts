// The four reference deployments, one chart each, for any environment.
import { App, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { IngressPathType, ModelServingApp, ModelSource, ServiceType, TfServingApp } from '../constructs';
import { imageWithVersion } from '../constructs/kubernetes-rules';
import { ExampleEnvironment } from './environments';
import { ExampleSettings } from './settings';

/** What every app chart of one environment gets. */
export interface ExampleChartProps extends ChartProps {
  readonly environment: ExampleEnvironment;
  readonly settings: ExampleSettings;
}

/**
 * The environment's namespace. Every app chart depends on it, so its file sorts first and one
 * `kubectl apply -f dist/<env>` succeeds on an empty cluster.
 */
export class NamespaceChart extends Chart {
  public readonly namespaceObject: k8s.KubeNamespace;

  constructor(scope: Construct, id: string, environment: ExampleEnvironment) {
    super(scope, id);
    // The local environment's TF Serving model is a hostPath volume, which 'restricted' (and 'baseline') refuse at
    // admission; there the namespace only warns, and every other pod still passes 'restricted'.
    const admission: Record<string, string> = environment.local
      ? { 'pod-security.kubernetes.io/enforce': 'privileged', 'pod-security.kubernetes.io/warn': 'restricted' }
      : { 'pod-security.kubernetes.io/enforce': 'restricted' };
    this.namespaceObject = new k8s.KubeNamespace(this, 'namespace', {
      metadata: { name: environment.namespace, labels: { ...admission, 'pod-security.kubernetes.io/enforce-version': 'latest' } },
    });
  }
}

/** A Flask/gunicorn API on GKE, behind a GCE Ingress; its image is the one CI builds (IMAGE_TAG). */
export class PurchasePredictChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps) {
    super(scope, id, { ...props, namespace: props.environment.namespace });
    const { environment, settings } = props;
    new ModelServingApp(this, 'purchase-predict', {
      image: imageWithVersion(`gcr.io/${settings.gcpProject}/purchase-predict-api`, settings.imageTag),
      port: 80,
      replicas: environment.apiReplicas,
      env: {
        ENV: environment.name,
        MLFLOW_SERVER: 'http://mlflow.mlflow.svc.cluster.local:5000',
        MLFLOW_REGISTRY_NAME: 'purchase_predict',
        PORT: '80',
      },
      resources: { cpu: { request: '0.5', limit: '1' }, memory: { request: '0.5G', limit: '1G' } },
      probes: { readiness: '/' },
      service: { type: ServiceType.NODE_PORT, port: 80 },
      // GKE's Ingress controller reads the class from this annotation, not from ingressClassName.
      ingress: { annotations: { 'kubernetes.io/ingress.class': 'gce' }, path: '/', pathType: IngressPathType.PREFIX },
    });
  }
}

/** A FastAPI app behind ingress-nginx. */
export class JokemeterChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps) {
    super(scope, id, { ...props, namespace: props.environment.namespace });
    new ModelServingApp(this, 'jokemeter', {
      image: 'peterwolf/jokemeter:lr',
      port: 80,
      replicas: props.environment.apiReplicas,
      probes: { startup: '/api/v1/startup', readiness: '/api/v1/ready', liveness: '/api/v1/health' },
      ingress: { className: 'nginx', host: props.environment.jokemeterHost, path: '/api/v1', pathType: IngressPathType.PREFIX },
      rollingUpdate: { maxSurge: 1, maxUnavailable: '33%' },
      revisionHistoryLimit: 5,
    });
  }
}

/**
 * TF Serving's half_plus_two demo model, autoscaled on CPU; tiny requests make the autoscaler react in a demo.
 * Clusters read it from a claim; a local cluster from a folder on the node.
 */
export class HalfPlusTwoChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps) {
    super(scope, id, { ...props, namespace: props.environment.namespace });
    const { min, max } = props.environment.modelReplicas;
    new TfServingApp(this, 'half-plus-two', {
      modelName: 'half_plus_two',
      modelSource: props.environment.local
        ? ModelSource.fromHostPath('/models/half_plus_two') // kind: extraMounts; minikube: `minikube mount ./models:/models`
        : ModelSource.fromClaim('half-plus-two-model'),
      service: { type: ServiceType.NODE_PORT, nodePort: 30001 },
      ...(min === max ? { replicas: min } : { autoscaling: { minReplicas: min, maxReplicas: max, cpuUtilization: 20 } }),
      resources: { cpu: { request: '5m' }, memory: { request: '32M' } },
    });
  }
}

/** A BentoML service behind a cloud load balancer. */
export class CelestialBodiesClassifierChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps) {
    super(scope, id, { ...props, namespace: props.environment.namespace });
    new ModelServingApp(this, 'celestial-bodies-classifier', {
      image: `${props.settings.classifierRegistry}/celestial-bodies-classifier:${props.settings.classifierTag}`,
      port: 3000,
      replicas: props.environment.apiReplicas,
      probes: { readiness: '/readyz', liveness: '/livez' },
      service: { type: ServiceType.LOAD_BALANCER, port: 80 },
    });
  }
}

/** Builds one environment's charts into `app`, whose outdir is that environment's folder. */
export function buildEnvironment(app: App, environment: ExampleEnvironment, settings: ExampleSettings): App {
  const namespace = new NamespaceChart(app, 'namespace', environment);
  const props = { environment, settings };
  const charts: Chart[] = environment.local
    // Only public images: the purchase-predict and classifier images live in private registries.
    ? [new JokemeterChart(app, 'jokemeter', props), new HalfPlusTwoChart(app, 'half-plus-two', props)]
    : [
      new PurchasePredictChart(app, 'purchase-predict', props),
      new JokemeterChart(app, 'jokemeter', props),
      new HalfPlusTwoChart(app, 'half-plus-two', props),
      new CelestialBodiesClassifierChart(app, 'celestial-bodies-classifier', props),
    ];
  charts.forEach(chart => chart.addDependency(namespace));
  return app;
}
