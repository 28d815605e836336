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
  return {
    startupProbe: renderProbe(probes.startup, port),
    readinessProbe: renderProbe(probes.readiness, port),
    livenessProbe: renderProbe(probes.liveness, port),
  };
}

// Written out rather than spread: a spread of a conditional object is a slow path, and synth builds thousands.
function renderProbe(probe: ResolvedProbe | undefined, port: k8s.IntOrString): k8s.Probe | undefined {
  if (!probe) {
    return undefined;
  }
  return {
    httpGet: probe.path !== undefined ? { path: probe.path, port } : undefined,
    tcpSocket: probe.path === undefined ? { port } : undefined,
    initialDelaySeconds: probe.initialDelaySeconds,
    periodSeconds: probe.periodSeconds,
    timeoutSeconds: probe.timeoutSeconds,
    failureThreshold: probe.failureThreshold,
    successThreshold: probe.successThreshold,
  };
}
