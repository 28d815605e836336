// Identity shared by the serving constructs: name, namespace, recommended labels and the selector.
import { isLabelValue } from '../kubernetes-rules/names';
import { appLabels, selectorLabels } from './labels';
import { parseImageOnce } from './remembered-rules';

/** Name, namespace and labels shared by all objects of one app. */
export interface ObjectIdentity {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
}

export function appIdentity(name: string, namespace: string | undefined, image: string, component: string, partOf?: string): ObjectIdentity {
  const parsed = typeof image === 'string' ? parseImageOnce(image) : 'no image';
  const tag = typeof parsed === 'string' ? undefined : parsed.tag;
  return {
    name,
    namespace,
    labels: appLabels({ name, component, partOf: partOf ?? name, version: tag && isLabelValue(tag) ? tag : undefined }),
    selector: selectorLabels(name),
  };
}
