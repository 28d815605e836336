// Where a served model comes from. `ModelSource` is open: the built-in sources below implement the same public
// `bind` contract a user's own source does, and the constructs treat both alike (check the result, then render it).
import { ClaimModelSource, ClaimOptions } from './model-sources/claim';
import { ModelSourceConfig, ModelSourceContext } from './model-sources/context';
import { HostPathModelSource } from './model-sources/host-path';
import { ImageModelSource } from './model-sources/image';
import { UriModelSource } from './model-sources/uri';
import { UrlModelSource, UrlOptions } from './model-sources/url';

export type { ClaimCreateOptions, ClaimOptions } from './model-sources/claim';
export * from './model-sources/context';
export type { UrlOptions } from './model-sources/url';
export { DEFAULT_FETCH_IMAGES, DEFAULT_UNPACK_IMAGE } from './model-sources/url';

/**
 * Where the served model comes from. Use a factory below, or implement `bind` for a source of your own
 * (`class MySource extends ModelSource`, or any object with a `bind` method).
 */
export abstract class ModelSource {
  /**
   * A PersistentVolumeClaim, mounted read-only at the model's path. With `create`, the construct also emits the claim;
   * without it, the claim must exist (pods stay Pending until it does).
   */
  public static fromClaim(claimName: string, options: ClaimOptions = {}): ModelSource {
    return new ClaimModelSource(claimName, options);
  }

  /**
   * A store the server reads itself. For TfServingApp, `gs://bucket/path/<modelName>` (TF Serving 2.7 and later no longer
   * reads `s3://`; use `fromUrl`, which downloads it). For ModelServingApp, `gs://` or `s3://`, handed to the server in
   * `model.env`.
   */
  public static fromUri(uri: string): ModelSource {
    return new UriModelSource(uri);
  }

  /**
   * Downloaded before the server starts: `https://`, `gs://` or `s3://` (a `gs://` or `s3://` URL ending in `/` is a folder,
   * copied whole). Init containers fetch it into an emptyDir, check its `sha256` when given, and unpack a `.tar.gz`,
   * `.tgz`, `.tar` or `.zip`; any other file is left as it is. `gs://` and `s3://` use the pod's service account
   * (GKE Workload Identity, EKS IRSA).
   */
  public static fromUrl(url: string, options: UrlOptions = {}): ModelSource {
    return new UrlModelSource(url, options);
  }

  /** The model is baked into a custom image at the model's path; no volume. */
  public static fromImage(): ModelSource {
    return new ImageModelSource();
  }

  /**
   * A folder on the node, for minikube and kind only. It breaks the Pod Security Standards 'restricted' profile (hostPath
   * volumes are forbidden there), so the Deployment records a waiver saying so. System folders are refused.
   */
  public static fromHostPath(path: string): ModelSource {
    return new HostPathModelSource(path);
  }

  /** What the source contributes to the pod of the app described by `context`. */
  public abstract bind(context: ModelSourceContext): ModelSourceConfig;
}
