// Renders resolved probes: an HTTP GET of the path, or a TCP check, on the container's first port.
import { k8s } from 'cdk8s-plus-28';

import { ResolvedProbe, ResolvedProbes } from '../serving-spec';

export interface ContainerProbes {
  readonly startupProbe?: k8s.Probe;
  readonly readinessProbe?: k8s.Probe;
  readonly livenessProbe?: k8s.Probe;
}

/** Probes on the named container port `portName`. */
export function containerProbes(probes: ResolvedProbes, portName: string | undefined): ContainerProbes {
  if (portName === undefined) {
    return {};
  }
  const port = k8s.IntOrString.fromString(portName);
  const render = (probe: ResolvedProbe | undefined): k8s.Probe | undefined => probe && {
    ...(probe.path !== undefined ? { httpGet: { path: probe.path, port } } : { tcpSocket: { port } }),
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
    successThreshold: probe.successThreshold,
  };
  return { startupProbe: render(probes.startup), readinessProbe: render(probes.readiness), livenessProbe: render(probes.liveness) };
}
