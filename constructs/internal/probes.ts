// Probe defaults: a startup probe shields slow model loads from the liveness probe, which is always present.
import { k8s } from 'cdk8s-plus-28';

import { ProbesProps } from '../serving-props';

/** With a 5 s period, 60 failures give a model 5 minutes to load before the pod is restarted. */
const STARTUP = { periodSeconds: 5, failureThreshold: 60, timeoutSeconds: 2 };
const STEADY = { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 };

export interface ContainerProbes {
  readonly startupProbe: k8s.Probe;
  readonly readinessProbe?: k8s.Probe;
  readonly livenessProbe: k8s.Probe;
}

/** Probes on the named container port `portName`. */
export function containerProbes(probes: ProbesProps | undefined, portName: string): ContainerProbes {
  const port = k8s.IntOrString.fromString(portName);
  const check = (path: string | undefined): Pick<k8s.Probe, 'httpGet' | 'tcpSocket'> =>
    (path !== undefined ? { httpGet: { path, port } } : { tcpSocket: { port } });
  return {
    startupProbe: { ...check(probes?.startup ?? probes?.readiness), ...STARTUP },
    readinessProbe: probes?.readiness !== undefined ? { ...check(probes.readiness), ...STEADY } : undefined,
    livenessProbe: { ...check(probes?.liveness), ...STEADY },
  };
}
