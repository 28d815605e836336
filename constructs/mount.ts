// Volumes for the `mounts` prop: one Mount per folder of the container, with the volume it needs.
import { k8s } from 'cdk8s-plus-28';

import { PropProblems } from './internal/problems';
import { isDns1123Subdomain, isQuantity } from './kubernetes-rules';

/** Options of `Mount.claim`. */
export interface ClaimMountOptions {
  /** @default false */
  readonly readOnly?: boolean;
}

/** Options of `Mount.emptyDir`. */
export interface EmptyDirMountOptions {
  /** A quantity such as `'1Gi'`; the pod is evicted when it writes more. @default - no limit but the node's disk */
  readonly sizeLimit?: string;
}

/**
 * A volume mounted at one path of a container (the key of the `mounts` prop). Give the same Mount to the
 * server and a sidecar to share one volume between them.
 */
export abstract class Mount {
  /** An existing Secret, read-only, one file per key (TLS certificates, credential files). */
  public static secret(secretName: string): Mount {
    return new SourceMount('secret', secretName, true, { secret: { secretName } });
  }

  /** An existing ConfigMap, read-only, one file per key. */
  public static configMap(configMapName: string): Mount {
    return new SourceMount('configMap', configMapName, true, { configMap: { name: configMapName } });
  }

  /** An existing PersistentVolumeClaim. */
  public static claim(claimName: string, options: ClaimMountOptions = {}): Mount {
    const readOnly = options.readOnly ?? false;
    return new SourceMount('claim', claimName, readOnly, { persistentVolumeClaim: { claimName, readOnly: readOnly || undefined } });
  }

  /**
   * A folder in memory (tmpfs), e.g. a larger `/dev/shm` for PyTorch data loaders. Its contents count against
   * the container's memory limit.
   */
  public static memory(sizeLimit: string): Mount {
    return new EmptyDirMount({ medium: 'Memory', sizeLimit });
  }

  /** A scratch folder on the node's disk, emptied when the pod goes. */
  public static emptyDir(options: EmptyDirMountOptions = {}): Mount {
    return new EmptyDirMount({ sizeLimit: options.sizeLimit });
  }

  /** @internal True when the container may not write to it. */
  public abstract readonly _readOnly: boolean;

  /** @internal Mounts with the same key share one volume; undefined: only the same Mount object shares it. */
  public abstract readonly _shareKey?: string;

  /** @internal The volume name to use when it is free, else one is derived from the path. */
  public readonly _volumeName?: string;

  /** @internal Bytes of memory the volume may take from the pod's memory, for `Mount.memory`. */
  public _memoryBytes(): string | undefined {
    return undefined;
  }

  /** @internal Records what is wrong with this mount, at `prop`. */
  public abstract _check(p: PropProblems, prop: string): void;

  /** @internal The volume, without its name. */
  public abstract _volume(): Omit<k8s.Volume, 'name'>;
}

class SourceMount extends Mount {
  public readonly _shareKey: string;

  constructor(private readonly kind: string, private readonly sourceName: string, public readonly _readOnly: boolean,
    private readonly volume: Omit<k8s.Volume, 'name'>) {
    super();
    this._shareKey = `${kind}/${sourceName}/${_readOnly}`;
  }

  public _check(p: PropProblems, prop: string): void {
    p.check(typeof this.sourceName === 'string' && isDns1123Subdomain(this.sourceName), prop, this.sourceName,
      `must name a ${this.kind === 'claim' ? 'PersistentVolumeClaim' : this.kind === 'secret' ? 'Secret' : 'ConfigMap'}: a DNS-1123 subdomain`);
  }

  public _volume(): Omit<k8s.Volume, 'name'> {
    return this.volume;
  }
}

class EmptyDirMount extends Mount {
  public readonly _readOnly = false;
  public readonly _shareKey = undefined;

  constructor(private readonly emptyDir: { medium?: string; sizeLimit?: string }) {
    super();
  }

  public _memoryBytes(): string | undefined {
    return this.emptyDir.medium === 'Memory' ? this.emptyDir.sizeLimit : undefined;
  }

  public _check(p: PropProblems, prop: string): void {
    const size = this.emptyDir.sizeLimit;
    if (size !== undefined || this.emptyDir.medium === 'Memory') {
      p.check(typeof size === 'string' && isQuantity(size), `${prop} sizeLimit`, size, "must be a Kubernetes quantity such as '1Gi'");
    }
  }

  public _volume(): Omit<k8s.Volume, 'name'> {
    const { medium, sizeLimit } = this.emptyDir;
    return { emptyDir: { medium, sizeLimit: sizeLimit !== undefined ? k8s.Quantity.fromString(sizeLimit) : undefined } };
  }
}
