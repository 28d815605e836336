import { Finding, ManifestObject } from './findings';
import { checkPodSecurity } from './pod-security';
import { ContainerAt, containerName, containersOf, nameOf, namespaceOf, PodTemplate, podTemplateOf, requests } from './pods';
import { findingOf } from './rules';
import { asRecord } from './util';

const BATCH_KINDS = ['Job', 'CronJob'];

/**
 * Checks one object against the policy rules: Pod Security Standards 'restricted', pinned images, requests and a
 * memory limit, readiness and liveness probes, and no service account token mounted by default. `items` is the whole
 * set, used to find the ServiceAccount a pod runs as.
 */
export function checkPolicy(item: ManifestObject, items: readonly ManifestObject[] = []): Finding[] {
  const template = podTemplateOf(item.object);
  if (!template) {
    return [];
  }
  const containers = containersOf(template);
  const batch = BATCH_KINDS.includes(String(item.object.kind));
  return [
    ...checkPodSecurity(item, template),
    ...containers.flatMap(c => [
      ...image(item, c),
      ...resources(item, c),
      ...(c.init || batch ? [] : probes(item, c)),
    ]),
    ...serviceAccountToken(item, template, items),
  ];
}

/**
 * The tag of an image reference, `undefined` when it has none; digests are reported separately.
 */
export function imageTag(image: string): { tag?: string; digest?: string } {
  const at = image.indexOf('@');
  if (at >= 0) {
    return { digest: image.slice(at + 1) };
  }
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? { tag: image.slice(colon + 1) } : {};
}

function image(item: ManifestObject, c: ContainerAt): Finding[] {
  const img = c.container.image;
  if (typeof img !== 'string') {
    return [];
  }
  const { tag, digest } = imageTag(img);
  if (digest) {
    return [];
  }
  if (tag === undefined || tag === 'latest') {
    const why = tag === undefined ? 'has no tag, so it means latest' : 'uses the floating tag latest';
    return [findingOf('image/pinned-tag', item, `${c.path}.image`,
      `image "${img}" of container "${containerName(c)}" ${why}: every node may run a different build. Pin a version tag, or better a digest (@sha256:...)`)];
  }
  return [];
}

function resources(item: ManifestObject, c: ContainerAt): Finding[] {
  const name = containerName(c);
  const findings: Finding[] = [];
  const missing = ['cpu', 'memory'].filter(r => !requests(c.container, r));
  if (missing.length > 0) {
    findings.push(findingOf('resources/requests', item, `${c.path}.resources.requests`,
      `container "${name}" requests no ${missing.join(' and no ')}: the scheduler cannot place it well and autoscaling has nothing to measure against`));
  }
  const limits = asRecord(asRecord(c.container.resources).limits);
  if (limits.memory === undefined || limits.memory === null) {
    findings.push(findingOf('resources/memory-limit', item, `${c.path}.resources.limits.memory`,
      `container "${name}" has no memory limit: a leak or a large model can take the node's memory`));
  }
  return findings;
}

function probes(item: ManifestObject, c: ContainerAt): Finding[] {
  const name = containerName(c);
  const findings: Finding[] = [];
  if (!c.container.readinessProbe) {
    findings.push(findingOf('probes/readiness', item, `${c.path}.readinessProbe`,
      `container "${name}" has no readinessProbe: it receives traffic before the model is loaded`));
  }
  if (!c.container.livenessProbe) {
    findings.push(findingOf('probes/liveness', item, `${c.path}.livenessProbe`,
      `container "${name}" has no livenessProbe: a hung server is never restarted`));
  }
  return findings;
}

function serviceAccountToken(item: ManifestObject, template: PodTemplate, items: readonly ManifestObject[]): Finding[] {
  const podSetting = template.spec.automountServiceAccountToken;
  if (podSetting === false) {
    return [];
  }
  if (podSetting === undefined || podSetting === null) {
    const accountName = typeof template.spec.serviceAccountName === 'string' ? template.spec.serviceAccountName : 'default';
    const account = serviceAccounts(items).get(`${namespaceOf(item.object)}|${accountName}`);
    if (account && account.object.automountServiceAccountToken === false) {
      return [];
    }
  }
  return [findingOf('service-account/automount-token', item, `${template.specPath}.automountServiceAccountToken`,
    'the pod mounts a Kubernetes API token; set automountServiceAccountToken to false unless the server calls the API')];
}

const accountIndexes = new WeakMap<readonly ManifestObject[], Map<string, ManifestObject>>();

/** The ServiceAccounts of a set by `namespace|name`, built once per set. */
function serviceAccounts(items: readonly ManifestObject[]): Map<string, ManifestObject> {
  let index = accountIndexes.get(items);
  if (!index) {
    index = new Map();
    for (const i of items) {
      if (i.object.kind === 'ServiceAccount') {
        index.set(`${namespaceOf(i.object)}|${nameOf(i.object)}`, i);
      }
    }
    accountIndexes.set(items, index);
  }
  return index;
}
