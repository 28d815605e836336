// A model on a PersistentVolumeClaim, optionally emitted by the construct.
import { isDns1123Subdomain, isQuantity } from '../kubernetes-rules';
import { ModelClaim, ModelSourceConfig, ModelSourceContext } from './context';
import { sourceProblem, unknownOptionProblems } from './problem';

/** The access modes Kubernetes knows; the values are the wire strings. */
const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
/** Modes a volume can be attached with on one node only: pods of a second node fail with Multi-Attach errors. */
const SINGLE_NODE_MODES = ['ReadWriteOnce', 'ReadWriteOncePod'];

/** The PersistentVolumeClaim to create. */
export interface ClaimCreateOptions {
  /** The requested size, a Kubernetes quantity such as `'10Gi'`. */
  readonly storage: string;
  /** @default - the cluster's default StorageClass */
  readonly storageClassName?: string;
  /**
   * `ReadWriteOnce` attaches the volume to one node only, so it is refused for an app that may run more than one pod.
   * @default - ['ReadWriteOnce'] for an app that runs one pod, else ['ReadWriteMany']
   */
  readonly accessModes?: string[];
}

export interface ClaimOptions {
  /** Emit the claim too. @default - the claim must exist already */
  readonly create?: ClaimCreateOptions;
}

export class ClaimModelSource {
  constructor(private readonly claimName: string, private readonly options: ClaimOptions) {}

  public bind(context: ModelSourceContext): ModelSourceConfig {
    const problems = unknownOptionProblems(context, this.options, ['create']);
    if (typeof this.options?.create === 'object' && this.options.create !== null) {
      problems.push(...unknownOptionProblems(context, this.options.create, ['storage', 'storageClassName', 'accessModes'])
        .map(problem => problem.replace("unknown option '", "unknown option 'create.")));
    }
    const create = this.options?.create;
    if (create !== undefined && (typeof create !== 'object' || create === null)) {
      problems.push(sourceProblem(context, 'create', create, 'must be { storage, storageClassName?, accessModes? }'));
    }
    const claim = typeof create === 'object' && create !== null ? this.claimToCreate(context, problems) : undefined;
    if (!(typeof this.claimName === 'string' && isDns1123Subdomain(this.claimName))) {
      problems.push(sourceProblem(context, 'claimName', this.claimName, 'must be a DNS-1123 subdomain'));
    }
    return {
      problems,
      volumes: [{ name: context.volumeName, persistentVolumeClaim: { claimName: this.claimName, readOnly: true } }],
      claims: claim ? [claim] : [],
    };
  }

  private claimToCreate(context: ModelSourceContext, problems: string[]): ModelClaim {
    const create = this.options.create as ClaimCreateOptions;
    const accessModes = create.accessModes ?? [context.mayRunSeveralReplicas ? 'ReadWriteMany' : 'ReadWriteOnce'];
    if (!(typeof create.storage === 'string' && isQuantity(create.storage))) {
      problems.push(sourceProblem(context, 'create.storage', create.storage, "must be a Kubernetes quantity such as '10Gi'"));
    }
    if (create.storageClassName !== undefined && !isDns1123Subdomain(create.storageClassName)) {
      problems.push(sourceProblem(context, 'create.storageClassName', create.storageClassName, 'must be a DNS-1123 subdomain'));
    }
    if (!Array.isArray(accessModes) || accessModes.length === 0 || accessModes.some(m => !ACCESS_MODES.includes(m))) {
      problems.push(sourceProblem(context, 'create.accessModes', accessModes, `must be a non-empty list of ${ACCESS_MODES.join(', ')}`));
    } else if (context.mayRunSeveralReplicas) {
      for (const mode of accessModes.filter(m => SINGLE_NODE_MODES.includes(m))) {
        problems.push(sourceProblem(context, 'create.accessModes', mode, 'attaches the volume to one node only, but the app may run more '
          + 'than one pod: pods on other nodes would fail with Multi-Attach errors; use ReadOnlyMany or ReadWriteMany'));
      }
    }
    return { name: this.claimName, storage: create.storage, storageClassName: create.storageClassName, accessModes };
  }
}
