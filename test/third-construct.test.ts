// A third serving construct is a short file: its props, its defaults, and the shared pipeline and build sequence.
import { Construct, Node } from 'constructs';

import { EnvValue, ServiceType, ServingWorkloadProps, ServingWorkloadSpec } from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { checkWorkload } from '../constructs/internal/check-workload';
import { Pipeline, resolveChecked } from '../constructs/internal/pipeline';
import { WORKLOAD_FIELDS } from '../constructs/internal/prop-shapes';
import { buildServingWorkload, ServingWorkloadObjects } from '../constructs/internal/render-workload';
import { resolveWorkload } from '../constructs/internal/resolve-workload';
import { object, string } from '../constructs/internal/shape';
import { errorOf, expectValidForKubernetes, findObject, kinds, serverContainer, synth, testChart } from './util';

interface TorchServeAppProps extends ServingWorkloadProps {
  /** The model archive to fetch before the server starts. */
  readonly modelArchiveUrl: string;
}

const TORCH_SERVE: Pipeline<TorchServeAppProps, ServingWorkloadSpec> = {
  constructType: 'TorchServeApp',
  shape: object<TorchServeAppProps>({ ...WORKLOAD_FIELDS, modelArchiveUrl: string }),
  resolve: (props, id) => resolveWorkload(props, {
    constructType: 'TorchServeApp',
    name: props.name ?? id,
    image: 'pytorch/torchserve:0.11.0-cpu',
    component: 'model-server',
    ports: [{ name: 'http', containerPort: 8080 }],
    defaultMemoryLimit: '2Gi',
    defaultReadiness: { path: '/ping' },
    defaultServiceType: ServiceType.CLUSTER_IP,
    defaultServicePort: 80,
    ownEnv: { TS_MODEL_STORE: EnvValue.fromValue('/tmp/model-store') },
    ownInitContainers: [{
      propPrefix: 'modelArchiveUrl fetcher ',
      container: { name: 'fetch-model', image: 'curlimages/curl:8.7.1', args: ['-fsSLo', '/tmp/model-store/model.mar', props.modelArchiveUrl] },
    }],
  }),
  check: (p, spec, props) => {
    checkWorkload(p, spec, props);
    p.check(typeof props.modelArchiveUrl === 'string' && props.modelArchiveUrl.startsWith('https://'), 'modelArchiveUrl', props.modelArchiveUrl,
      'must be an https:// URL');
  },
};

class TorchServeApp extends Construct {
  public readonly spec: ServingWorkloadSpec;
  public readonly objects: ServingWorkloadObjects;

  constructor(scope: Construct, id: string, props: TorchServeAppProps) {
    super(scope, id);
    this.spec = resolveChecked(this, TORCH_SERVE, props);
    this.objects = buildServingWorkload(this, this.spec);
  }
}

const URL = 'https://models.example.com/resnet.mar';

test('gets the whole build sequence, hardened, checked and valid', () => {
  const objects = synth(chart => new TorchServeApp(chart, 'resnet', { modelArchiveUrl: URL, sidecars: [] }));
  expect(kinds(objects)).toEqual(['Deployment', 'Service']);
  const deployment = findObject(objects, 'Deployment');
  const pod = deployment.spec.template.spec;
  expect(pod.initContainers[0]).toMatchObject({
    name: 'fetch-model', resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    securityContext: { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }, volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  });
  expect(serverContainer(deployment).env).toEqual([{ name: 'TS_MODEL_STORE', value: '/tmp/model-store' }]);
  expect(serverContainer(deployment).readinessProbe.httpGet).toEqual({ path: '/ping', port: 'http' });
  expectValidForKubernetes(objects);
  expect(checkObjects(objects, { strict: true })).toEqual([]);
});

test('the Deployment is its default child', () => {
  const app = new TorchServeApp(testChart(), 'resnet', { modelArchiveUrl: URL });
  expect(Node.of(app).defaultChild).toBe(app.objects.deployment);
});

test('shares the refusals: unknown props, the construct\'s own variables, its own checks', () => {
  const build = (props: object) => () => new TorchServeApp(testChart(), 'resnet', { modelArchiveUrl: URL, ...props } as never);
  expect(errorOf(build({ replicas: 2 }))).toBe("TorchServeApp 'test/resnet': unknown prop 'replicas'");
  expect(errorOf(build({ env: { TS_MODEL_STORE: '/x' } })))
    .toBe("TorchServeApp 'test/resnet': env name 'TS_MODEL_STORE' is set by the construct itself; use the matching prop instead");
  expect(errorOf(build({ modelArchiveUrl: 'ftp://x/m.mar' }))).toBe("TorchServeApp 'test/resnet': modelArchiveUrl 'ftp://x/m.mar' must be an https:// URL");
});
