// ModelServingApp's `model` prop and the model sources, built-in and user-written.
import {
  EnvValue, ModelServer, ModelServingApp, ModelServingAppProps, ModelSource, ModelSourceConfig, ModelSourceContext, TfServingApp,
} from '../constructs';
import { checkObjects } from '../constructs/check/check';
import { errorOf, expectValidForKubernetes, findObject, KubeObject, serverContainer, synth, testChart } from './util';

const IMAGE = 'ghcr.io/acme/api:1.0.0';

function build(props: Partial<ModelServingAppProps>): KubeObject[] {
  return synth(chart => new ModelServingApp(chart, 'api', { image: IMAGE, ...props }));
}

function refused(props: object): string {
  return errorOf(() => new ModelServingApp(testChart(), 'api', { image: IMAGE, ...props } as never));
}

describe('a downloaded model for ModelServingApp', () => {
  const objects = build({ model: { source: ModelSource.fromUrl('https://models.example.com/v3/model.pkl'), env: 'ML_MODEL_PATH' } });
  const deployment = findObject(objects, 'Deployment');
  const pod = deployment.spec.template.spec;
  const container = serverContainer(deployment);

  test('is valid, passes the checker in strict mode, and matches the snapshot', () => {
    expect(objects).toMatchSnapshot();
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true }).filter(f => f.ruleId !== 'probes/readiness').filter(f => f.severity !== 'info')).toEqual([]);
  });

  test('is mounted read-only at /models/<name>, and the variable names that folder', () => {
    expect(container.volumeMounts).toContainEqual({ name: 'model', mountPath: '/models/api', readOnly: true });
    expect(container.env).toContainEqual({ name: 'ML_MODEL_PATH', value: '/models/api' });
  });

  test('is fetched by a pinned curl image, then checked and unpacked, before the server starts', () => {
    expect(pod.initContainers.map((c: KubeObject) => [c.name, c.image])).toEqual([
      ['model-fetch', expect.stringMatching(/^curlimages\/curl:\d+\.\d+\.\d+$/)],
      ['model-unpack', expect.stringMatching(/^curlimages\/curl:\d+\.\d+\.\d+$/)],
    ]);
  });

  test("runs its init containers under 'restricted', with requests and a memory limit", () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    for (const init of pod.initContainers) {
      // Non-root, its UID and seccomp come from the pod's securityContext, as for the server.
      expect(init.securityContext).toEqual(container.securityContext);
      expect(init.securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, privileged: false, readOnlyRootFilesystem: true });
      expect(init.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } });
      expect(init.volumeMounts).toEqual([{ name: 'model', mountPath: '/model' }, { name: 'model-download', mountPath: '/tmp' }]);
    }
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'model', emptyDir: {} }, { name: 'model-download', emptyDir: {} }]));
  });

  test('passes the URL to the scripts through the environment only', () => {
    const fetch = pod.initContainers[0];
    expect(fetch.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(fetch.command[2]).not.toContain('models.example.com');
    expect(fetch.env).toContainEqual({ name: 'MODEL_URL', value: 'https://models.example.com/v3/model.pkl' });
    expect(fetch.env).toContainEqual({ name: 'MODEL_FORMAT', value: 'file' });
  });
});

describe('downloads from buckets', () => {
  const initOf = (url: string, options = {}) => findObject(build({ model: { source: ModelSource.fromUrl(url, options) } }), 'Deployment')
    .spec.template.spec.initContainers;

  test('gs:// is fetched by the Cloud SDK image, s3:// by the AWS CLI image, both unpacked by busybox', () => {
    expect(initOf('gs://ml-models/resnet.tar.gz').map((c: KubeObject) => c.image)).toEqual([
      expect.stringMatching(/^google\/cloud-sdk:\d+\.\d+\.\d+-slim$/), expect.stringMatching(/^curlimages\/curl:/)]);
    expect(initOf('s3://ml-models/resnet.zip')[0].image).toMatch(/^amazon\/aws-cli:\d+\.\d+\.\d+$/);
  });

  test('the images, resources, size limit and tool settings can be chosen', () => {
    const [fetch, unpack] = initOf('s3://ml-models/resnet.zip', {
      image: 'registry.internal/aws-cli:2.27.9', unpackImage: 'registry.internal/busybox:1.36.1', sizeLimit: '20Gi',
      resources: { memory: { request: '1Gi', limit: '2Gi' } }, env: { AWS_ENDPOINT_URL: 'https://minio.internal:9000' },
    });
    expect([fetch.image, unpack.image]).toEqual(['registry.internal/aws-cli:2.27.9', 'registry.internal/busybox:1.36.1']);
    expect(fetch.resources).toEqual({ requests: { cpu: '100m', memory: '1Gi' }, limits: { memory: '2Gi' } });
    expect(fetch.env).toContainEqual({ name: 'AWS_ENDPOINT_URL', value: 'https://minio.internal:9000' });
    const volumes = findObject(build({ model: { source: ModelSource.fromUrl('s3://ml-models/m.zip', { sizeLimit: '20Gi' }) } }), 'Deployment')
      .spec.template.spec.volumes;
    expect(volumes).toContainEqual({ name: 'model', emptyDir: { sizeLimit: '20Gi' } });
  });
});

describe('credentials of a download', () => {
  const objects = build({
    model: {
      source: ModelSource.fromUrl('https://huggingface.co/acme/churn/resolve/main/model.safetensors', {
        authorization: EnvValue.fromSecret('hf-token', 'authorization'),
        env: { HTTPS_PROXY: 'http://proxy.internal:3128' },
      }),
    },
  });
  const [fetch] = findObject(objects, 'Deployment').spec.template.spec.initContainers;

  test('come from a Secret, never from the manifest, and reach the fetch step only', () => {
    const unpack = findObject(objects, 'Deployment').spec.template.spec.initContainers[1];
    expect(unpack.env.map((e: KubeObject) => e.name)).not.toContain('MODEL_AUTHORIZATION');
    expect(unpack.env.map((e: KubeObject) => e.name)).not.toContain('HTTPS_PROXY');
    expect(fetch.env).toContainEqual({ name: 'MODEL_AUTHORIZATION', valueFrom: { secretKeyRef: { name: 'hf-token', key: 'authorization' } } });
    expect(fetch.env).toContainEqual({ name: 'HTTPS_PROXY', value: 'http://proxy.internal:3128' });
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true }).filter(f => f.severity !== 'info')).toEqual([]);
  });
});

describe('other sources for ModelServingApp', () => {
  test('a created claim is emitted, mounted read-only at a chosen path', () => {
    const objects = build({ model: { source: ModelSource.fromClaim('api-model', { create: { storage: '2Gi' } }), path: '/opt/model' } });
    expect(findObject(objects, 'PersistentVolumeClaim', 'api-model').spec.accessModes).toEqual(['ReadWriteOnce']);
    expect(serverContainer(findObject(objects, 'Deployment')).volumeMounts).toContainEqual({ name: 'model', mountPath: '/opt/model', readOnly: true });
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true }).filter(f => f.severity !== 'info')).toEqual([]);
  });

  test('a store the server reads itself is handed over in the variable, with nothing mounted', () => {
    const objects = build({ model: { source: ModelSource.fromUri('s3://ml-models/prod/model'), env: 'MODEL_URI' } });
    const container = serverContainer(findObject(objects, 'Deployment'));
    expect(container.env).toEqual([{ name: 'MODEL_URI', value: 's3://ml-models/prod/model' }]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true }).filter(f => f.severity !== 'info')).toEqual([]);
  });

  test('a model in the image needs no volume; the variable names its folder', () => {
    const objects = build({ model: { source: ModelSource.fromImage(), path: '/app/model', env: 'MODEL_DIR' } });
    const container = serverContainer(findObject(objects, 'Deployment'));
    expect(container.env).toEqual([{ name: 'MODEL_DIR', value: '/app/model' }]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true }).filter(f => f.severity !== 'info')).toEqual([]);
  });

  test('a hostPath is normalized and waived in one annotation', () => {
    const objects = build({ model: { source: ModelSource.fromHostPath('/data//models/../models/api/') } });
    const deployment = findObject(objects, 'Deployment');
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'model', hostPath: { path: '/data/models/api', type: 'Directory' } });
    expect(deployment.metadata.annotations['model-serving.cdk8s.io/waive.pss-restricted.host-path'])
      .toBe('volumes=model; ModelSource.fromHostPath: the model is a folder on the node, for minikube or kind only');
    expect(checkObjects(objects, { strict: true }).map(f => [f.ruleId, f.waived]))
      .toEqual([['pss-restricted/host-path', expect.stringMatching(/minikube or kind/)]]);
  });
});

describe('a source of your own', () => {
  /** A model copied from an OCI artifact by an init container of the user's choosing. */
  class OrasSource extends ModelSource {
    public readonly contexts: ModelSourceContext[] = [];

    constructor(private readonly reference: string) {
      super();
    }

    public bind(context: ModelSourceContext): ModelSourceConfig {
      this.contexts.push(context);
      return {
        volumes: [{ name: context.volumeName, emptyDir: {} }],
        initContainers: [{
          name: `${context.volumeName}-pull`,
          image: 'ghcr.io/oras-project/oras:v1.2.0',
          args: ['pull', this.reference, '--output', '/model'],
          volumeMounts: { '/model': context.volumeName },
        }],
      };
    }
  }

  test('is bound with what the construct needs to know, and hardened like the built-in ones', () => {
    const source = new OrasSource('ghcr.io/acme/models/resnet:3');
    const objects = synth(chart => new TfServingApp(chart, 'resnet', { modelName: 'resnet', modelSource: source }));
    expect(source.contexts).toEqual([{
      server: ModelServer.TF_SERVING, prop: 'modelSource', modelName: 'resnet', mountPath: '/models/resnet', volumeName: 'model', mayRunSeveralReplicas: true,
    }]);
    const pod = findObject(objects, 'Deployment').spec.template.spec;
    expect(pod.initContainers[0]).toMatchObject({
      name: 'model-pull',
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'model', mountPath: '/model' }, { name: 'tmp', mountPath: '/tmp' }],
    });
    expect(serverContainer(findObject(objects, 'Deployment')).volumeMounts).toContainEqual({ name: 'model', mountPath: '/models/resnet', readOnly: true });
    expectValidForKubernetes(objects);
    expect(checkObjects(objects, { strict: true }).filter(f => f.severity !== 'info')).toEqual([]);
  });

  test('may be a plain object, and its problems are reported like the props', () => {
    const source = { bind: (context: ModelSourceContext) => ({ problems: [`${context.prop} reference 'x' must name a tag`] }) };
    expect(refused({ model: { source } })).toBe("ModelServingApp 'test/api': model.source reference 'x' must name a tag");
  });

  test('that provides no model is refused', () => {
    expect(refused({ model: { source: { bind: () => ({}) } } }))
      .toBe("ModelServingApp 'test/api': model.source gives no volume named 'model', no uri and no inImage: the server would find no model");
  });

  test('whose result has the wrong shape is reported, not crashed on', () => {
    expect(refused({ model: { source: { bind: () => ({ volumes: 'model', initContainers: {}, problems: 'bad', inImage: true }) } } })).toBe([
      "ModelServingApp 'test/api' has 3 invalid props:",
      "  - model.source bind().volumes 'model' must be an array",
      '  - model.source bind().initContainers {} must be an array',
      "  - model.source bind().problems 'bad' must be an array",
    ].join('\n'));
    expect(refused({ model: { source: { bind: () => ({ inImage: true, volume: {} }) } } }))
      .toBe("ModelServingApp 'test/api': unknown prop 'model.source bind().volume'; did you mean 'model.source bind().volumes'?");
  });

  test('that throws is reported, not crashed on', () => {
    expect(refused({ model: { source: { bind: () => { throw new Error('no registry configured'); } } } }))
      .toBe("ModelServingApp 'test/api': model.source could not be bound: no registry configured");
  });
});

describe('refusals', () => {
  test.each([
    ['/', "model.source hostPath '/' must not be a sensitive host folder: it is the root of the node; copy the model to a folder of its own"],
    ['/etc', "model.source hostPath '/etc' must not be a sensitive host folder: it is the sensitive host folder /etc; copy the model to a folder of its own"],
    ['/etc/../etc', "model.source hostPath '/etc/../etc' (/etc) must not be a sensitive host folder: it is the sensitive host folder /etc; copy the model to a folder of its own"],
    ['//etc/', "model.source hostPath '//etc/' (/etc) must not be a sensitive host folder: it is the sensitive host folder /etc; copy the model to a folder of its own"],
    ['/data/../etc/kubernetes', "model.source hostPath '/data/../etc/kubernetes' (/etc/kubernetes) must not be a sensitive host folder: "
      + 'it is inside the sensitive host folder /etc; copy the model to a folder of its own'],
    ['/var/run', "model.source hostPath '/var/run' must not be a sensitive host folder: it is the sensitive host folder /var/run; copy the model to a folder of its own"],
    ['/var', "model.source hostPath '/var' must not be a sensitive host folder: it holds the sensitive host folder /var/run; copy the model to a folder of its own"],
    ['/proc/1', "model.source hostPath '/proc/1' must not be a sensitive host folder: it is inside the sensitive host folder /proc; copy the model to a folder of its own"],
    ['/sys', "model.source hostPath '/sys' must not be a sensitive host folder: it is the sensitive host folder /sys; copy the model to a folder of its own"],
    ['/root/models', "model.source hostPath '/root/models' must not be a sensitive host folder: it is inside the sensitive host folder /root; copy the model to a folder of its own"],
    ['/srv/docker.sock', "model.source hostPath '/srv/docker.sock' must not be a sensitive host folder: it names the container runtime (docker.sock); "
      + 'copy the model to a folder of its own'],
    ['/var/lib', "model.source hostPath '/var/lib' must not be a sensitive host folder: it holds the sensitive host folder /var/lib/kubelet; "
      + 'copy the model to a folder of its own'],
    ['/var/lib/containerd/models', "model.source hostPath '/var/lib/containerd/models' must not be a sensitive host folder: "
      + 'it names the container runtime (containerd); copy the model to a folder of its own'],
  ])('fromHostPath(%j)', (hostPath, message) => {
    expect(refused({ model: { source: ModelSource.fromHostPath(hostPath) } })).toBe(`ModelServingApp 'test/api': ${message}`);
  });

  test.each([
    [{ model: { source: ModelSource.fromUrl('http://example.com/m.pkl') } },
      "model.source url 'http://example.com/m.pkl' must be an https://, gs:// or s3:// URL such as 'https://example.com/models/resnet.tar.gz' "
      + '(letters, digits and . _ ~ % + , = : @ / - only)'],
    [{ model: { source: ModelSource.fromUrl('https://example.com/$(reboot).pkl') } },
      "model.source url 'https://example.com/$(reboot).pkl' must be an https://, gs:// or s3:// URL such as "
      + "'https://example.com/models/resnet.tar.gz' (letters, digits and . _ ~ % + , = : @ / - only)"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/models/') } },
      "model.source url 'https://example.com/models/' names no file: an https:// URL must end with the file name; only gs:// and s3:// folders end in /"],
    [{ model: { source: ModelSource.fromUrl('https://example.com') } },
      "model.source url 'https://example.com' names no file: an https:// URL must end with the file name; only gs:// and s3:// folders end in /"],
    [{ model: { source: ModelSource.fromUrl('gs://ml-models') } },
      "model.source url 'gs://ml-models' names a whole bucket: end it with '/' to copy the bucket, or name an object in it"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { sha256: 'abc' }) } },
      "model.source sha256 'abc' must be 64 hexadecimal digits"],
    [{ model: { source: ModelSource.fromUrl('gs://bucket/models/', { sha256: 'a'.repeat(64) }) } },
      `model.source sha256 '${'a'.repeat(64)}' cannot check a folder; give the URL of one file (e.g. a .tar.gz) to check it`],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.tar.gz', { archivePath: '../etc' }) } },
      "model.source archivePath '../etc' must be a relative folder path inside the archive, such as 'resnet/saved_model'"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { archivePath: 'a' }) } },
      "model.source archivePath 'a' only applies to a .tar.gz, .tgz, .tar or .zip"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { image: 'curlimages/curl:latest' }) } },
      "model.source image 'curlimages/curl:latest' must be pinned to a release tag or a digest"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { sizeLimit: '10GB' }) } },
      "model.source sizeLimit '10GB' must be a Kubernetes quantity such as '10Gi'"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { authorization: 'Bearer hf_x' } as never) } },
      "model.source authorization '...' must be an EnvValue such as EnvValue.fromSecret('hf-token', 'authorization'): a credential written in the "
      + 'manifest is readable by all who can read the Deployment'],
    [{ model: { source: ModelSource.fromUrl('s3://bucket/m.pkl', { authorization: EnvValue.fromSecret('t', 'k') }) } },
      "model.source authorization '...' only applies to https://; gs:// and s3:// use the pod's service account"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { env: { AWS_SECRET_ACCESS_KEY: EnvValue.fromSecret('Bad_Name', 'k') } }) } },
      "model.source initContainers[0].env.AWS_SECRET_ACCESS_KEY 'Bad_Name' must name a Secret: a DNS-1123 subdomain"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { env: { MODEL_URL: 'x' } }) } },
      "model.source env name 'MODEL_URL' is set by the download itself"],
    [{ replicas: 2, model: { source: ModelSource.fromClaim('m', { create: { storage: '1Gi', accessModes: ['ReadWriteOnce'] } }) } },
      "model.source create.accessModes 'ReadWriteOnce' attaches the volume to one node only, but the app may run more than one pod: pods on other "
      + 'nodes would fail with Multi-Attach errors; use ReadOnlyMany or ReadWriteMany'],
    [{ model: { source: ModelSource.fromClaim('m', { create: { storage: 'lots' } }) } },
      "model.source create.storage 'lots' must be a Kubernetes quantity such as '10Gi'"],
    [{ model: { source: ModelSource.fromClaim('m', { create: { storage: '1Gi', accessModes: ['ReadWriteSometimes'] } }) } },
      'model.source create.accessModes ["ReadWriteSometimes"] must be a non-empty list of ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod'],
    [{ model: { source: ModelSource.fromUri('gs://bucket/model') } },
      'model.env (unset) is required with ModelSource.fromUri: the server reads gs://bucket/model itself and must be told where'],
    [{ model: { source: ModelSource.fromImage(), path: 'model' } }, "model.path 'model' must be an absolute folder path starting with '/', without a trailing '/'"],
    [{ model: { source: ModelSource.fromImage(), path: '/tmp' } }, "model.path '/tmp' is also a writable path or in mounts; give the model a folder of its own"],
    [{ model: { source: ModelSource.fromImage(), env: '1PATH' } }, "model.env '1PATH' must consist of letters, digits, '_', '-' or '.' and not start with a digit"],
    [{ env: { MODEL: 'x' }, model: { source: ModelSource.fromImage(), env: 'MODEL' } },
      "model.env 'MODEL' is also set in env; the construct sets it to the model path"],
    [{ model: { source: ModelSource.fromUrl('https://example.com/m.pkl', { sha265: 'x' } as never) } },
      "model.source unknown option 'sha265'; did you mean 'sha256'?"],
    [{ model: { source: ModelSource.fromClaim('m', { create: { storage: '1Gi', storageClass: 'fast' } } as never) } },
      "model.source unknown option 'create.storageClass'; did you mean 'storageClassName'?"],
    [{ model: { source: ModelSource.fromClaim('m', { size: '1Gi' } as never) } }, "model.source unknown option 'size'"],
    [{ model: { source: ModelSource.fromClaim('m', { create: null } as never) } }, 'model.source create null must be { storage, storageClassName?, accessModes? }'],
    [{ model: { source: ModelSource.fromUrl(42 as never) } },
      "model.source url 42 must be an https://, gs:// or s3:// URL such as 'https://example.com/models/resnet.tar.gz' (letters, digits and . _ ~ % + , = : @ / - only)"],
    [{ model: { source: ModelSource.fromClaim('m', { create: {} } as never) } }, "model.source create.storage (unset) must be a Kubernetes quantity such as '10Gi'"],
    [{ model: {} }, 'model.source (unset) must be a ModelSource (ModelSource.fromClaim, fromUri, fromUrl, fromImage or fromHostPath, '
      + 'or an object with a bind(context) method)'],
  ])('%j', (props, message) => {
    expect(refused(props)).toBe(`ModelServingApp 'test/api': ${message}`);
  });

  test('a ReadWriteMany claim is fine for several replicas', () => {
    const objects = build({ replicas: 3, model: { source: ModelSource.fromClaim('m', { create: { storage: '1Gi' } }) } });
    expect(findObject(objects, 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadWriteMany']);
  });
});

describe('waivers a source records', () => {
  test('of a volume rule cover only the volumes of the sources that recorded them, joined in one annotation', () => {
    const objects = synth(chart => new TfServingApp(chart, 'tf', {
      models: [{ name: 'a', source: ModelSource.fromHostPath('/data/a') }, { name: 'b', source: ModelSource.fromHostPath('/data/b') }],
    }));
    expect(findObject(objects, 'Deployment').metadata.annotations['model-serving.cdk8s.io/waive.pss-restricted.host-path'])
      .toBe('volumes=model-0,model-1; ModelSource.fromHostPath: the model is a folder on the node, for minikube or kind only');
  });

  test('of a rule about the whole pod stay unscoped', () => {
    const own: ModelSource = { bind: () => ({ inImage: true, waivers: { 'image/pinned-tag': 'the registry pins it' } }) } as unknown as ModelSource;
    const objects = build({ model: { source: own } });
    expect(findObject(objects, 'Deployment').metadata.annotations['model-serving.cdk8s.io/waive.image.pinned-tag']).toBe('the registry pins it');
  });
});
