// Identity shared by the serving constructs: name, namespace, recommended labels and the selector.
import { isLabelValue, parseImage } from '../kubernetes-rules';
import { appLabels, selectorLabels } from './labels';

/** Name, namespace and labels shared by all objects of one app. */
export interface ObjectIdentity {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

export function appIdentity(name: string, namespace: string | undefined, image: string, component: string, partOf?: string): ObjectIdentity {
  const parsed = typeof image === 'string' ? parseImage(image) : 'no image';
  const tag = typeof parsed === 'string' ? undefined : parsed.tag;
  return {
    name,
    namespace,
    labels: appLabels({ name, component, partOf: partOf ?? name, version: tag && isLabelValue(tag) ? tag : undefined }),
    selector: selectorLabels(name),
  };
}
