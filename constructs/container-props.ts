// Init containers and sidecars: the same checks, security context and default resources as the server container.
import { EnvValue } from './env-value';
import { Mount } from './mount';
import { ProbesProps } from './probe-props';
import { ResourcesProps } from './serving-props';

/** A named container port. */
export interface ContainerPort {
  /** An IANA service name: at most 15 lowercase letters, digits and '-', unique in the pod. */
  readonly name: string;
  readonly containerPort: number;
}

/** A container besides the server: an init container that runs to completion first, or a sidecar. */
export interface AdditionalContainerProps {
  /** Unique in the pod; a DNS-1123 label. */
  readonly name: string;
  /** Must carry a tag or a digest, and not `:latest`. */
  readonly image: string;
  /** @default - the image's entrypoint */
  readonly command?: string[];
  /** @default - the image's arguments */
  readonly args?: string[];
  /** Values are strings or EnvValues. @default - none */
  readonly env?: { [name: string]: string | EnvValue };
  /** @default - cpu request 50m, memory request 64Mi, memory limit 128Mi (or the request, if larger) */
  readonly resources?: ResourcesProps;
  /** Volumes by path; the same Mount as the server's shares its volume. @default - the writable paths only */
  readonly mounts?: { [path: string]: Mount };
  /** Named ports; a sidecar's first port is the one its probes check. @default - none */
  readonly ports?: ContainerPort[];
  /**
   * A sidecar's readiness and liveness probes (not for init containers).
   * @default - TCP checks of the first port; without ports, none, recorded as a waiver on the Deployment
   */
  readonly probes?: ProbesProps;
}
