// Renders the pod template of a resolved workload: containers, volumes, identity and placement.
import { k8s } from 'cdk8s-plus-28';

import { Mount } from '../mount';
import { ResolvedContainer, ServingWorkloadSpec } from '../serving-spec';
import { isEmptyMap } from './empty';
import { memoize } from './memo';
import { combined } from './merge';
import { containerProbes } from './probes';
import { resourceRequirements } from './resources';
import { containerSecurityContext, podSecurityContext } from './security';
import { sha256Hex } from './sha256';

export function renderPodTemplate(spec: ServingWorkloadSpec): k8s.PodTemplateSpec {
  const containers = [spec.server].concat(spec.initContainers, spec.sidecars);
  const volumes = new PodVolumes(containers);
  // Every container of the pod runs with the same context: one object serves them all.
  const securityContext = containerSecurityContext(spec.security);
  const containerPorts: number[] = [];
  for (let i = 0; i < containers.length; i++) {
    const ports = containers[i].ports;
    for (let j = 0; j < ports.length; j++) {
      containerPorts.push(ports[j].containerPort);
    }
  }
  const rendered = [renderContainer(spec.server, volumes, securityContext)];
  for (let i = 0; i < spec.sidecars.length; i++) {
    rendered.push(renderContainer(spec.sidecars[i], volumes, securityContext));
  }
  const annotations = combined(spec.podAnnotations, spec.ownPodAnnotations);
  return {
    metadata: {
      labels: combined(spec.podLabels, spec.labels),
      annotations: nonEmptyMap(annotations),
    },
    spec: {
      serviceAccountName: spec.serviceAccount.name,
      automountServiceAccountToken: spec.serviceAccount.automountToken !== undefined,
      enableServiceLinks: false,
      imagePullSecrets: spec.imagePullSecrets.length > 0 ? spec.imagePullSecrets.map(name => ({ name })) : undefined,
      priorityClassName: spec.priorityClassName,
      nodeSelector: nonEmptyMap(spec.nodeSelector),
      tolerations: nonEmpty(spec.tolerations),
      affinity: spec.affinity,
      topologySpreadConstraints: spec.topologySpread ? [{
        maxSkew: spec.topologySpread.maxSkew,
        topologyKey: spec.topologySpread.topologyKey,
        whenUnsatisfiable: spec.topologySpread.whenUnsatisfiable,
        labelSelector: { matchLabels: spec.selector },
        // Counts only the pods of one ReplicaSet, so a rollout's old pods do not skew the new ones.
        matchLabelKeys: ['pod-template-hash'],
      }] : undefined,
      securityContext: podSecurityContext(spec.security, containerPorts),
      initContainers: spec.initContainers.length > 0 ? spec.initContainers.map(c => renderContainer(c, volumes, securityContext)) : undefined,
      containers: rendered,
      volumes: nonEmpty(volumes.volumes),
    },
  };
}

function renderContainer(c: ResolvedContainer, volumes: PodVolumes, securityContext: k8s.SecurityContext): k8s.Container {
  const probes = containerProbes(c.probes, c.ports[0]?.name);
  // The env and the mounts, kept in the Deployment until synth, are made at their size by map (push would leave room
  // for 16); the loops run by index: in code not yet optimized, for...of and Object.entries allocate as they go.
  const envNames = Object.keys(c.env);
  const env = envNames.map(name => c.env[name]._toEnvVar(name));
  let envFrom: k8s.EnvFromSource[] | undefined;
  if (c.envFromConfigMaps.length > 0 || c.envFromSecrets.length > 0) {
    envFrom = [];
    for (let i = 0; i < c.envFromConfigMaps.length; i++) {
      envFrom.push({ configMapRef: { name: c.envFromConfigMaps[i] } });
    }
    for (let i = 0; i < c.envFromSecrets.length; i++) {
      envFrom.push({ secretRef: { name: c.envFromSecrets[i] } });
    }
  }
  const volumeMounts = Object.keys(c.mounts).map(mountPath => {
    const mount = c.mounts[mountPath];
    return { name: volumes.nameOf(mount), mountPath, readOnly: mount._readOnly || undefined };
  });
  return {
    name: c.name,
    image: c.image,
    command: c.command && nonEmpty(c.command),
    args: c.args && nonEmpty(c.args),
    ports: c.ports.length > 0 ? c.ports.map(p => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })) : undefined,
    env: nonEmpty(env),
    envFrom,
    resources: resourceRequirements(c.resources),
    startupProbe: probes.startupProbe,
    readinessProbe: probes.readinessProbe,
    livenessProbe: probes.livenessProbe,
    securityContext,
    volumeMounts: nonEmpty(volumeMounts),
  };
}

/** One volume per distinct Mount of the pod's containers, named after where it is first mounted. */
class PodVolumes {
  public readonly volumes: k8s.Volume[] = [];
  private readonly names = new Map<Mount | string, string>();
  private readonly taken = new Set<string>();

  constructor(containers: ResolvedContainer[]) {
    for (let i = 0; i < containers.length; i++) {
      const mounts = containers[i].mounts;
      for (const path in mounts) {
        const mount = mounts[path];
        const key = mount._shareKey ?? mount;
        if (!this.names.has(key)) {
          const name = this.freeName(mount._volumeName ?? volumeNameOf(path));
          this.names.set(key, name);
          this.taken.add(name);
          this.volumes.push({ name, ...mount._volume() });
        }
      }
    }
  }

  public nameOf(mount: Mount): string {
    return this.names.get(mount._shareKey ?? mount) as string;
  }

  private freeName(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.taken.has(name); i++) {
      name = `${wanted.slice(0, 60)}-${i}`;
    }
    return name;
  }
}

/** `/etc/tls` becomes `etc-tls`: a DNS-1123 label, shortened with a hash when the path is long. Apps repeat their paths. */
const volumeNameOf = memoize((path: string): string => {
  const name = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  return name.length <= 63 ? name : `${name.slice(0, 54).replace(/-+$/, '')}-${sha256Hex(path).slice(0, 8)}`;
});

/** The items, or undefined for none; the rendered objects only read them. */
export function nonEmpty<T>(items: readonly T[]): T[] | undefined {
  return items.length > 0 ? items as T[] : undefined;
}

export function nonEmptyMap(map: { readonly [key: string]: string }): { readonly [key: string]: string } | undefined {
  return isEmptyMap(map) ? undefined : map;
}
