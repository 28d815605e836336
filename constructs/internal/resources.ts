// Requests and limits with documented defaults: every container gets cpu and memory requests and a memory limit.
import { k8s } from 'cdk8s-plus-28';

import { parseQuantity } from '../kubernetes-rules';
import { ResourcesProps } from '../serving-props';

export const DEFAULT_CPU_REQUEST = '100m';
export const DEFAULT_MEMORY_REQUEST = '256Mi';

export function resourceRequirements(resources: ResourcesProps | undefined, defaultMemoryLimit: string): k8s.ResourceRequirements {
  const cpu = resources?.cpu;
  const memory = resources?.memory;
  // As Kubernetes does, a lone limit is also the request.
  const cpuRequest = cpu?.request ?? cpu?.limit ?? DEFAULT_CPU_REQUEST;
  const memoryRequest = memory?.request ?? memory?.limit ?? DEFAULT_MEMORY_REQUEST;
  const memoryLimit = memory?.limit ?? larger(memoryRequest, defaultMemoryLimit);
  return {
    requests: {
      cpu: k8s.Quantity.fromString(cpuRequest),
      memory: k8s.Quantity.fromString(memoryRequest),
    },
    limits: {
      ...(cpu?.limit !== undefined ? { cpu: k8s.Quantity.fromString(cpu.limit) } : {}),
      memory: k8s.Quantity.fromString(memoryLimit),
    },
  };
}

function larger(a: string, b: string): string {
  return (parseQuantity(a) ?? 0) >= (parseQuantity(b) ?? 0) ? a : b;
}
