import { ConstructMount } from './internal/construct-mount';
import { PropProblems } from './internal/problems';
import { isDns1123Subdomain, waiverAnnotation } from './kubernetes-rules';
import { Mount } from './mount';

/**
 * What a model source adds to the server's pod so that TF Serving finds the model at `<MODEL_BASE_PATH>/<MODEL_NAME>`.
 * The construct consumes a source only through this and `ModelSource`'s internal hooks.
 */
export interface BoundModelSource {
  /** What MODEL_BASE_PATH is set to. */
  readonly modelBasePath: string;
  /** Volumes of the server by path. */
  readonly mounts: { readonly [path: string]: Mount };
  /** Waiver annotations for policy rules this source breaks, each with its reason. */
  readonly waivers: Record<string, string>;
}

const URI = /^(gs|s3):\/\/[^/\s]+(\/[^\s]*)?$/;
const MODEL_VOLUME = 'model';
const HOST_PATH_REASON = 'ModelSource.fromHostPath: the model is a folder on the node, for minikube or kind only';

/** Where TF Serving finds the model. */
export abstract class ModelSource {
  /** An existing PersistentVolumeClaim, mounted read-only at `<modelBasePath>/<modelName>`. */
  public static fromClaim(claimName: string): ModelSource {
    return new ClaimModelSource(claimName);
  }

  /**
   * A model store TF Serving reads directly: `gs://bucket/path/<modelName>` or `s3://bucket/path/<modelName>`.
   * MODEL_BASE_PATH becomes the URI's parent; credentials come from the pod's identity or `env`.
   */
  public static fromUri(uri: string): ModelSource {
    return new UriModelSource(uri);
  }

  /** The model is baked into a custom image at `<modelBasePath>/<modelName>`; no volume. */
  public static fromImage(): ModelSource {
    return new ImageModelSource();
  }

  /**
   * A folder on the node, for minikube and kind only. It breaks the Pod Security Standards 'restricted'
   * profile (hostPath volumes are forbidden there), so the Deployment records a waiver saying so.
   */
  public static fromHostPath(path: string): ModelSource {
    return new HostPathModelSource(path);
  }

  /** @internal */
  public abstract _check(p: PropProblems, modelName: string): void;

  /** @internal */
  public abstract _bind(modelBasePath: string, modelName: string): BoundModelSource;

  /** @internal True when the model must be inside the image. */
  public _needsCustomImage(): boolean {
    return false;
  }

  /** @internal True when the source sets MODEL_BASE_PATH itself, so a `modelBasePath` prop would be ignored. */
  public _setsModelBasePath(): boolean {
    return false;
  }
}

class ClaimModelSource extends ModelSource {
  constructor(private readonly claimName: string) {
    super();
  }

  public _check(p: PropProblems): void {
    p.check(isDns1123Subdomain(this.claimName), 'modelSource claimName', this.claimName, 'must be a DNS-1123 subdomain');
  }

  public _bind(modelBasePath: string, modelName: string): BoundModelSource {
    const volume = { persistentVolumeClaim: { claimName: this.claimName, readOnly: true } };
    return { modelBasePath, mounts: { [`${modelBasePath}/${modelName}`]: new ConstructMount(MODEL_VOLUME, volume, true) }, waivers: {} };
  }
}

class UriModelSource extends ModelSource {
  constructor(private readonly uri: string) {
    super();
  }

  public _check(p: PropProblems, modelName: string): void {
    if (!p.check(URI.test(this.uri), 'modelSource uri', this.uri, "must be 'gs://bucket/path/<modelName>' or 's3://bucket/path/<modelName>'")) {
      return;
    }
    const { modelFolder } = this.split();
    p.check(modelFolder === modelName, 'modelSource uri', this.uri,
      `must end with the model name '${modelName}': TF Serving loads <MODEL_BASE_PATH>/<MODEL_NAME>`);
  }

  public _bind(): BoundModelSource {
    return { modelBasePath: this.split().parent, mounts: {}, waivers: {} };
  }

  public _setsModelBasePath(): boolean {
    return true;
  }

  private split(): { parent: string; modelFolder: string } {
    const trimmed = this.uri.replace(/\/+$/, '');
    const slash = trimmed.lastIndexOf('/');
    return { parent: trimmed.slice(0, slash), modelFolder: trimmed.slice(slash + 1) };
  }
}

class ImageModelSource extends ModelSource {
  public _check(): void {}

  public _bind(modelBasePath: string): BoundModelSource {
    return { modelBasePath, mounts: {}, waivers: {} };
  }

  public _needsCustomImage(): boolean {
    return true;
  }
}

class HostPathModelSource extends ModelSource {
  constructor(private readonly path: string) {
    super();
  }

  public _check(p: PropProblems): void {
    p.check(/^\/\S*$/.test(this.path), 'modelSource hostPath', this.path, "must be an absolute path starting with '/'");
  }

  public _bind(modelBasePath: string, modelName: string): BoundModelSource {
    const volume = { hostPath: { path: this.path, type: 'Directory' } };
    return {
      modelBasePath,
      mounts: { [`${modelBasePath}/${modelName}`]: new ConstructMount(MODEL_VOLUME, volume, true) },
      waivers: {
        [waiverAnnotation('pss-restricted/host-path')]: HOST_PATH_REASON,
      },
    };
  }
}
