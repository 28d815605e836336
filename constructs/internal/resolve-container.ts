// Resolves the props of one container (the server, an init container or a sidecar) with every default applied.
import { AdditionalContainerProps, ContainerPort } from '../container-props';
import { EnvValue } from '../env-value';
import { Mount } from '../mount';
import { ProbeOptions, ProbesProps } from '../probe-props';
import { ResourcesProps } from '../serving-props';
import { ResolvedContainer, ResolvedProbe, ResolvedProbes } from '../serving-spec';
import { NO_ENTRIES, NO_ITEMS } from './empty';
import { memoize } from './memo';
import { copy, merge } from './merge';
import { resolveResources, ResourceDefaults } from './resources';

/** EnvValues are immutable: apps that set a variable to the same string share one. */
const plainValue = memoize(EnvValue.fromValue);

/** With a 5 s period, 60 failures give a model 5 minutes to load before the pod is restarted. */
const STARTUP = { periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 2 };
const STEADY = { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 };
/** What a container needs that its props do not say. */
export interface ContainerDefaults {
  readonly name: string;
  /** The server's image, which its construct decides; other containers take the image of their props. */
  readonly image?: string;
  readonly propPrefix: string;
  readonly ports: ContainerPort[];
  readonly resources: ResourceDefaults;
  /** The readiness check when the props give none; undefined: no readiness probe. */
  readonly readiness?: ProbeOptions;
  /** Whether the container gets a liveness (and, for the server, startup) probe by default. */
  readonly probed: 'server' | 'sidecar' | 'none';
  /** Mounts of the construct, before the user's. */
  readonly ownMounts?: { [path: string]: Mount };
  /** Mounts after the user's: the writable paths. */
  readonly writableMounts: { [path: string]: Mount };
  /** Variables the construct sets itself (names are also reserved); the user's `env` may not name them. */
  readonly ownEnv?: { readonly [name: string]: EnvValue };
  readonly reservedEnv?: string[];
  readonly ownEnvFromConfigMaps?: string[];
}

export interface ContainerProps {
  readonly image?: string;
  readonly command?: string[];
  readonly args?: string[];
  readonly env?: { [name: string]: string | EnvValue };
  readonly envFromSecrets?: string[];
  readonly envFromConfigMaps?: string[];
  readonly resources?: ResourcesProps;
  readonly mounts?: { [path: string]: Mount };
  readonly probes?: ProbesProps;
}

export function resolveContainer(props: ContainerProps, defaults: ContainerDefaults): ResolvedContainer {
  let env: { [name: string]: EnvValue } = defaults.ownEnv ?? NO_ENTRIES;
  if (props.env) {
    env = copy(defaults.ownEnv);
    // The keys of Object.entries, without the entries.
    for (const name in props.env) {
      if (Object.hasOwn(props.env, name)) {
        const value = props.env[name];
        env[name] = typeof value === 'string' ? plainValue(value) : value;
      }
    }
  }
  const mounts: { [path: string]: Mount } = merge(props.mounts, defaults.ownMounts);
  // The construct's own map: for...in lists exactly its keys, without a list.
  for (const path in defaults.writableMounts) {
    // A user's own writable mount at a writable path (say an emptyDir at /tmp) replaces ours.
    if (!(path in mounts)) {
      mounts[path] = defaults.writableMounts[path];
    }
  }
  return {
    name: defaults.name,
    propPrefix: defaults.propPrefix,
    image: (defaults.image ?? props.image) as string,
    command: props.command,
    args: props.args,
    ports: defaults.ports,
    env,
    reservedEnv: defaults.ownEnv ? [...defaults.reservedEnv ?? NO_ITEMS, ...Object.keys(defaults.ownEnv)] : defaults.reservedEnv ?? NO_ITEMS,
    envFromSecrets: props.envFromSecrets ?? NO_ITEMS,
    envFromConfigMaps: defaults.ownEnvFromConfigMaps || props.envFromConfigMaps
      ? [...defaults.ownEnvFromConfigMaps ?? NO_ITEMS, ...props.envFromConfigMaps ?? NO_ITEMS] : NO_ITEMS,
    resources: resolveResources(props.resources, defaults.resources),
    mounts,
    reservedMountPaths: defaults.ownMounts ? Object.keys(defaults.ownMounts) : NO_ITEMS,
    probes: resolveProbes(props.probes, defaults),
  };
}

function resolveProbes(probes: ProbesProps | undefined, defaults: ContainerDefaults): ResolvedProbes {
  if (defaults.probed === 'none') {
    return {};
  }
  const readiness = options(probes?.readiness) ?? defaults.readiness;
  const liveness = options(probes?.liveness) ?? {};
  const startup = options(probes?.startup) ?? (defaults.probed === 'server' ? { path: readiness?.path } : undefined);
  return {
    startup: startup && withTimings(startup, STARTUP),
    readiness: readiness && withTimings(readiness, STEADY),
    liveness: withTimings(liveness, STEADY),
  };
}

function options(probe: string | ProbeOptions | undefined): ProbeOptions | undefined {
  return typeof probe === 'string' ? { path: probe } : probe;
}

function withTimings(options: ProbeOptions, defaults: typeof STEADY): ResolvedProbe {
  return {
    path: options.path,
    initialDelaySeconds: options.initialDelaySeconds,
    periodSeconds: options.periodSeconds ?? defaults.periodSeconds,
    timeoutSeconds: options.timeoutSeconds ?? defaults.timeoutSeconds,
    failureThreshold: options.failureThreshold ?? defaults.failureThreshold,
    successThreshold: options.successThreshold,
  };
}

/** Sidecars and init containers: smaller defaults than a model server. */
export const ADDITIONAL_CONTAINER_RESOURCES: ResourceDefaults = { cpuRequest: '50m', memoryRequest: '64Mi', memoryLimit: '128Mi' };

export function resolveAdditionalContainer(props: AdditionalContainerProps, propPrefix: string, kind: 'init' | 'sidecar',
  writableMounts: { [path: string]: Mount }): ResolvedContainer {
  const ports = props.ports ?? [];
  return resolveContainer(props, {
    name: props.name,
    propPrefix,
    ports,
    resources: ADDITIONAL_CONTAINER_RESOURCES,
    readiness: ports.length > 0 ? {} : undefined,
    probed: kind === 'init' || (ports.length === 0 && props.probes === undefined) ? 'none' : 'sidecar',
    writableMounts,
  });
}

