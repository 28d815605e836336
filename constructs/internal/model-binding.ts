// Turns the model sources of an app into pod pieces: resolve (ask each source), check (what it returned), render
// (harden its init containers, mount its volume, emit its claims). Built-in and user-written sources take one path.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { isDns1123Label, waiverAnnotation } from '../kubernetes-rules';
import { ModelClaim, ModelSourceConfig, ModelSourceContext } from '../model-sources/context';
import { SecurityProps } from '../serving-props';
import { ObjectIdentity } from './objects';
import { PropProblems } from './problems';
import { resourceRequirements } from './resources';
import { containerSecurityContext, DEFAULT_UID } from './security';
import { checkImage } from './validate-props';

/** Where a resolved model is, for the server. */
export enum ModelLocation {
  /** On the volume mounted at `mountPath`. */
  VOLUME = 'volume',
  /** In a store the server reads itself, at `uri`. */
  URI = 'uri',
  /** Inside the server image, at `mountPath`. */
  IMAGE = 'image',
}

export interface ResolvedModel {
  readonly context: ModelSourceContext;
  readonly location: ModelLocation;
  /** Set when `location` is URI. */
  readonly uri?: string;
  readonly volumes: k8s.Volume[];
  readonly initContainers: k8s.Container[];
  readonly claims: ModelClaim[];
  /** Reasons by policy rule id. */
  readonly waivers: Record<string, string>;
}

/** Asks the source for its pod pieces and checks their shape; records problems and returns undefined when there are any. */
export function resolveModel(p: PropProblems, source: unknown, context: ModelSourceContext): ResolvedModel | undefined {
  const bind = (source as { bind?: unknown } | undefined)?.bind;
  if (typeof bind !== 'function') {
    p.add(`${context.prop} must be a ModelSource, e.g. ModelSource.fromUrl('https://...') or an object with a bind(context) method`);
    return undefined;
  }
  let config: ModelSourceConfig;
  try {
    config = bind.call(source, context);
  } catch (e) {
    p.add(`${context.prop} could not be bound: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (typeof config !== 'object' || config === null) {
    p.add(`${context.prop} bind() must return an object ({ volumes?, initContainers?, claims?, uri?, inImage?, waivers? }), not ${String(config)}`);
    return undefined;
  }
  const problems = config.problems ?? [];
  problems.forEach(problem => p.add(problem));
  const volumes = config.volumes ?? [];
  const location = config.uri !== undefined ? ModelLocation.URI : config.inImage ? ModelLocation.IMAGE : ModelLocation.VOLUME;
  if (problems.length === 0 && location === ModelLocation.VOLUME && !volumes.some(v => v.name === context.volumeName)) {
    p.add(`${context.prop} gives no volume named '${context.volumeName}', no uri and no inImage: the server would find no model`);
  }
  const initContainers = config.initContainers ?? [];
  for (const container of initContainers) {
    p.check(typeof container?.name === 'string' && isDns1123Label(container.name), `${context.prop} init container name`, container?.name,
      'must be a DNS-1123 label');
    checkImage(p, `${context.prop} init container image`, container?.image as string);
  }
  if (problems.length > 0) {
    return undefined;
  }
  return {
    context,
    location,
    uri: config.uri,
    volumes,
    initContainers,
    claims: config.claims ?? [],
    waivers: config.waivers ?? {},
  };
}

/** Two models must not share a volume or an init container name: Kubernetes refuses the pod. */
export function checkDistinctPodNames(p: PropProblems, models: ResolvedModel[], taken: string[]): void {
  const volumes = [...taken];
  const containers: string[] = [];
  for (const model of models) {
    for (const name of model.volumes.map(v => v.name)) {
      p.check(!volumes.includes(name), `${model.context.prop} volume`, name, 'is used twice in the pod');
      volumes.push(name);
    }
    for (const name of model.initContainers.map(c => c.name)) {
      p.check(!containers.includes(name), `${model.context.prop} init container`, name, 'is used twice in the pod');
      containers.push(name);
    }
  }
}

/** The server's read-only mount of each model that lives on a volume. */
export function modelMounts(models: ResolvedModel[]): k8s.VolumeMount[] {
  return models.filter(m => m.location === ModelLocation.VOLUME)
    .map(m => ({ name: m.context.volumeName, mountPath: m.context.mountPath, readOnly: true }));
}

/** The init containers of the models and the volumes of the pod that the models need. */
export interface ModelPodPieces {
  readonly initContainers: k8s.Container[];
  readonly volumes: k8s.Volume[];
}

/**
 * The init containers, hardened like the server and stricter: whatever the pod's opt-outs, they run as the non-root
 * UID on a read-only root file system, without capabilities. One without a /tmp gets an emptyDir there, since tools
 * write temporary files.
 */
export function modelPodPieces(models: ResolvedModel[], security: SecurityProps | undefined): ModelPodPieces {
  const uid = security?.runAsUser ?? DEFAULT_UID;
  const gid = security?.runAsGroup ?? DEFAULT_UID;
  const volumes = models.flatMap(m => m.volumes);
  const initContainers = models.flatMap(m => m.initContainers).map(container => {
    const hasTmp = (container.volumeMounts ?? []).some(mount => mount.mountPath === '/tmp');
    if (!hasTmp) {
      volumes.push({ name: `${container.name}-tmp`, emptyDir: {} });
    }
    return {
      ...container,
      resources: container.resources ?? resourceRequirements(undefined, DEFAULT_INIT_MEMORY_LIMIT),
      securityContext: {
        ...containerSecurityContext({ readOnlyRootFilesystem: true }),
        runAsNonRoot: true,
        runAsUser: uid,
        runAsGroup: gid,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: [...(container.volumeMounts ?? []), ...(hasTmp ? [] : [{ name: `${container.name}-tmp`, mountPath: '/tmp' }])],
    };
  });
  return { initContainers, volumes };
}

const DEFAULT_INIT_MEMORY_LIMIT = '512Mi';

/** The Deployment's waiver annotations for the policy rules the sources break. */
export function modelWaivers(models: ResolvedModel[]): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const model of models) {
    for (const [ruleId, reason] of Object.entries(model.waivers)) {
      annotations[waiverAnnotation(ruleId)] = reason;
    }
  }
  return annotations;
}

/** The PersistentVolumeClaims the sources ask for, in the app's namespace with its labels. */
export function createModelClaims(scope: Construct, id: ObjectIdentity, models: ResolvedModel[]): k8s.KubePersistentVolumeClaim[] {
  return models.flatMap(m => m.claims).map(claim => new k8s.KubePersistentVolumeClaim(scope, `claim-${claim.name}`, {
    metadata: { name: claim.name, namespace: id.namespace, labels: id.labels },
    spec: {
      accessModes: claim.accessModes,
      storageClassName: claim.storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(claim.storage) } },
    },
  }));
}
