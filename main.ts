// The example app: four real model deployments, one chart each. `npm run synth` writes them to dist/.
import { App, Chart, ChartProps } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { IngressPathType, InvalidPropsError, ModelServingApp, ModelSource, ServiceType, ServingApp, TfServingApp } from './constructs';

/** Image coordinates that CI sets instead of patching YAML with sed. */
export interface ExampleSettings {
  /** The GCP project whose registry holds the purchase-predict image. */
  readonly gcpProject: string;
  /** The purchase-predict image tag CI built. */
  readonly purchasePredictTag: string;
  /** The registry that holds the BentoML image of the celestial bodies classifier. */
  readonly classifierRegistry: string;
  /** The BentoML image tag of the celestial bodies classifier. */
  readonly classifierTag: string;
}

/** A Flask/gunicorn API on GKE, behind a GCE Ingress. */
export class PurchasePredictChart extends Chart {
  constructor(scope: Construct, id: string, settings: ExampleSettings, props: ChartProps = {}) {
    super(scope, id, props);
    const namespace = new k8s.KubeNamespace(this, 'namespace', {
      metadata: { name: 'api-purchase', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    const api = new ModelServingApp(this, 'purchase-predict', {
      namespace: namespace.name,
      image: `gcr.io/${settings.gcpProject}/purchase-predict-api:${settings.purchasePredictTag}`,
      port: 80,
      replicas: 2,
      env: {
        ENV: 'production',
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
    api.node.addDependency(namespace);
  }
}

/** A FastAPI app on kind with ingress-nginx. */
export class JokemeterChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ModelServingApp(this, 'jokemeter', {
      image: 'peterwolf/jokemeter:lr',
      port: 80,
      probes: {
        startup: '/api/v1/startup',
        // the reference deployment's timings
        readiness: { path: '/api/v1/ready', initialDelaySeconds: 1, periodSeconds: 10, failureThreshold: 2 },
        liveness: { path: '/api/v1/health', initialDelaySeconds: 1, periodSeconds: 10, failureThreshold: 2 },
      },
      ingress: { className: 'nginx', host: 'jokemeter.ai', path: '/api/v1', pathType: IngressPathType.PREFIX },
      rollingUpdate: { maxSurge: 1, maxUnavailable: '33%' },
      revisionHistoryLimit: 5,
    });
  }
}

/**
 * TF Serving's half_plus_two demo model, autoscaled on CPU; tiny requests make the autoscaler react in a demo. The model is
 * TF Serving's own test model, downloaded from its release archive before the server starts, so a fresh cluster needs nothing.
 */
export class HalfPlusTwoChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new TfServingApp(this, 'half-plus-two', {
      modelName: 'half_plus_two',
      modelSource: ModelSource.fromUrl('https://github.com/tensorflow/serving/archive/refs/tags/2.14.1.tar.gz', {
        archivePath: 'serving-2.14.1/tensorflow_serving/servables/tensorflow/testdata/saved_model_half_plus_two_cpu',
      }),
      service: { type: ServiceType.NODE_PORT, nodePort: 30001 },
      autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 20 },
      resources: { cpu: { request: '5m' }, memory: { request: '32M' } },
    });
  }
}

/** A BentoML service behind a cloud load balancer. */
export class CelestialBodiesClassifierChart extends Chart {
  constructor(scope: Construct, id: string, settings: ExampleSettings, props: ChartProps = {}) {
    super(scope, id, props);
    new ModelServingApp(this, 'celestial-bodies-classifier', {
      image: `${settings.classifierRegistry}/celestial-bodies-classifier:${settings.classifierTag}`,
      port: 3000,
      probes: { readiness: '/readyz', liveness: '/livez' },
      service: { type: ServiceType.LOAD_BALANCER, port: 80 },
    });
  }
}

export function buildExampleApp(app: App, settings: ExampleSettings): App {
  new PurchasePredictChart(app, 'purchase-predict', settings);
  new JokemeterChart(app, 'jokemeter');
  new HalfPlusTwoChart(app, 'half-plus-two');
  new CelestialBodiesClassifierChart(app, 'celestial-bodies-classifier', settings);
  return app;
}

export const DEFAULT_SETTINGS: ExampleSettings = {
  gcpProject: 'my-gcp-project',
  purchasePredictTag: '1.0.0',
  classifierRegistry: 'ghcr.io/my-org',
  classifierTag: '1.0.0',
};

/** Bad input (props, or whole-app validations such as duplicate names) is reported as what to fix, without a stack trace. */
function isInputError(e: unknown): e is Error {
  return e instanceof InvalidPropsError || (e instanceof Error && e.message.startsWith('Validation failed with the following errors'));
}

if (require.main === module) {
  try {
    buildExampleApp(new ServingApp(), {
      gcpProject: process.env.GCP_PROJECT ?? DEFAULT_SETTINGS.gcpProject,
      purchasePredictTag: process.env.PURCHASE_PREDICT_TAG ?? DEFAULT_SETTINGS.purchasePredictTag,
      classifierRegistry: process.env.CLASSIFIER_REGISTRY ?? DEFAULT_SETTINGS.classifierRegistry,
      classifierTag: process.env.CLASSIFIER_TAG ?? DEFAULT_SETTINGS.classifierTag,
    }).synth();
  } catch (e) {
    if (!isInputError(e)) {
      throw e;
    }
    console.error(e.message);
    process.exitCode = 1;
  }
}
