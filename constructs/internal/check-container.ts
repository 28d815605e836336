// Checks of one resolved container: the server, an init container or a sidecar get the same rules.
import { isEnvVarName, isHttpPath, isPositiveInteger } from '../kubernetes-rules/names';
import { Mount } from '../mount';
import { ResolvedContainer, ResolvedProbe } from '../serving-spec';
import { ConstructMount } from './construct-mount';
import { PropProblems } from './problems';
import { isQualifiedNameOnce, parseQuantityOnce } from './remembered-rules';
import {
  checkHttpPath, checkImage, checkNonNegativeInteger, checkObjectName, checkPositiveInteger, checkQuantity, checkRequestWithinLimit, imageProblem,
  isOptionalHttpPath, isOptionalNonNegativeInteger, isOptionalPositiveInteger, isOptionalQuantity, isRequestWithinLimit,
} from './validate-props';

const CPU_EXAMPLE = "'500m' or '0.5'";
const BYTES_EXAMPLE = "'512Mi' or '1G'";
const PROBE_KINDS = ['startup', 'readiness', 'liveness'] as const;

/** What the user gave for the container, to tell the construct's own env and mounts from theirs. */
export interface GivenContainer {
  readonly env?: { readonly [name: string]: unknown };
  readonly mounts?: { readonly [path: string]: Mount };
}

// The paths of the props (`sidecars[0].resources.cpu.request`) are put together only for a container whose image,
// resources or probes fail a test: almost none do, and the checks run for every container of every app.

export function checkContainer(p: PropProblems, c: ResolvedContainer, given: GivenContainer): void {
  if (imageProblem(c.image) !== undefined) {
    checkImage(p, `${c.propPrefix}image`, c.image);
  }
  checkEnv(p, c, given);
  c.envFromSecrets.forEach((name, i) => checkObjectName(p, `${c.propPrefix}envFromSecrets[${i}]`, name));
  c.envFromConfigMaps.forEach((name, i) => checkObjectName(p, `${c.propPrefix}envFromConfigMaps[${i}]`, name));
  checkResources(p, c);
  checkMounts(p, c, given.mounts);
  for (let i = 0; i < PROBE_KINDS.length; i++) {
    const kind = PROBE_KINDS[i];
    const probe = c.probes[kind];
    if (probe && !isValidProbe(kind, probe)) {
      checkProbe(p, `${c.propPrefix}probes.${kind}`, kind, probe);
    }
  }
}

function checkEnv(p: PropProblems, c: ResolvedContainer, given: GivenContainer): void {
  const prop = `${c.propPrefix}env`;
  for (const name in given.env) {
    if (c.reservedEnv.includes(name)) {
      p.fail(`${prop} name`, name, 'is set by the construct itself; use the matching prop instead');
    }
  }
  for (const name in c.env) {
    if (!isEnvVarName(name)) {
      p.fail(`${prop} name`, name, "must consist of letters, digits, '_', '-' or '.' and not start with a digit");
    }
    c.env[name]._check(p, prop, name);
  }
}

function checkResources(p: PropProblems, c: ResolvedContainer): void {
  const { cpu, memory, gpu, ephemeralStorage } = c.resources;
  if (isValidRange(cpu) && isValidRange(memory) && (!ephemeralStorage || isValidRange(ephemeralStorage))
    && (!gpu || (isPositiveInteger(gpu.count) && isDevicePluginResource(gpu.resource)))) {
    return;
  }
  const prop = `${c.propPrefix}resources`;
  checkQuantity(p, `${prop}.cpu.request`, cpu.request, CPU_EXAMPLE);
  checkQuantity(p, `${prop}.cpu.limit`, cpu.limit, CPU_EXAMPLE);
  checkRequestWithinLimit(p, `${prop}.cpu`, cpu.request, cpu.limit);
  checkQuantity(p, `${prop}.memory.request`, memory.request, BYTES_EXAMPLE);
  checkQuantity(p, `${prop}.memory.limit`, memory.limit, BYTES_EXAMPLE);
  checkRequestWithinLimit(p, `${prop}.memory`, memory.request, memory.limit);
  if (ephemeralStorage) {
    checkQuantity(p, `${prop}.ephemeralStorage.request`, ephemeralStorage.request, "'2Gi'");
    checkQuantity(p, `${prop}.ephemeralStorage.limit`, ephemeralStorage.limit, "'2Gi'");
    checkRequestWithinLimit(p, `${prop}.ephemeralStorage`, ephemeralStorage.request, ephemeralStorage.limit);
  }
  if (gpu) {
    p.check(isPositiveInteger(gpu.count), `${prop}.gpu.count`, gpu.count, 'must be a whole number of devices, at least 1');
    p.check(isDevicePluginResource(gpu.resource), `${prop}.gpu.resource`, gpu.resource, "must be a device plugin's resource name such as 'nvidia.com/gpu'");
  }
}

/** What checkResources checks of a request and a limit. */
function isValidRange(range: { readonly request?: string; readonly limit?: string }): boolean {
  return isOptionalQuantity(range.request) && isOptionalQuantity(range.limit) && isRequestWithinLimit(range.request, range.limit);
}

/** Extended resources need a domain prefix, and Kubernetes keeps kubernetes.io for its own. */
function isDevicePluginResource(resource: string): boolean {
  return isQualifiedNameOnce(resource) && resource.includes('/') && !/(^|\.)kubernetes\.io\//.test(resource);
}

function checkMounts(p: PropProblems, c: ResolvedContainer, given: { readonly [path: string]: Mount } | undefined): void {
  for (let i = 0; i < c.reservedMountPaths.length; i++) {
    const path = c.reservedMountPaths[i];
    if (given?.[path] !== undefined) {
      p.fail(`${c.propPrefix}mounts path`, path, 'is where the construct mounts the model; choose another path');
    }
  }
  const memoryLimit = parseQuantityOnce(c.resources.memory.limit);
  for (const path in c.mounts) {
    const mount = c.mounts[path];
    // The construct's own mounts (writable paths, the model) are checked through the props that make them.
    if (mount instanceof ConstructMount) {
      continue;
    }
    if (p.check(isHttpPath(path) && !path.includes(':') && path !== '/', `${c.propPrefix}mounts path`, path,
      "must be an absolute folder path starting with '/', other than '/'")) {
      const prop = `${c.propPrefix}mounts['${path}']`;
      mount._check(p, prop);
      checkMemoryMount(p, c, prop, mount._memoryBytes(), memoryLimit);
    }
  }
}

/** A tmpfs counts against the memory limit of the container that fills it: larger than the limit, it can only OOM-kill. */
function checkMemoryMount(p: PropProblems, c: ResolvedContainer, prop: string, size: string | undefined, limit: number | undefined): void {
  const bytes = size !== undefined ? parseQuantityOnce(size) : undefined;
  if (bytes !== undefined && limit !== undefined && bytes > limit) {
    p.add(`${prop} Mount.memory('${size}') is larger than ${c.propPrefix}resources.memory.limit '${c.resources.memory.limit}': `
      + 'its pages count against the memory limit, so filling it would OOM-kill the container');
  }
}

/** What checkProbe checks. */
function isValidProbe(kind: string, probe: ResolvedProbe): boolean {
  return isOptionalHttpPath(probe.path) && isOptionalNonNegativeInteger(probe.initialDelaySeconds) && isOptionalPositiveInteger(probe.periodSeconds)
    && isOptionalPositiveInteger(probe.timeoutSeconds) && isOptionalPositiveInteger(probe.failureThreshold)
    && (probe.successThreshold === undefined || (isPositiveInteger(probe.successThreshold) && (kind === 'readiness' || probe.successThreshold === 1)));
}

function checkProbe(p: PropProblems, prop: string, kind: string, probe: ResolvedProbe): void {
  checkHttpPath(p, prop, probe.path);
  checkNonNegativeInteger(p, `${prop}.initialDelaySeconds`, probe.initialDelaySeconds);
  checkPositiveInteger(p, `${prop}.periodSeconds`, probe.periodSeconds);
  checkPositiveInteger(p, `${prop}.timeoutSeconds`, probe.timeoutSeconds);
  checkPositiveInteger(p, `${prop}.failureThreshold`, probe.failureThreshold);
  if (probe.successThreshold !== undefined) {
    checkPositiveInteger(p, `${prop}.successThreshold`, probe.successThreshold);
    if (kind !== 'readiness') {
      p.check(probe.successThreshold === 1, `${prop}.successThreshold`, probe.successThreshold,
        `must be 1 for a ${kind} probe: the API server refuses any other value`);
    }
  }
}
