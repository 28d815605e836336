// Renders the pod template of a resolved workload: containers, volumes, identity and placement.
import { k8s } from 'cdk8s-plus-28';
import { createHash } from 'crypto';

import { Mount } from '../mount';
import { ResolvedContainer, ServingWorkloadSpec } from '../serving-spec';
import { isEmptyMap } from './empty';
import { merge } from './merge';
import { containerProbes } from './probes';
import { resourceRequirements } from './resources';
import { containerSecurityContext, podSecurityContext } from './security';

export function renderPodTemplate(spec: ServingWorkloadSpec): k8s.PodTemplateSpec {
  const containers = [spec.server, ...spec.initContainers, ...spec.sidecars];
  const volumes = new PodVolumes(containers);
  const render = (c: ResolvedContainer) => renderContainer(spec, c, volumes);
  const annotations = nonEmptyMap(spec.podAnnotations) ? merge(spec.podAnnotations, spec.ownPodAnnotations) : spec.ownPodAnnotations;
  return {
    metadata: {
      labels: nonEmptyMap(spec.podLabels) ? merge(spec.podLabels, spec.labels) : spec.labels,
      annotations: nonEmptyMap(annotations),
    },
    spec: {
      serviceAccountName: spec.serviceAccount.name,
      automountServiceAccountToken: spec.serviceAccount.automountToken !== undefined,
      enableServiceLinks: false,
      imagePullSecrets: nonEmpty(spec.imagePullSecrets.map(name => ({ name }))),
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
      securityContext: podSecurityContext(spec.security, containers.flatMap(c => c.ports.map(p => p.containerPort))),
      initContainers: nonEmpty(spec.initContainers.map(render)),
      containers: [spec.server, ...spec.sidecars].map(render),
      volumes: nonEmpty(volumes.volumes),
    },
  };
}

function renderContainer(spec: ServingWorkloadSpec, c: ResolvedContainer, volumes: PodVolumes): k8s.Container {
  const probes = containerProbes(c.probes, c.ports[0]?.name);
  return {
    name: c.name,
    image: c.image,
    command: c.command && nonEmpty(c.command),
    args: c.args && nonEmpty(c.args),
    ports: nonEmpty(c.ports.map(p => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' }))),
    env: nonEmpty(Object.entries(c.env).map(([name, value]) => value._toEnvVar(name))),
    envFrom: nonEmpty([
      ...c.envFromConfigMaps.map(name => ({ configMapRef: { name } })),
      ...c.envFromSecrets.map(name => ({ secretRef: { name } })),
    ]),
    resources: resourceRequirements(c.resources),
    startupProbe: probes.startupProbe,
    readinessProbe: probes.readinessProbe,
    livenessProbe: probes.livenessProbe,
    securityContext: containerSecurityContext(spec.security),
    volumeMounts: nonEmpty(Object.entries(c.mounts).map(([mountPath, mount]) => ({
      name: volumes.nameOf(mount), mountPath, readOnly: mount._readOnly || undefined,
    }))),
  };
}

/** One volume per distinct Mount of the pod's containers, named after where it is first mounted. */
class PodVolumes {
  public readonly volumes: k8s.Volume[] = [];
  private readonly names = new Map<Mount | string, string>();

  constructor(containers: ResolvedContainer[]) {
    for (const c of containers) {
      for (const [path, mount] of Object.entries(c.mounts)) {
        const key = mount._shareKey ?? mount;
        if (!this.names.has(key)) {
          const name = this.freeName(mount._volumeName ?? volumeNameOf(path));
          this.names.set(key, name);
          this.volumes.push({ name, ...mount._volume() });
        }
      }
    }
  }

  public nameOf(mount: Mount): string {
    return this.names.get(mount._shareKey ?? mount) as string;
  }

  private freeName(wanted: string): string {
    const taken = new Set(this.volumes.map(v => v.name));
    let name = wanted;
    for (let i = 2; taken.has(name); i++) {
      name = `${wanted.slice(0, 60)}-${i}`;
    }
    return name;
  }
}

/** `/etc/tls` becomes `etc-tls`: a DNS-1123 label, shortened with a hash when the path is long. */
function volumeNameOf(path: string): string {
  const name = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
  return name.length <= 63 ? name : `${name.slice(0, 54).replace(/-+$/, '')}-${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
}

/** The items, or undefined for none; the rendered objects only read them. */
export function nonEmpty<T>(items: readonly T[]): T[] | undefined {
  return items.length > 0 ? items as T[] : undefined;
}

export function nonEmptyMap(map: { readonly [key: string]: string }): { readonly [key: string]: string } | undefined {
  return isEmptyMap(map) ? undefined : map;
}
