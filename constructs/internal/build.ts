// What every serving construct renders from its resolved spec: the workload, then the objects that route and observe it.
import { Construct } from 'constructs';

import { ServingWorkloadSpec } from '../serving-spec';
import { merge } from './merge';
import { buildTraffic, TrafficObjects } from './render-traffic';
import { buildServingWorkload, ServingWorkloadObjects } from './render-workload';

export type ServingAppObjects = ServingWorkloadObjects & TrafficObjects;

export function buildServingApp(scope: Construct, spec: ServingWorkloadSpec): ServingAppObjects {
  return merge(buildServingWorkload(scope, spec), buildTraffic(scope, spec));
}
