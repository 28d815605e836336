// The four reference deployments, one chart each, for any environment.
import { App, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { ArgoCdApplication, IngressPathType, ModelServingApp, ModelSource, ServiceType, TfServingApp } from '../constructs';
import { imageWithVersion } from '../constructs/kubernetes-rules';
import { ExampleEnvironment, PRODUCTION } from './environments';
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
    this.namespaceObject = new k8s.KubeNamespace(this, 'namespace', {
      metadata: {
        name: environment.namespace,
        labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' },
      },
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
      changeCause: settings.changeCause,
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

/** A FastAPI app behind ingress-nginx: the logistic-regression model, with the transformer one as a 10% canary. */
export class JokemeterChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps) {
    super(scope, id, { ...props, namespace: props.environment.namespace });
    // The reference deployment's probe timings.
    const steady = { initialDelaySeconds: 1, periodSeconds: 10, failureThreshold: 2 };
    new ModelServingApp(this, 'jokemeter', {
      image: 'peterwolf/jokemeter:lr',
      port: 80,
      replicas: props.environment.apiReplicas,
      probes: {
        startup: '/api/v1/startup',
        readiness: { path: '/api/v1/ready', ...steady },
        liveness: { path: '/api/v1/health', ...steady },
      },
      ingress: { className: 'nginx', host: props.environment.jokemeterHost, path: '/api/v1', pathType: IngressPathType.PREFIX },
      canary: { image: 'peterwolf/jokemeter:tr', weight: 10 },
      rollingUpdate: { maxSurge: 1, maxUnavailable: '33%' },
      revisionHistoryLimit: 5,
      changeCause: props.settings.changeCause,
    });
  }
}

/**
 * TF Serving's half_plus_two demo model, autoscaled on CPU; tiny requests make the autoscaler react in a demo.
 * Clusters read it from a claim that holds it; a local cluster downloads TF Serving's own copy of it before the
 * server starts, so a fresh kind or minikube cluster needs nothing.
 */
export class HalfPlusTwoChart extends Chart {
  constructor(scope: Construct, id: string, props: ExampleChartProps) {
    super(scope, id, { ...props, namespace: props.environment.namespace });
    const { min, max } = props.environment.modelReplicas;
    new TfServingApp(this, 'half-plus-two', {
      modelName: 'half_plus_two',
      modelSource: props.environment.local
        ? ModelSource.fromUrl('https://github.com/tensorflow/serving/archive/refs/tags/2.14.1.tar.gz', {
          archivePath: 'serving-2.14.1/tensorflow_serving/servables/tensorflow/testdata/saved_model_half_plus_two_cpu',
        })
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

/** The apps of a cluster environment, by chart id and app name. */
export const CLUSTER_APPS = ['purchase-predict', 'jokemeter', 'half-plus-two', 'celestial-bodies-classifier'] as const;

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

/**
 * GitOps: one Argo CD Application per production app, each syncing its own file of `dist/production`, which CI
 * commits to the branch `deploy/production` (examples/ci/github-workflow.yml). Applied once, by hand, to the cluster
 * that runs Argo CD, after the environment's namespace file.
 */
export class GitOpsChart extends Chart {
  constructor(scope: Construct, id: string, settings: ExampleSettings) {
    super(scope, id);
    for (const app of CLUSTER_APPS) {
      new ArgoCdApplication(this, app, {
        repoUrl: settings.gitopsRepoUrl,
        path: `dist/${PRODUCTION.name}`,
        targetRevision: `deploy/${PRODUCTION.name}`,
        include: `*-${app}.k8s.yaml`,
        destinationNamespace: PRODUCTION.namespace,
        automated: { prune: true, selfHeal: true },
      });
    }
  }
}

/** The GitOps folder `dist/argocd/`, apart from the environments: its Applications live in Argo CD's namespace. */
export function buildGitOps(app: App, settings: ExampleSettings): App {
  new GitOpsChart(app, 'applications', settings);
  return app;
}
