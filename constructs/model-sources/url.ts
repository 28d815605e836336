// A model downloaded before the server starts: a fetch init container per scheme, then an unpack init container.
import { k8s } from 'cdk8s-plus-28';

import { EnvValue } from '../env-value';
import { merge } from '../internal/merge';
import { parseImageOnce } from '../internal/remembered-rules';
import { isEnvVarName } from '../kubernetes-rules/names';
import { isQuantity } from '../kubernetes-rules/quantity';
import { ResourcesProps } from '../serving-props';
import { ModelServer, ModelSourceConfig, ModelSourceContext } from './context';
import { FETCH_SCRIPT, UNPACK_SCRIPT } from './download-scripts';
import { sourceProblem, unknownOptionProblems } from './problem';

/**
 * The images that fetch a model, by URL scheme, pinned to exact releases. Each holds `sh` and its scheme's tool:
 * `curl` (https://), `gcloud` (gs://), `aws` (s3://).
 */
export const DEFAULT_FETCH_IMAGES: { readonly https: string; readonly gs: string; readonly s3: string } = {
  https: 'curlimages/curl:8.12.1',
  gs: 'google/cloud-sdk:530.0.0-slim',
  s3: 'amazon/aws-cli:2.27.9',
};

/** The image that checks the digest and unpacks: Alpine's busybox has `sha256sum`, `tar` with gzip and `unzip`. */
export const DEFAULT_UNPACK_IMAGE = 'curlimages/curl:8.12.1';

const MODEL_DIR = '/model';
const SCRATCH_DIR = '/tmp';
const MODEL_SCRATCH = `${SCRATCH_DIR}/model-download`;
const CLOUDSDK_CONFIG = `${SCRATCH_DIR}/gcloud`;
/** gcloud and aws are Python programs: 512Mi leaves room for parallel transfers. */
const DEFAULT_RESOURCES: ResourcesProps = { cpu: { request: '100m' }, memory: { request: '128Mi', limit: '512Mi' } };

// Characters a URL may carry: no white space, quotes, `$`, backquotes, backslashes or parentheses, even though the
// scripts only ever see the URL through an environment variable.
const HTTPS_URL = /^https:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~%+,=:@/-]*)?(\?[A-Za-z0-9._~%+,=:@/?&-]*)?$/;
const BUCKET_URL = /^(gs|s3):\/\/[a-z0-9][a-z0-9._-]{1,220}[a-z0-9](\/[A-Za-z0-9._~%+,=:@/-]*)?$/;
const ARCHIVE_PATH = /^[A-Za-z0-9._+-]+(\/[A-Za-z0-9._+-]+)*$/;
const SHA256 = /^[0-9a-fA-F]{64}$/;
/** Variables the scripts read; `env` cannot set them. */
const SCRIPT_ENV = ['MODEL_URL', 'MODEL_FORMAT', 'MODEL_FILE', 'MODEL_SHA256', 'MODEL_ARCHIVE_PATH', 'MODEL_VERSIONED', 'MODEL_DIR',
  'MODEL_SCRATCH', 'MODEL_AUTHORIZATION', 'HOME', 'CLOUDSDK_CONFIG'];
const OPTIONS = ['sha256', 'archivePath', 'image', 'unpackImage', 'resources', 'sizeLimit', 'authorization', 'env'];
const IMAGE_OPTIONS = ['image', 'unpackImage'] as const;
const RESOURCE_NAMES = ['cpu', 'memory'] as const;
const RESOURCE_BOUNDS = ['request', 'limit'] as const;

type Format = 'tar.gz' | 'tar' | 'zip' | 'file' | 'folder';

export interface UrlOptions {
  /** The SHA-256 of the downloaded file, 64 hex digits; the pod does not start when it differs. @default - not checked */
  readonly sha256?: string;
  /**
   * The folder inside the archive that holds the model (for TfServingApp: the one that holds the version folders).
   * @default - the archive's top level
   */
  readonly archivePath?: string;
  /** The image that fetches the URL; it needs `sh` and `curl`, `gcloud` or `aws` for its scheme. @default - DEFAULT_FETCH_IMAGES for the scheme */
  readonly image?: string;
  /** The image that checks the digest and unpacks; it needs `sh`, `sha256sum`, `tar` with gzip and `unzip`. @default DEFAULT_UNPACK_IMAGE */
  readonly unpackImage?: string;
  /** Of each of the two init containers. @default - cpu request 100m, memory request 128Mi, memory limit 512Mi (or the request, if larger) */
  readonly resources?: ResourcesProps;
  /** The most the model (and, separately, the download) may take on the node's disk. @default - no limit */
  readonly sizeLimit?: string;
  /**
   * The Authorization header of an https:// download, from a Secret: `EnvValue.fromSecret('hf-token', 'authorization')`
   * whose value is e.g. `Bearer hf_...`. `gs://` and `s3://` use the pod's identity instead.
   * @default - no Authorization header
   */
  readonly authorization?: EnvValue;
  /**
   * Extra variables for the fetch tools, strings or EnvValues: `AWS_REGION`, `AWS_ENDPOINT_URL` (MinIO), `HTTPS_PROXY`,
   * or `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` from a Secret where there is no pod identity.
   * @default - none
   */
  readonly env?: { [name: string]: string | EnvValue };
}

export class UrlModelSource {
  constructor(private readonly url: string, private readonly options: UrlOptions) {}

  public bind(context: ModelSourceContext): ModelSourceConfig {
    const options = this.options ?? {};
    const problems = unknownOptionProblems(context, this.options, OPTIONS);
    const format = this.checkUrl(context, problems);
    checkOptions(context, options, format, problems);
    if (options.authorization !== undefined && format !== undefined && !this.url.startsWith('https://')) {
      problems.push(sourceProblem(context, 'authorization', '...', 'only applies to https://; gs:// and s3:// use the pod\'s service account'));
    }
    if (problems.length > 0 || format === undefined) {
      return { problems };
    }
    const scheme = this.url.slice(0, this.url.indexOf(':')) as 'https' | 'gs' | 's3';
    const downloadVolume = `${context.volumeName}-download`;
    const env = scriptEnv(this.url, format, options, context.server === ModelServer.TF_SERVING);
    // Credentials and the tools' settings are for the fetch step only: unpacking needs neither.
    const fetchEnv: { [name: string]: string | EnvValue } = merge(env, options.env);
    if (options.authorization !== undefined) {
      fetchEnv.MODEL_AUTHORIZATION = options.authorization;
    }
    // Given cpu or memory replaces ours; a lone memory request is then also the limit, if larger than every init container's.
    const resources: ResourcesProps = merge(DEFAULT_RESOURCES, options.resources);
    const volumeMounts = { [MODEL_DIR]: context.volumeName, [SCRATCH_DIR]: downloadVolume };
    const emptyDir = options.sizeLimit !== undefined ? { sizeLimit: k8s.Quantity.fromString(options.sizeLimit) } : {};
    return {
      volumes: [{ name: context.volumeName, emptyDir }, { name: downloadVolume, emptyDir }],
      initContainers: [
        {
          name: `${context.volumeName}-fetch`, image: options.image ?? DEFAULT_FETCH_IMAGES[scheme], command: ['sh', '-c', FETCH_SCRIPT],
          env: fetchEnv, resources, volumeMounts,
        },
        {
          name: `${context.volumeName}-unpack`, image: options.unpackImage ?? DEFAULT_UNPACK_IMAGE, command: ['sh', '-c', UNPACK_SCRIPT],
          env, resources, volumeMounts,
        },
      ],
    };
  }

  /** The format the URL names, or undefined (with a problem) when the URL is refused. */
  private checkUrl(context: ModelSourceContext, problems: string[]): Format | undefined {
    const url = this.url;
    if (!(typeof url === 'string' && (HTTPS_URL.test(url) || BUCKET_URL.test(url)))) {
      problems.push(sourceProblem(context, 'url', url, "must be an https://, gs:// or s3:// URL such as 'https://example.com/models/resnet.tar.gz' "
        + '(letters, digits and . _ ~ % + , = : @ / - only)'));
      return undefined;
    }
    const path = withoutQuery(url);
    const https = url.startsWith('https://');
    const bare = !path.slice(path.indexOf('//') + 2).includes('/');
    if (https && (bare || path.endsWith('/'))) {
      problems.push(sourceProblem(context, 'url', url, 'names no file: an https:// URL must end with the file name; only gs:// and s3:// folders end in /'));
      return undefined;
    }
    if (bare) {
      problems.push(sourceProblem(context, 'url', url, "names a whole bucket: end it with '/' to copy the bucket, or name an object in it"));
      return undefined;
    }
    if (path.endsWith('/')) {
      return 'folder';
    }
    const format = formatOf(path);
    if (format === 'file' && context.server === ModelServer.TF_SERVING) {
      problems.push(sourceProblem(context, 'url', url, 'is a single file, but TF Serving loads version folders (1/, 2/, ...): '
        + "give a .tar.gz, .tgz, .tar or .zip that holds them, or a gs:// or s3:// folder ending in '/'"));
      return undefined;
    }
    return format;
  }
}

function formatOf(path: string): Format {
  if (/\.(tar\.gz|tgz)$/.test(path)) {
    return 'tar.gz';
  }
  if (path.endsWith('.tar')) {
    return 'tar';
  }
  return path.endsWith('.zip') ? 'zip' : 'file';
}

function checkOptions(context: ModelSourceContext, options: UrlOptions, format: Format | undefined, problems: string[]): void {
  const { sha256, archivePath, sizeLimit } = options;
  if (sha256 !== undefined) {
    if (!(typeof sha256 === 'string' && SHA256.test(sha256))) {
      problems.push(sourceProblem(context, 'sha256', sha256, 'must be 64 hexadecimal digits'));
    } else if (format === 'folder') {
      problems.push(sourceProblem(context, 'sha256', sha256, 'cannot check a folder; give the URL of one file (e.g. a .tar.gz) to check it'));
    }
  }
  if (archivePath !== undefined) {
    if (!(typeof archivePath === 'string' && ARCHIVE_PATH.test(archivePath) && !archivePath.split('/').some(s => s === '..' || s === '.'))) {
      problems.push(sourceProblem(context, 'archivePath', archivePath, "must be a relative folder path inside the archive, such as 'resnet/saved_model'"));
    } else if (format === 'file' || format === 'folder') {
      problems.push(sourceProblem(context, 'archivePath', archivePath, 'only applies to a .tar.gz, .tgz, .tar or .zip'));
    }
  }
  if (sizeLimit !== undefined && !(typeof sizeLimit === 'string' && isQuantity(sizeLimit))) {
    problems.push(sourceProblem(context, 'sizeLimit', sizeLimit, "must be a Kubernetes quantity such as '10Gi'"));
  }
  for (let i = 0; i < IMAGE_OPTIONS.length; i++) {
    const prop = IMAGE_OPTIONS[i];
    const image = options[prop];
    if (image !== undefined) {
      const parsed = typeof image === 'string' ? parseImageOnce(image) : 'must be a string';
      const problem = typeof parsed === 'string' ? parsed
        : (parsed.tag === undefined && parsed.digest === undefined) || (parsed.tag === 'latest' && parsed.digest === undefined)
          ? 'must be pinned to a release tag or a digest' : undefined;
      if (problem) {
        problems.push(sourceProblem(context, prop, image, problem));
      }
    }
  }
  checkResources(context, options.resources, problems);
  if (options.authorization !== undefined && !(options.authorization instanceof EnvValue)) {
    problems.push(sourceProblem(context, 'authorization', typeof options.authorization === 'string' ? '...' : options.authorization,
      "must be an EnvValue such as EnvValue.fromSecret('hf-token', 'authorization'): a credential written in the manifest is readable by all "
      + 'who can read the Deployment'));
  }
  const env = options.env ?? {};
  const names = Object.keys(env);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const value = env[name];
    if (!isEnvVarName(name) || SCRIPT_ENV.includes(name)) {
      problems.push(sourceProblem(context, 'env name', name, SCRIPT_ENV.includes(name) ? 'is set by the download itself'
        : "must consist of letters, digits, '_', '-' or '.' and not start with a digit"));
    } else if (typeof value !== 'string' && !(value instanceof EnvValue)) {
      problems.push(sourceProblem(context, `env.${name}`, value, 'must be a string or an EnvValue'));
    }
  }
}

function checkResources(context: ModelSourceContext, resources: ResourcesProps | undefined, problems: string[]): void {
  for (let i = 0; i < RESOURCE_NAMES.length; i++) {
    const resource = RESOURCE_NAMES[i];
    for (let j = 0; j < RESOURCE_BOUNDS.length; j++) {
      const bound = RESOURCE_BOUNDS[j];
      const value = resources?.[resource]?.[bound];
      if (value !== undefined && !(typeof value === 'string' && isQuantity(value))) {
        problems.push(sourceProblem(context, `resources.${resource}.${bound}`, value, 'is not a Kubernetes quantity'));
      }
    }
  }
}

function scriptEnv(url: string, format: Format, options: UrlOptions, versioned: boolean): { [name: string]: string } {
  const path = withoutQuery(url);
  // Set one by one, in this order, leaving out what does not apply.
  const vars: { [name: string]: string } = {
    MODEL_URL: url,
    MODEL_FORMAT: format,
    MODEL_FILE: format === 'folder' ? '' : path.slice(path.lastIndexOf('/') + 1),
  };
  if (options.sha256 !== undefined) {
    vars.MODEL_SHA256 = options.sha256.toLowerCase();
  }
  if (options.archivePath !== undefined) {
    vars.MODEL_ARCHIVE_PATH = options.archivePath;
  }
  if (versioned) {
    vars.MODEL_VERSIONED = 'true';
  }
  vars.MODEL_DIR = MODEL_DIR;
  vars.MODEL_SCRATCH = MODEL_SCRATCH;
  // The root file system is read-only: the tools keep their settings and caches on the scratch emptyDir.
  vars.HOME = SCRATCH_DIR;
  vars.CLOUDSDK_CONFIG = CLOUDSDK_CONFIG;
  return vars;
}

function withoutQuery(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
