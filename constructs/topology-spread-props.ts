// How replicas spread across nodes or zones, so that one node going down does not take every replica.

/** Closed choices of `whenUnsatisfiable`; the values are the Kubernetes wire strings. */
export enum WhenUnsatisfiable {
  /** A soft preference: pods still schedule when the spread cannot be kept. */
  SCHEDULE_ANYWAY = 'ScheduleAnyway',
  /** A hard rule: pods stay Pending rather than break the spread. */
  DO_NOT_SCHEDULE = 'DoNotSchedule',
}

export interface TopologySpreadProps {
  /** The node label whose values are the domains, e.g. `topology.kubernetes.io/zone`. @default 'kubernetes.io/hostname' */
  readonly topologyKey?: string;
  /** The largest allowed difference of pod counts between two domains. @default 1 */
  readonly maxSkew?: number;
  /** @default WhenUnsatisfiable.SCHEDULE_ANYWAY */
  readonly whenUnsatisfiable?: WhenUnsatisfiable;
}
