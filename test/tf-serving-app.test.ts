import { Node } from 'constructs';

import { DEFAULT_TF_SERVING_IMAGE, ModelSource, Mount, ServiceType, TfServingApp } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { errorOf, expectValidForKubernetes, findObject, kinds, serverContainer, synth, testChart } from './util';

describe('defaults', () => {
  const objects = synth(chart => new TfServingApp(chart, 'half-plus-two', { modelName: 'half_plus_two' }));
  const deployment = findObject(objects, 'Deployment');
  const container = serverContainer(deployment);

  test('emit a ConfigMap, a Deployment, a NodePort Service, an autoscaler and a disruption budget', () => {
    expect(kinds(objects)).toEqual(['ConfigMap', 'Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']);
    expectValidForKubernetes(objects);
    expect(objects).toMatchSnapshot();
  });

  test('pass the manifest checker in strict mode', () => {
    expect(checkObjects(objects, { strict: true })).toEqual([]);
  });

  test('configure the model through the two variables the image reads', () => {
    const configMap = findObject(objects, 'ConfigMap', 'half-plus-two-config');
    expect(configMap.data).toEqual({ MODEL_NAME: 'half_plus_two', MODEL_BASE_PATH: '/models' });
    expect(container.env).toEqual(['MODEL_NAME', 'MODEL_BASE_PATH'].map(key =>
      ({ name: key, valueFrom: { configMapKeyRef: { name: 'half-plus-two-config', key } } })));
    expect(container.args).toBeUndefined();
  });

  test('run a pinned tensorflow/serving with REST and gRPC ports', () => {
    expect(container.image).toBe(DEFAULT_TF_SERVING_IMAGE);
    expect(DEFAULT_TF_SERVING_IMAGE).toMatch(/^tensorflow\/serving:\d+\.\d+\.\d+$/);
    expect(container.ports).toEqual([
      { name: 'http', containerPort: 8501, protocol: 'TCP' },
      { name: 'grpc', containerPort: 8500, protocol: 'TCP' },
    ]);
  });

  test('become ready once the model is loaded', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v1/models/half_plus_two', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/v1/models/half_plus_two', port: 'http' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 'http' });
  });

  test('mount the claim <name>-model read-only at <modelBasePath>/<modelName>', () => {
    expect(deployment.spec.template.spec.volumes).toContainEqual(
      { name: 'model', persistentVolumeClaim: { claimName: 'half-plus-two-model', readOnly: true } });
    expect(container.volumeMounts).toContainEqual({ name: 'model', mountPath: '/models/half_plus_two', readOnly: true });
  });

  test('expose REST and gRPC on a NodePort Service', () => {
    const service = findObject(objects, 'Service');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.ports).toEqual([
      { name: 'http', port: 8501, targetPort: 'http', protocol: 'TCP' },
      { name: 'grpc', port: 8500, targetPort: 'grpc', protocol: 'TCP' },
    ]);
  });

  test('autoscale 1 to 3 replicas at 80% CPU, leaving replicas unset', () => {
    expect(deployment.spec.replicas).toBeUndefined();
    expect(findObject(objects, 'HorizontalPodAutoscaler').spec).toMatchObject({
      minReplicas: 1, maxReplicas: 3, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 80 } } }],
    });
  });

  test('roll the pods when the model settings change', () => {
    const hashOf = (modelName: string) => findObject(synth(chart => new TfServingApp(chart, 'tf', { modelName })), 'Deployment')
      .spec.template.metadata.annotations['model-serving.cdk8s.io/config-hash'];
    expect(hashOf('a')).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf('a')).not.toEqual(hashOf('b'));
  });
});

describe('model sources', () => {
  test('a gs:// URI sets MODEL_BASE_PATH to its parent and mounts nothing', () => {
    const objects = synth(chart => new TfServingApp(chart, 'tf', {
      modelName: 'half_plus_two', modelSource: ModelSource.fromUri('gs://models-bucket/prod/half_plus_two/'),
    }));
    expect(findObject(objects, 'ConfigMap').data.MODEL_BASE_PATH).toBe('gs://models-bucket/prod');
    expect(findObject(objects, 'Deployment').spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }]);
    expectValidForKubernetes(objects);
  });

  test('an image with the model baked in needs no volume', () => {
    const objects = synth(chart => new TfServingApp(chart, 'tf', {
      modelName: 'resnet', image: 'ghcr.io/acme/resnet-serving:3.1.0', modelSource: ModelSource.fromImage(), modelBasePath: '/opt/models',
    }));
    expect(findObject(objects, 'ConfigMap').data).toEqual({ MODEL_NAME: 'resnet', MODEL_BASE_PATH: '/opt/models' });
    expect(serverContainer(findObject(objects, 'Deployment')).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test("a hostPath is an explicit opt-in that records why it breaks 'restricted'", () => {
    const objects = synth(chart => new TfServingApp(chart, 'tf', {
      modelName: 'half_plus_two', modelSource: ModelSource.fromHostPath('/data/half_plus_two'),
    }));
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'model', hostPath: { path: '/data/half_plus_two', type: 'Directory' } });
    expect(deployment.metadata.annotations['model-serving.cdk8s.io/waive.pss-restricted.host-path']).toMatch(/minikube/);
    expectValidForKubernetes(objects);
    const findings = checkObjects(objects, { strict: true });
    expect(findings.map(f => [f.ruleId, f.waived])).toEqual([
      ['pss-restricted/host-path', expect.stringMatching(/minikube/)],
    ]);
  });
});

test('a nodePort without a type keeps the NodePort default', () => {
  const objects = synth(chart => new TfServingApp(chart, 'resnet', { modelName: 'resnet', service: { nodePort: 30123 } }));
  expect(findObject(objects, 'Service').spec).toMatchObject({ type: 'NodePort', ports: [{ nodePort: 30123, port: 8501 }, { name: 'grpc', port: 8500 }] });
});

test('pod annotations are merged with the config hash, which keeps rolling the pods', () => {
  const objects = synth(chart => new TfServingApp(chart, 'tf', { modelName: 'm', podAnnotations: { 'prometheus.io/scrape': 'true' } }));
  expect(findObject(objects, 'Deployment').spec.template.metadata.annotations)
    .toEqual({ 'prometheus.io/scrape': 'true', 'model-serving.cdk8s.io/config-hash': expect.stringMatching(/^[0-9a-f]{16}$/) });
});

test('the Deployment is the default child', () => {
  const app = new TfServingApp(testChart(), 'tf', { modelName: 'm' });
  expect(Node.of(app).defaultChild).toBe(app.deployment);
});

test('a fixed replica count replaces the autoscaler', () => {
  const objects = synth(chart => new TfServingApp(chart, 'tf', { modelName: 'm', replicas: 1 }));
  expect(kinds(objects)).toEqual(['ConfigMap', 'Deployment', 'Service']);
  expect(findObject(objects, 'Deployment').spec.replicas).toBe(1);
});

test('a NodePort, tiny requests and a CPU target reach the objects', () => {
  const objects = synth(chart => new TfServingApp(chart, 'half-plus-two', {
    modelName: 'half_plus_two',
    service: { type: ServiceType.NODE_PORT, nodePort: 30001 },
    autoscaling: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 20 },
    resources: { cpu: { request: '5m' }, memory: { request: '32M' } },
  }));
  expect(findObject(objects, 'Service').spec.ports[0].nodePort).toBe(30001);
  expect(serverContainer(findObject(objects, 'Deployment')).resources).toEqual({ requests: { cpu: '5m', memory: '32M' }, limits: { memory: '1Gi' } });
  expect(findObject(objects, 'HorizontalPodAutoscaler').spec.metrics[0].resource.target.averageUtilization).toBe(20);
});

describe('bad props', () => {
  const build = (props: object) => () => new TfServingApp(testChart(), 'tf', { modelName: 'half_plus_two', ...props } as never);

  test.each([
    [{ modelName: 'half plus two' }, "modelName 'half plus two' must be letters, digits, '_', '-' or '.'"],
    [{ modelSource: ModelSource.fromUri('gs://bucket/models/other') },
      "modelSource uri 'gs://bucket/models/other' must end with the model name 'half_plus_two'"],
    [{ modelSource: ModelSource.fromUri('http://bucket/half_plus_two') }, "modelSource uri 'http://bucket/half_plus_two' must be 'gs://bucket/path/<modelName>'"],
    [{ modelSource: ModelSource.fromImage() }, `image '${DEFAULT_TF_SERVING_IMAGE}' must be a custom image that contains the model, `
      + 'with ModelSource.fromImage(); a stock tensorflow/serving image has none: build one from it with the model at /models/half_plus_two'],
    [{ modelSource: ModelSource.fromClaim('Models_Claim') }, "modelSource claimName 'Models_Claim' must be a DNS-1123 subdomain"],
    [{ modelSource: ModelSource.fromHostPath('data') }, "modelSource hostPath 'data' must be an absolute path"],
    [{ modelBasePath: '/models/' }, "modelBasePath '/models/' must be an absolute folder path"],
    [{ env: { MODEL_NAME: 'x' } }, "env name 'MODEL_NAME' is set by the construct itself"],
    [{ image: 'tensorflow/serving' }, "image 'tensorflow/serving' must carry a tag or a digest"],
    [{ service: { type: ServiceType.NODE_PORT, nodePort: 8501 } }, 'service.nodePort 8501 must be within 30000-32767'],
    [{ replicas: 2, autoscaling: { maxReplicas: 4 } }, 'replicas 2 cannot be set together with autoscaling'],
    [{ modelSource: ModelSource.fromImage(), image: 'tensorflow/serving:2.15.0' },
      "image 'tensorflow/serving:2.15.0' must be a custom image that contains the model, with ModelSource.fromImage(); a stock tensorflow/serving image has none"],
    [{ modelSource: ModelSource.fromImage(), image: 'docker.io/tensorflow/serving:2.15.0-gpu' },
      "image 'docker.io/tensorflow/serving:2.15.0-gpu' must be a custom image that contains the model"],
    [{ modelSource: ModelSource.fromUri('gs://bucket/half_plus_two'), modelBasePath: '/models' },
      "modelBasePath '/models' conflicts with ModelSource.fromUri, whose URI gives MODEL_BASE_PATH: give one of them"],
    [{ mounts: { '/models/half_plus_two': Mount.emptyDir() } },
      "mounts path '/models/half_plus_two' is where the construct mounts the model; choose another path"],
    [{ podAnnotations: { 'model-serving.cdk8s.io/config-hash': 'x' } }, "podAnnotations key 'model-serving.cdk8s.io/config-hash' is set by the construct itself"],
  ])('%j is refused: %s', (props, message) => {
    expect(build(props)).toThrow(message);
  });

  test('missing props from a JavaScript caller name what is missing', () => {
    expect(() => new TfServingApp(testChart(), 'tf', undefined as never))
      .toThrow("TfServingApp 'test/tf': modelName or models is required: the model's name, or a list of { name, source }");
  });

  test('name the construct', () => {
    expect(errorOf(build({ modelName: '' }))).toMatch(/^TfServingApp 'test\/tf': modelName '' must be/);
  });
});
