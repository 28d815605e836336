// TF Serving's own features: several models, gRPC on the Service, Prometheus metrics, batching, and models from anywhere.
import { ModelSource, ServiceType, TfServingApp, TfServingAppProps } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { errorOf, expectValidForKubernetes, findObject, KubeObject, serverContainer, synth, testChart } from './util';

const SHA = 'a'.repeat(64);

function build(props: TfServingAppProps): KubeObject[] {
  return synth(chart => new TfServingApp(chart, 'tf', props));
}

function expectClean(objects: KubeObject[]): void {
  expectValidForKubernetes(objects);
  expect(checkObjects(objects, { strict: true }).filter(f => f.severity !== 'info')).toEqual([]);
}

describe('several models, downloaded, with monitoring and batching', () => {
  const objects = build({
    models: [
      { name: 'resnet', source: ModelSource.fromUrl('https://models.example.com/resnet.tar.gz', { sha256: SHA }) },
      { name: 'bert', source: ModelSource.fromUri('gs://models-bucket/prod/bert') },
    ],
    monitoring: true,
    batching: { maxBatchSize: 32, batchTimeoutMicros: 2000, numBatchThreads: 4, maxEnqueuedBatches: 100, allowedBatchSizes: [8, 16, 32] },
  });
  const configMap = findObject(objects, 'ConfigMap', 'tf-config');
  const deployment = findObject(objects, 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = serverContainer(deployment);

  test('are valid, pass the checker in strict mode, and match the snapshot', () => {
    expectClean(objects);
    expect(objects).toMatchSnapshot();
  });

  test('list every model in a models.config, with its base path', () => {
    expect(configMap.data['models.config']).toBe([
      'model_config_list {',
      '  config {', '    name: "resnet"', '    base_path: "/models/resnet"', '    model_platform: "tensorflow"', '  }',
      '  config {', '    name: "bert"', '    base_path: "gs://models-bucket/prod/bert"', '    model_platform: "tensorflow"', '  }',
      '}', '',
    ].join('\n'));
    expect(configMap.data.MODEL_NAME).toBeUndefined();
    expect(container.env).toBeUndefined();
  });

  test('turn on Prometheus on the REST port', () => {
    expect(configMap.data['monitoring.config']).toBe('prometheus_config {\n  enable: true\n  path: "/monitoring/prometheus/metrics"\n}\n');
    // Scrape settings are the user's: podAnnotations (prometheus.io/*) or a ServiceMonitor on the Service's http port.
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'model-serving.cdk8s.io/config-hash': expect.stringMatching(/^[0-9a-f]{16}$/) });
  });

  test("write TF Serving's batching parameters with its field names", () => {
    expect(configMap.data['batching.config']).toBe([
      'max_batch_size { value: 32 }', 'batch_timeout_micros { value: 2000 }', 'max_enqueued_batches { value: 100 }', 'num_batch_threads { value: 4 }',
      'allowed_batch_sizes: 8', 'allowed_batch_sizes: 16', 'allowed_batch_sizes: 32', '',
    ].join('\n'));
  });

  test("pass the flags after the image entrypoint's own, pointing at the mounted files", () => {
    expect(container.command).toBeUndefined();
    expect(container.args).toEqual([
      '--model_config_file=/etc/tf-serving/models.config',
      '--model_config_file_poll_wait_seconds=60',
      '--monitoring_config_file=/etc/tf-serving/monitoring.config',
      '--enable_batching',
      '--batching_parameters_file=/etc/tf-serving/batching.config',
    ]);
    expect(pod.volumes).toContainEqual({
      name: 'tf-serving-config',
      configMap: { name: 'tf-config', items: ['models.config', 'monitoring.config', 'batching.config'].map(key => ({ key, path: key })) },
    });
    expect(container.volumeMounts).toContainEqual({ name: 'tf-serving-config', mountPath: '/etc/tf-serving', readOnly: true });
  });

  test('gate readiness on the first model', () => {
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v1/models/resnet', port: 'http' });
  });

  test('download the first model into an emptyDir mounted read-only at <modelBasePath>/<name>', () => {
    expect(pod.volumes).toContainEqual({ name: 'model-0', emptyDir: {} });
    expect(container.volumeMounts).toContainEqual({ name: 'model-0', mountPath: '/models/resnet', readOnly: true });
    expect(pod.initContainers.map((c: KubeObject) => c.name)).toEqual(['model-0-fetch', 'model-0-unpack']);
    const env = Object.fromEntries(pod.initContainers[1].env.map((e: KubeObject) => [e.name, e.value]));
    expect(env).toMatchObject({ MODEL_URL: 'https://models.example.com/resnet.tar.gz', MODEL_FORMAT: 'tar.gz', MODEL_SHA256: SHA, MODEL_VERSIONED: 'true' });
  });
});

describe('the Service', () => {
  test('service.port and service.nodePort apply to REST, grpcPort and grpcNodePort to gRPC', () => {
    const objects = build({ modelName: 'm', service: { type: ServiceType.NODE_PORT, port: 80, nodePort: 30080, grpcPort: 9000, grpcNodePort: 30090 } });
    expect(findObject(objects, 'Service').spec.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' },
      { name: 'grpc', port: 9000, targetPort: 'grpc', nodePort: 30090, protocol: 'TCP' },
    ]);
    expectClean(objects);
  });
});

describe('the config-hash', () => {
  const hashOf = (props: Partial<TfServingAppProps>) => findObject(build({ modelName: 'm', ...props } as TfServingAppProps), 'Deployment')
    .spec.template.metadata.annotations['model-serving.cdk8s.io/config-hash'];

  test.each([
    ['monitoring', { monitoring: true }],
    ['batching', { batching: { maxBatchSize: 8, batchTimeoutMicros: 0 } }],
  ])('changes with %s, so the pods roll', (_, props) => {
    expect(hashOf(props)).not.toEqual(hashOf({}));
  });

  test('changes with the batching parameters', () => {
    const batching = (maxBatchSize: number) => ({ batching: { maxBatchSize, batchTimeoutMicros: 0 } });
    expect(hashOf(batching(8))).not.toEqual(hashOf(batching(16)));
  });

  test('changes with the list of models', () => {
    const models = (...names: string[]) => ({
      modelName: undefined, models: names.map(name => ({ name, source: ModelSource.fromClaim(`c-${name}`) })),
    });
    expect(hashOf(models('a'))).not.toEqual(hashOf(models('a', 'b')));
  });
});

describe('models from anywhere', () => {
  test('an s3:// folder is synced by the aws CLI image, with the pod service account', () => {
    const objects = build({ modelName: 'resnet', modelSource: ModelSource.fromUrl('s3://ml-models/prod/resnet/'), replicas: 1 });
    const pod = findObject(objects, 'Deployment').spec.template.spec;
    expect(pod.initContainers[0].image).toMatch(/^amazon\/aws-cli:\d+\.\d+\.\d+$/);
    expect(pod.initContainers[0].env).toContainEqual({ name: 'MODEL_FORMAT', value: 'folder' });
    expect(findObject(objects, 'ConfigMap').data).toEqual({ MODEL_NAME: 'resnet', MODEL_BASE_PATH: '/models' });
    expectClean(objects);
  });

  test('with several models, modelBasePath places the mounted ones and a store keeps its URI', () => {
    const objects = build({
      modelBasePath: '/srv/models',
      models: [{ name: 'a', source: ModelSource.fromClaim('a-model') }, { name: 'b', source: ModelSource.fromUri('gs://bucket/models/b') }],
    });
    expect(findObject(objects, 'ConfigMap').data['models.config']).toContain('base_path: "/srv/models/a"');
    expect(findObject(objects, 'ConfigMap').data['models.config']).toContain('base_path: "gs://bucket/models/b"');
    expect(serverContainer(findObject(objects, 'Deployment')).volumeMounts).toContainEqual({ name: 'model-0', mountPath: '/srv/models/a', readOnly: true });
  });

  test('two hostPath models share one waiver that names both volumes', () => {
    const objects = build({ models: ['a', 'b'].map(name => ({ name, source: ModelSource.fromHostPath(`/data/${name}`) })) });
    expect(findObject(objects, 'Deployment').metadata.annotations['model-serving.cdk8s.io/waive.pss-restricted.host-path'])
      .toBe('volumes=model-0,model-1; ModelSource.fromHostPath: the model is a folder on the node, for minikube or kind only');
  });

  test('a created claim is emitted next to the app, read-only in the pod', () => {
    const objects = build({ modelName: 'm', modelSource: ModelSource.fromClaim('m-model', { create: { storage: '5Gi', storageClassName: 'filestore' } }) });
    expect(findObject(objects, 'PersistentVolumeClaim', 'm-model').spec).toEqual({
      accessModes: ['ReadWriteMany'], storageClassName: 'filestore', resources: { requests: { storage: '5Gi' } },
    });
    expectClean(objects);
  });
});

describe('refusals', () => {
  const refused = (props: object) => errorOf(() => new TfServingApp(testChart(), 'tf', props as never));

  test.each([
    [{ modelName: 'm', modelSource: ModelSource.fromUri('s3://bucket/models/m') },
      "TfServingApp 'test/tf': modelSource uri 's3://bucket/models/m' is not read by TF Serving 2.7 and later, which dropped s3:// "
      + "(tensorflow/serving#1963); use ModelSource.fromUrl('s3://bucket/models/m/'), which downloads it before the server starts"],
    [{ modelName: 'm', modelSource: ModelSource.fromUri('gs://bucket/models/m'), modelBasePath: '/opt/models' },
      "TfServingApp 'test/tf': modelBasePath '/opt/models' conflicts with ModelSource.fromUri, whose URI gives MODEL_BASE_PATH: give one of them"],
    [{ modelName: 'm', image: 'tensorflow/serving:2.15.0-gpu', modelSource: ModelSource.fromImage() },
      "TfServingApp 'test/tf': image 'tensorflow/serving:2.15.0-gpu' must be a custom image that contains the model, with ModelSource.fromImage(); "
      + 'a stock tensorflow/serving image has none: build one from it with the model at /models/m'],
    [{ modelName: 'm', image: `docker.io/tensorflow/serving@sha256:${'c'.repeat(64)}`, modelSource: ModelSource.fromImage() },
      `TfServingApp 'test/tf': image 'docker.io/tensorflow/serving@sha256:${'c'.repeat(64)}' must be a custom image that contains the model, `
      + 'with ModelSource.fromImage(); a stock tensorflow/serving image has none: build one from it with the model at /models/m'],
    [{ modelName: 'm', models: [{ name: 'a', source: ModelSource.fromClaim('a') }] },
      "TfServingApp 'test/tf': modelName cannot be set together with models: give each of models its name and source"],
    [{ models: [] }, "TfServingApp 'test/tf': models [] must be a non-empty list of { name, source }"],
    [{ models: [{ name: 'a', source: ModelSource.fromClaim('a') }, { name: 'a', source: ModelSource.fromClaim('b') }] },
      "TfServingApp 'test/tf': models[1].name 'a' is listed twice"],
    [{ models: [{ name: 'a' }] },
      "TfServingApp 'test/tf': models[0].source (unset) must be a ModelSource (ModelSource.fromClaim, fromUri, fromUrl, fromImage or fromHostPath, "
      + 'or an object with a bind(context) method)'],
    [{ modelName: 'm', modelSource: ModelSource.fromUrl('https://example.com/m.onnx') },
      "TfServingApp 'test/tf': modelSource url 'https://example.com/m.onnx' is a single file, but TF Serving loads version folders (1/, 2/, ...): "
      + "give a .tar.gz, .tgz, .tar or .zip that holds them, or a gs:// or s3:// folder ending in '/'"],
    [{ modelName: 'm', modelSource: ModelSource.fromClaim('m-model', { create: { storage: '1Gi', accessModes: ['ReadWriteOnce'] } }) },
      "TfServingApp 'test/tf': modelSource create.accessModes 'ReadWriteOnce' attaches the volume to one node only, but the app may run more than one "
      + 'pod: pods on other nodes would fail with Multi-Attach errors; use ReadOnlyMany or ReadWriteMany'],
    [{ modelName: 'm', service: { grpcPort: 8501 } }, "TfServingApp 'test/tf': service.grpcPort 8501 must differ from the REST port 8501"],
    [{ modelName: 'm', service: { type: ServiceType.CLUSTER_IP, grpcNodePort: 30090 } },
      "TfServingApp 'test/tf': service.grpcNodePort 30090 needs service.type NodePort or LoadBalancer, not ClusterIP"],
    [{ modelName: 'm', service: { grpcNodePort: 8500 } }, "TfServingApp 'test/tf': service.grpcNodePort 8500 must be within 30000-32767"],
    [{ modelName: 'm', service: { nodePort: 30100, grpcNodePort: 30100, type: ServiceType.NODE_PORT } },
      "TfServingApp 'test/tf': service.grpcNodePort 30100 must differ from service.nodePort"],
    [{ modelName: 'm', batching: { maxBatchSize: 0, batchTimeoutMicros: 10 } }, "TfServingApp 'test/tf': batching.maxBatchSize 0 must be an integer of at least 1"],
    [{ modelName: 'm', batching: { maxBatchSize: 8 } }, "TfServingApp 'test/tf': batching.batchTimeoutMicros (unset) is required"],
    [{ modelName: 'm', batching: { maxBatchSize: 32, batchTimeoutMicros: 10, allowedBatchSizes: [8, 16] } },
      "TfServingApp 'test/tf': batching.allowedBatchSizes [8,16] must be increasing whole numbers ending with batching.maxBatchSize (32)"],
    [{ modelName: 'm', batching: { maxBatchSize: 8, batchTimeoutMicros: 10, numBatchThreads: 1.5 } },
      "TfServingApp 'test/tf': batching.numBatchThreads 1.5 must be an integer of at least 1"],
    [{ models: ['a', 'b'].map(name => ({ name, source: ModelSource.fromClaim('shared', { create: { storage: '1Gi' } }) })) },
      "TfServingApp 'test/tf': models[1].source claim 'shared' is created for another model too; give each model its own claim"],
    [{ modelName: 'm', args: ['--enable_batching'], batching: { maxBatchSize: 8, batchTimeoutMicros: 0 } },
      "TfServingApp 'test/tf': args[0] '--enable_batching' is set by the construct itself; use the matching prop (models, monitoring or batching) instead"],
    [{ modelName: 'm', env: { MODEL_BASE_PATH: '/x' } }, "TfServingApp 'test/tf': env name 'MODEL_BASE_PATH' is set by the construct itself; use the matching prop instead"],
  ])('%j', (props, message) => {
    expect(refused(props)).toBe(message);
  });

  test.each(['tensorflow/serving:2.14.1-gpu', 'mirror.gcr.io/tensorflow/serving:2.14.1', 'registry-1.docker.io/tensorflow/serving:2.15.0'])(
    'the stock image %s is refused with fromImage', image => {
      expect(refused({ modelName: 'm', image, modelSource: ModelSource.fromImage() })).toMatch(/a stock tensorflow\/serving image has none/);
    });

  test('a user image built from tensorflow/serving is fine with fromImage', () => {
    expect(() => build({ modelName: 'm', image: 'ghcr.io/acme/tensorflow/serving-resnet:1.0.0', modelSource: ModelSource.fromImage() })).not.toThrow();
  });

  test('a ReadWriteOnce claim is fine for one replica', () => {
    const objects = build({ modelName: 'm', replicas: 1, modelSource: ModelSource.fromClaim('m-model', { create: { storage: '1Gi' } }) });
    expect(findObject(objects, 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadWriteOnce']);
  });
});
