import { k8s } from 'cdk8s-plus-28';

import { PropProblems } from './internal/problems';
import { isDns1123Subdomain, sensitiveHostPath, volumeWaiverValue, waiverAnnotation } from './kubernetes-rules';

/** The volume, mount and settings that make a model visible to TF Serving at `<MODEL_BASE_PATH>/<MODEL_NAME>`. */
export interface BoundModelSource {
  /** What MODEL_BASE_PATH is set to. */
  readonly modelBasePath: string;
  readonly volumes: k8s.Volume[];
  readonly volumeMounts: k8s.VolumeMount[];
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
   * profile (hostPath volumes are forbidden there), so the Deployment records a waiver saying so, scoped to the
   * model volume. Sensitive host folders (`/`, `/etc`, `/var/run`, the container runtime's socket, ...) are refused.
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
}

class ClaimModelSource extends ModelSource {
  constructor(private readonly claimName: string) {
    super();
  }

  public _check(p: PropProblems): void {
    p.check(isDns1123Subdomain(this.claimName), 'modelSource claimName', this.claimName, 'must be a DNS-1123 subdomain');
  }

  public _bind(modelBasePath: string, modelName: string): BoundModelSource {
    return {
      modelBasePath,
      volumes: [{ name: MODEL_VOLUME, persistentVolumeClaim: { claimName: this.claimName, readOnly: true } }],
      volumeMounts: [{ name: MODEL_VOLUME, mountPath: `${modelBasePath}/${modelName}`, readOnly: true }],
      waivers: {},
    };
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
    return { modelBasePath: this.split().parent, volumes: [], volumeMounts: [], waivers: {} };
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
    return { modelBasePath, volumes: [], volumeMounts: [], waivers: {} };
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
    if (p.check(/^\/\S*$/.test(this.path), 'modelSource hostPath', this.path, "must be an absolute path starting with '/'")) {
      const sensitive = sensitiveHostPath(this.path);
      p.check(sensitive === undefined, 'modelSource hostPath', this.path, `must not be a sensitive host folder: ${sensitive ?? ''}`);
    }
  }

  public _bind(modelBasePath: string, modelName: string): BoundModelSource {
    return {
      modelBasePath,
      volumes: [{ name: MODEL_VOLUME, hostPath: { path: this.path, type: 'Directory' } }],
      volumeMounts: [{ name: MODEL_VOLUME, mountPath: `${modelBasePath}/${modelName}`, readOnly: true }],
      waivers: {
        [waiverAnnotation('pss-restricted/host-path')]: volumeWaiverValue([MODEL_VOLUME], HOST_PATH_REASON),
      },
    };
  }
}
