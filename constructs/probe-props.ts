// Probes of the server container: an HTTP path, or a path with its timings, or timings alone for a TCP check.

/** One probe: an HTTP GET of `path` on the container's port, or a TCP check of that port without a path. */
export interface ProbeOptions {
  /** @default - a TCP check of the port */
  readonly path?: string;
  /** Seconds after the container starts before the first check. @default 0 */
  readonly initialDelaySeconds?: number;
  /** @default 10 (startup probe: 5) */
  readonly periodSeconds?: number;
  /** @default 2 */
  readonly timeoutSeconds?: number;
  /** Failures in a row before the probe gives up. @default 3 (startup probe: 60, which allows 5 minutes to start) */
  readonly failureThreshold?: number;
  /** Successes in a row before a failed readiness probe passes again; must be 1 for startup and liveness probes. @default 1 */
  readonly successThreshold?: number;
}

/** The server's probes; each is an HTTP path (`'/ready'`) or ProbeOptions. */
export interface ProbesProps {
  /**
   * Checked until the server has started; the other probes wait for it, so a slow model load is not killed.
   * @default - the readiness probe's check, allowing 5 minutes to start
   */
  readonly startup?: string | ProbeOptions;
  /**
   * Gates traffic from the Service.
   * @default - a TCP check of the server port (TfServingApp: GET /v1/models/<model>)
   */
  readonly readiness?: string | ProbeOptions;
  /**
   * Restarts a hung server.
   * @default - a TCP check of the server port
   */
  readonly liveness?: string | ProbeOptions;
}
