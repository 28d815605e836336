// Environment variable values: plain strings, or references the kubelet resolves when the container starts.
import { k8s } from 'cdk8s-plus-28';

import { PropProblems } from './internal/problems';
import { isConfigMapKey, isDns1123Subdomain } from './kubernetes-rules/names';

/** Pod fields the downward API can put in an environment variable (`EnvValue.fromField`). */
const POD_FIELDS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName',
  'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs',
];
const LABEL_OR_ANNOTATION_FIELD = /^metadata\.(labels|annotations)\['[^']+'\]$/;

/** The value of one environment variable, for the `env` prop: a string works too. */
export class EnvValue {
  /** A plain value; the same as giving the string itself. */
  public static fromValue(value: string): EnvValue {
    return new EnvValue({ value });
  }

  /** A key of an existing Secret, e.g. a database password; the pod does not start while it is missing. */
  public static fromSecret(secretName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { secretKeyRef: { name: secretName, key } } });
  }

  /** A key of an existing ConfigMap; the pod does not start while it is missing. */
  public static fromConfigMap(configMapName: string, key: string): EnvValue {
    return new EnvValue({ valueFrom: { configMapKeyRef: { name: configMapName, key } } });
  }

  /** A field of the pod through the downward API, e.g. `status.podIP`, `metadata.namespace` or `metadata.labels['team']`. */
  public static fromField(fieldPath: string): EnvValue {
    return new EnvValue({ valueFrom: { fieldRef: { fieldPath } } });
  }

  private constructor(private readonly source: Omit<k8s.EnvVar, 'name'>) {}

  /**
   * @internal Records what is wrong with this value of the variable `name` of the container env at `envProp`. A plain
   * value has nothing to check: the path of the prop is only put together for a reference.
   */
  public _check(p: PropProblems, envProp: string, name: string): void {
    const from = this.source.valueFrom;
    if (!from) {
      return;
    }
    const prop = `${envProp}.${name}`;
    const ref = from.secretKeyRef ?? from.configMapKeyRef;
    if (ref) {
      const what = from.secretKeyRef ? 'Secret' : 'ConfigMap';
      if (!(typeof ref.name === 'string' && isDns1123Subdomain(ref.name))) {
        p.fail(prop, ref.name, `must name a ${what}: a DNS-1123 subdomain`);
      }
      if (!(typeof ref.key === 'string' && isConfigMapKey(ref.key))) {
        p.fail(`${prop} key`, ref.key, `must be a ${what} key: letters, digits, '-', '_' or '.'`);
      }
    }
    const fieldPath = from.fieldRef?.fieldPath;
    if (from.fieldRef && !(typeof fieldPath === 'string' && (POD_FIELDS.includes(fieldPath) || LABEL_OR_ANNOTATION_FIELD.test(fieldPath)))) {
      p.fail(prop, fieldPath,
        `is not a pod field the downward API offers (${POD_FIELDS.join(', ')}, metadata.labels['<key>'], metadata.annotations['<key>'])`);
    }
  }

  /** @internal */
  public _toEnvVar(name: string): k8s.EnvVar {
    return { name, ...this.source };
  }
}
