// Model sources in the pipeline: resolve (ask each source for its pod pieces), check (what it returned), render
// (its volume as the server's read-only mount, its init containers as the pod's first, its claims). Built-in and
// user-written sources take this one path.
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

import { AdditionalContainerProps } from '../container-props';
import { EnvValue } from '../env-value';
import { VOLUME_RULES, volumeWaiverValue, waiverAnnotation } from '../kubernetes-rules/waiver-keys';
import { ModelClaim, ModelInitContainer, ModelSourceConfig, ModelSourceContext } from '../model-sources/context';
import { Mount } from '../mount';
import { ResourceRange, ResourcesProps } from '../serving-props';
import { ServingWorkloadSpec } from '../serving-spec';
import { NO_ENTRIES } from './empty';
import { PropProblems } from './problems';
import { anyObject, anything, arrayOf, boolean, either, object, recordOf, ShapeCheck, string, stringMap } from './shape';

/** Where a bound model is, for the server. */
export enum ModelLocation {
  /** On the volume mounted at `mountPath`. */
  VOLUME = 'volume',
  /** In a store the server reads itself, at `uri`. */
  URI = 'uri',
  /** Inside the server image, at `mountPath`. */
  IMAGE = 'image',
}

export interface BoundModel {
  readonly context: ModelSourceContext;
  /** What bind() returned, for the check of its shape. */
  readonly config?: unknown;
  readonly location: ModelLocation;
  /** Set when `location` is URI. */
  readonly uri?: string;
  readonly volumes: k8s.Volume[];
  readonly initContainers: ModelInitContainer[];
  readonly claims: ModelClaim[];
  /** Reasons by policy rule id. */
  readonly waivers: { [ruleId: string]: string };
  /** What the source or its result got wrong; the check step reports them. */
  readonly problems: string[];
}

const SOURCE_EXPECTED = 'a ModelSource (ModelSource.fromClaim, fromUri, fromUrl, fromImage or fromHostPath, or an object with a bind(context) method)';

/** The run-time shape of a model source prop: anything with a `bind` method. */
export const MODEL_SOURCE: ShapeCheck = either(
  SOURCE_EXPECTED,
  { accepts: v => typeof (v as { bind?: unknown } | null)?.bind === 'function', check: anyObject },
);

const range = object<ResourceRange>({ request: string, limit: string });
/** What a source of a user's may return, for JavaScript: a wrong shape is a named problem, not a TypeError. */
const CONFIG: ShapeCheck = object<ModelSourceConfig>({
  problems: arrayOf(string),
  volumes: arrayOf(anyObject),
  initContainers: arrayOf(object<ModelInitContainer>({
    name: string, image: string, command: arrayOf(string), args: arrayOf(string),
    env: recordOf(either('a string or an EnvValue', { accepts: v => typeof v === 'string' || v instanceof EnvValue, check: anything })),
    resources: object<ResourcesProps>({ cpu: range, memory: range, gpu: anyObject, ephemeralStorage: range }),
    volumeMounts: stringMap,
  })),
  claims: arrayOf(object<ModelClaim>({ name: string, storage: string, storageClassName: string, accessModes: arrayOf(string) })),
  uri: string,
  inImage: boolean,
  waivers: stringMap,
});

/** A list the source returned, or none when it is no array (the check reports that). */
function listOf<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}

/** Asks the source for its pod pieces. Never throws: what goes wrong becomes a problem for the check step. */
export function bindModel(source: unknown, context: ModelSourceContext): BoundModel {
  const bind = (source as { bind?: unknown } | undefined)?.bind;
  if (typeof bind !== 'function') {
    return unbound(context, `${context.prop} ${source === undefined ? '(unset)' : JSON.stringify(source)} must be ${SOURCE_EXPECTED}`);
  }
  let config: ModelSourceConfig;
  try {
    config = bind.call(source, context);
  } catch (e) {
    return unbound(context, `${context.prop} could not be bound: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof config !== 'object' || config === null) {
    return unbound(context, `${context.prop} bind() must return an object ({ volumes?, initContainers?, claims?, uri?, inImage?, waivers? })`);
  }
  const volumes = objectsOf(config.volumes);
  const location = config.uri !== undefined ? ModelLocation.URI : config.inImage ? ModelLocation.IMAGE : ModelLocation.VOLUME;
  const problems = listOf(config.problems).map(String);
  if (problems.length === 0 && location === ModelLocation.VOLUME && !hasVolume(volumes, context.volumeName)) {
    problems.push(`${context.prop} gives no volume named '${context.volumeName}', no uri and no inImage: the server would find no model`);
  }
  const initContainers = objectsOf(config.initContainers);
  for (let i = 0; i < initContainers.length; i++) {
    const volumeMounts = initContainers[i].volumeMounts;
    if (typeof volumeMounts !== 'object' || volumeMounts === null) {
      continue;
    }
    for (const path in volumeMounts) {
      const name = volumeMounts[path];
      if (Object.hasOwn(volumeMounts, path) && !hasVolume(volumes, name)) {
        problems.push(`${context.prop} initContainers[${i}].volumeMounts['${path}'] '${name}' names none of the source's volumes`);
      }
    }
  }
  const waivers = typeof config.waivers === 'object' && config.waivers !== null ? config.waivers : NO_ENTRIES;
  const claims = objectsOf(config.claims);
  return { context, config, location, uri: config.uri, volumes, initContainers, claims, waivers, problems };
}

/** A source that gave nothing to mount, with why. */
function unbound(context: ModelSourceContext, problem: string): BoundModel {
  return { context, location: ModelLocation.VOLUME, volumes: [], initContainers: [], claims: [], waivers: {}, problems: [problem] };
}

/** The objects of a list the source returned: its other entries are left for the check of its shape to report. */
function objectsOf<T>(value: T[] | undefined): T[] {
  const list = listOf(value);
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (typeof item !== 'object' || item === null) {
      return list.filter(i => typeof i === 'object' && i !== null);
    }
  }
  return list;
}

function hasVolume(volumes: readonly k8s.Volume[], name: string): boolean {
  return volumeNamed(volumes, name) !== undefined;
}

function volumeNamed(volumes: readonly k8s.Volume[], name: string): k8s.Volume | undefined {
  for (let i = 0; i < volumes.length; i++) {
    if (volumes[i].name === name) {
      return volumes[i];
    }
  }
  return undefined;
}

export function reportModelProblems(p: PropProblems, models: BoundModel[]): void {
  for (let i = 0; i < models.length; i++) {
    const m = models[i];
    CONFIG(m.config, `${m.context.prop} bind()`, p);
    for (let j = 0; j < m.problems.length; j++) {
      p.add(m.problems[j]);
    }
  }
  // A few names per app: arrays cost less to make than Sets.
  const volumes: string[] = [];
  const claims: string[] = [];
  for (let i = 0; i < models.length; i++) {
    const model = models[i];
    for (let j = 0; j < model.claims.length; j++) {
      const name = model.claims[j].name;
      if (claims.includes(name)) {
        p.fail(`${model.context.prop} claim`, name, 'is created for another model too; give each model its own claim');
      }
      claims.push(name);
    }
    for (let j = 0; j < model.volumes.length; j++) {
      const name = model.volumes[j].name;
      if (volumes.includes(name)) {
        p.fail(`${model.context.prop} volume`, name, 'is also a volume of another model');
      }
      volumes.push(name);
    }
  }
}

/**
 * A volume of a model source. Every Mount of one volume name shares it: the server's read-only one and the init
 * containers' writable ones.
 */
class ModelVolumeMount extends Mount {
  public readonly _shareKey: string;

  constructor(public readonly _volumeName: string, private readonly volume: Omit<k8s.Volume, 'name'>, public readonly _readOnly: boolean) {
    super();
    this._shareKey = `model-volume/${_volumeName}`;
  }

  public _check(): void {}

  public _volume(): Omit<k8s.Volume, 'name'> {
    return this.volume;
  }
}

function mountOf(model: BoundModel, volumeName: string, readOnly: boolean): Mount {
  const found = volumeNamed(model.volumes, volumeName);
  if (!found) {
    return new ModelVolumeMount(volumeName, { emptyDir: {} }, readOnly);
  }
  // The entries Object.entries would list, without the list.
  const volume: { [key: string]: unknown } = {};
  for (const key in found) {
    if (key !== 'name' && Object.hasOwn(found, key)) {
      volume[key] = found[key as keyof k8s.Volume];
    }
  }
  return new ModelVolumeMount(volumeName, volume, readOnly);
}

/** The server's read-only mount of each model on a volume, by path. */
export function modelServerMounts(models: BoundModel[]): { [path: string]: Mount } {
  const mounts: { [path: string]: Mount } = {};
  for (let i = 0; i < models.length; i++) {
    const model = models[i];
    if (model.location === ModelLocation.VOLUME) {
      mounts[model.context.mountPath] = mountOf(model, model.context.volumeName, true);
    }
  }
  return mounts;
}

/**
 * The models' init containers, for the workload's own init containers (resolved like the `initContainers` prop: same
 * checks, security context, writable paths and default resources), to run before the user's, who may need the model.
 */
export function modelInitContainers(models: BoundModel[]): Array<{ container: AdditionalContainerProps; propPrefix: string }> {
  const containers: Array<{ container: AdditionalContainerProps; propPrefix: string }> = [];
  for (let m = 0; m < models.length; m++) {
    const model = models[m];
    // The init containers of a model that write one volume share its Mount, as they share the volume.
    const writable = new Map<string, Mount>();
    for (let i = 0; i < model.initContainers.length; i++) {
      const c = model.initContainers[i];
      const mounts: { [path: string]: Mount } = {};
      const volumeMounts = c.volumeMounts ?? {};
      for (const path in volumeMounts) {
        if (Object.hasOwn(volumeMounts, path)) {
          const volumeName = volumeMounts[path];
          let mount = writable.get(volumeName);
          if (mount === undefined) {
            mount = mountOf(model, volumeName, false);
            writable.set(volumeName, mount);
          }
          mounts[path] = mount;
        }
      }
      const container: AdditionalContainerProps = {
        name: c.name, image: c.image, command: c.command, args: c.args, env: c.env, resources: c.resources, mounts,
      };
      containers.push({ container, propPrefix: `${model.context.prop} initContainers[${i}].` });
    }
  }
  return containers;
}

/**
 * The Deployment's waiver annotations for the policy rules the sources break. A waiver of a volume rule covers only
 * the volumes of the sources that recorded it, so a hostPath added by other means is still reported.
 */
export function modelWaivers(models: BoundModel[]): { [key: string]: string } {
  const byRule = new Map<string, { reason: string; volumes: string[] }>();
  for (let i = 0; i < models.length; i++) {
    const model = models[i];
    for (const [ruleId, reason] of Object.entries(model.waivers)) {
      const waiver = byRule.get(ruleId) ?? { reason, volumes: [] };
      waiver.volumes.push(...model.volumes.map(v => v.name));
      byRule.set(ruleId, waiver);
    }
  }
  const annotations: { [key: string]: string } = {};
  if (byRule.size === 0) {
    return annotations;
  }
  for (const [ruleId, { reason, volumes }] of byRule) {
    if (!VOLUME_RULES.includes(ruleId)) {
      annotations[waiverAnnotation(ruleId)] = reason;
    } else if (volumes.length > 0) {
      // A source without volumes has none to waive a volume rule for: it must not waive the pod's other volumes.
      annotations[waiverAnnotation(ruleId)] = volumeWaiverValue(volumes, reason);
    }
  }
  return annotations;
}

/** The PersistentVolumeClaims the sources ask for, in the app's namespace with its labels. */
export function createModelClaims(scope: Construct, spec: ServingWorkloadSpec, models: BoundModel[]): k8s.KubePersistentVolumeClaim[] {
  return models.flatMap(m => m.claims).map(claim => new k8s.KubePersistentVolumeClaim(scope, `claim-${claim.name}`, {
    metadata: { name: claim.name, namespace: spec.namespace, labels: spec.labels },
    spec: {
      accessModes: claim.accessModes,
      storageClassName: claim.storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(claim.storage) } },
    },
  }));
}
