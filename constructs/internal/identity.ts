// Identity shared by the serving constructs: name, namespace, recommended labels and the selector.
import { isLabelValue, parseImage } from '../kubernetes-rules';
import { AutoscalingProps } from '../serving-props';
import { appLabels, selectorLabels } from './labels';
import { ObjectIdentity } from './objects';

export function appIdentity(name: string, namespace: string | undefined, image: string, component: string, partOf?: string): ObjectIdentity {
  const parsed = parseImage(image);
  const tag = typeof parsed === 'string' ? undefined : parsed.tag;
  return {
    name,
    namespace,
    labels: appLabels({ name, component, partOf: partOf ?? name, version: tag && isLabelValue(tag) ? tag : undefined }),
    selector: selectorLabels(name),
  };
}

export function mayRunSeveralReplicas(replicas: number | undefined, autoscaling: AutoscalingProps | undefined): boolean {
  return autoscaling !== undefined ? autoscaling.maxReplicas > 1 : (replicas ?? 1) > 1;
}

