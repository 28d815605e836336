// Requests and limits with documented defaults: every container gets cpu and memory requests and a memory limit.
import { k8s } from 'cdk8s-plus-28';

import { ResourcesProps } from '../serving-props';
import { ResolvedResources } from '../serving-spec';
import { parseQuantityOnce } from './remembered-rules';

export const DEFAULT_CPU_REQUEST = '100m';
export const DEFAULT_MEMORY_REQUEST = '256Mi';
export const DEFAULT_GPU_RESOURCE = 'nvidia.com/gpu';

export interface ResourceDefaults {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  /** The memory limit unless the props give one; raised to the request when that is larger. */
  readonly memoryLimit: string;
}

export function serverResourceDefaults(memoryLimit: string): ResourceDefaults {
  return { cpuRequest: DEFAULT_CPU_REQUEST, memoryRequest: DEFAULT_MEMORY_REQUEST, memoryLimit };
}

export function resolveResources(resources: ResourcesProps | undefined, defaults: ResourceDefaults): ResolvedResources {
  const cpu = resources?.cpu;
  const memory = resources?.memory;
  // As Kubernetes does, a lone limit is also the request.
  const memoryRequest = memory?.request ?? memory?.limit ?? defaults.memoryRequest;
  const gpu = resources?.gpu;
  return {
    cpu: { request: cpu?.request ?? cpu?.limit ?? defaults.cpuRequest, limit: cpu?.limit },
    memory: { request: memoryRequest, limit: memory?.limit ?? larger(memoryRequest, defaults.memoryLimit) },
    gpu: gpu ? { count: gpu.count, resource: gpu.resource ?? DEFAULT_GPU_RESOURCE } : undefined,
    ephemeralStorage: resources?.ephemeralStorage ? {
      request: resources.ephemeralStorage.request ?? resources.ephemeralStorage.limit,
      limit: resources.ephemeralStorage.limit,
    } : undefined,
  };
}

export function resourceRequirements(resources: ResolvedResources): k8s.ResourceRequirements {
  const q = k8s.Quantity.fromString;
  const { cpu, memory, gpu, ephemeralStorage } = resources;
  // Assigned one by one: conditional spreads are a slow path, and synth renders thousands of containers.
  const requests: { [name: string]: k8s.Quantity } = { cpu: q(cpu.request), memory: q(memory.request) };
  const limits: { [name: string]: k8s.Quantity } = {};
  if (cpu.limit !== undefined) {
    limits.cpu = q(cpu.limit);
  }
  limits.memory = q(memory.limit);
  if (ephemeralStorage?.request !== undefined) {
    requests['ephemeral-storage'] = q(ephemeralStorage.request);
  }
  if (ephemeralStorage?.limit !== undefined) {
    limits['ephemeral-storage'] = q(ephemeralStorage.limit);
  }
  if (gpu) {
    // A device plugin's resource cannot be overcommitted: Kubernetes requires its request to equal its limit.
    requests[gpu.resource] = limits[gpu.resource] = q(String(gpu.count));
  }
  return { requests, limits };
}

function larger(a: string, b: string): string {
  return (parseQuantityOnce(a) ?? 0) >= (parseQuantityOnce(b) ?? 0) ? a : b;
}
