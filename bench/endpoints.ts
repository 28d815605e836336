// The endpoints the benchmark builds: N model servers, each a Deployment, Service, Ingress and autoscaler.
import { Chart, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** Adds one endpoint to `scope`. */
export type EndpointBuilder = (scope: Construct, index: number) => void;

/** "What users write today": the endpoint by hand with cdk8s-plus-28. */
export const handWrittenEndpoint: EndpointBuilder = (scope, index) => {
  const name = `model-${index}`;
  const deployment = new kplus.Deployment(scope, name, {
    containers: [{
      image: `registry.example.com/${name}:1.0`,
      portNumber: 8080,
      resources: { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(256) } },
    }],
  });
  const service = deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
  const ingress = new kplus.Ingress(scope, `${name}-ingress`);
  ingress.addHostRule(`${name}.example.com`, '/', kplus.IngressBackend.fromService(service));
  new kplus.HorizontalPodAutoscaler(scope, `${name}-hpa`, {
    target: deployment,
    maxReplicas: 5,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(70))],
  });
};

/** One chart per endpoint. */
export function chartPerEndpoint(app: Construct, n: number, build: EndpointBuilder): void {
  for (let i = 0; i < n; i++) {
    build(new Chart(app, `model-${i}`), i);
  }
}

/** All endpoints in one chart. */
export function oneChart(app: Construct, n: number, build: EndpointBuilder): void {
  const chart = new Chart(app, 'models');
  for (let i = 0; i < n; i++) {
    build(chart, i);
  }
}
