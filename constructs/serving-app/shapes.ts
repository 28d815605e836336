// Keeps the hidden classes of rendered manifests shared in large apps.
//
// V8 gives an object built key by key from `{}` (as cdk8s `resolve` and `sanitizeValue` and the L1 `toJson_*`
// functions build every manifest object) the hidden class reached through a tree of transitions, one per key, from
// the empty object's class. That root holds at most 1,536 transitions, one per distinct first key, kept while objects
// use them; loaded code takes a few hundred. A construct tree takes one per distinct id that starts a construct's
// children: with a chart per endpoint, each chart's children start with the endpoint's own id, so past about a
// thousand charts the root is full before synthesis starts. Every manifest object whose first key has no transition
// yet then gets new hidden classes of its own, in old space: property access goes megamorphic and three times as much
// garbage survives young collections, so synthesis time grew faster than the app. Objects that start with each field
// name the constructs write, made before the app is built and kept for the life of the process, hold those
// transitions. A name missing here costs only speed.

/**
 * The field names of the manifests the constructs write (Kubernetes API fields and their own label, annotation and
 * data keys), and the few prop names of cdk8s L1 objects that differ or are left undefined, which `resolve` copies too.
 */
const FIELD_NAMES = [
  'affinity', 'allowPrivilegeEscalation', 'annotations', 'apiVersion', 'app.kubernetes.io/component',
  'app.kubernetes.io/instance', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/name', 'app.kubernetes.io/part-of',
  'app.kubernetes.io/version', 'args', 'automated', 'automountServiceAccountToken', 'averageUtilization', 'backend',
  'backendRefs', 'batching.config', 'behavior', 'capabilities', 'cdk8s.io/metadata.addr', 'claimName', 'clusterIp',
  'command', 'configMap', 'configMapKeyRef', 'configMapRef', 'container', 'containerPort', 'containerResource',
  'containers', 'cpu', 'data', 'defaultBackend', 'defaultMode', 'destination', 'directory', 'dnsPolicy', 'drop',
  'effect', 'emptyDir', 'enableServiceLinks', 'endpoints', 'env', 'envFrom', 'ephemeral-storage', 'externalIPs',
  'failureThreshold', 'fieldPath', 'fieldRef', 'fsGroup', 'fsGroupChangePolicy', 'host', 'hostnames', 'hostNetwork',
  'hosts', 'http', 'httpGet', 'image', 'imagePullPolicy', 'imagePullSecrets', 'include', 'ingressClassName',
  'initContainers', 'initialDelaySeconds', 'interval', 'items', 'key', 'kind', 'kubernetes.io/change-cause', 'labels',
  'labelSelector', 'limits', 'livenessProbe', 'matches', 'matchExpressions', 'matchLabelKeys', 'matchLabels',
  'maxReplicas', 'maxSkew', 'maxSurge', 'maxUnavailable', 'medium', 'memory', 'metadata', 'metrics', 'minReadySeconds',
  'minReplicas', 'model-serving.cdk8s.io/config-hash', 'MODEL_BASE_PATH', 'MODEL_NAME', 'models.config',
  'monitoring.config', 'mountPath', 'name', 'namespace', 'nginx.ingress.kubernetes.io/canary',
  'nginx.ingress.kubernetes.io/canary-weight', 'nodeAffinity', 'nodePort', 'nodeSelector', 'nodeSelectorTerms',
  'number', 'nvidia.com/gpu', 'operator', 'parentRefs', 'path', 'paths', 'pathType', 'periodSeconds',
  'persistentVolumeClaim', 'policies', 'port', 'ports', 'priorityClassName', 'privileged', 'progressDeadlineSeconds',
  'project', 'protocol', 'prune', 'readinessProbe', 'readOnly', 'readOnlyRootFilesystem', 'replicas', 'repoURL',
  'requests', 'requiredDuringSchedulingIgnoredDuringExecution', 'resource', 'resources', 'restartPolicy',
  'revisionHistoryLimit', 'rollingUpdate', 'rules', 'runAsGroup', 'runAsNonRoot', 'runAsUser', 'scaleDown',
  'scaleTargetRef', 'scaleUp', 'seccompProfile', 'secret', 'secretKeyRef', 'secretName', 'secretRef', 'securityContext',
  'selector', 'selectPolicy', 'selfHeal', 'server', 'service', 'serviceAccountName', 'setHostnameAsFQDN', 'sizeLimit',
  'source', 'spec', 'stabilizationWindowSeconds', 'startupProbe', 'strategy', 'successThreshold', 'syncPolicy',
  'sysctls', 'target', 'targetPort', 'targetRevision', 'tcpSocket', 'template', 'terminationGracePeriodSeconds',
  'timeoutSeconds', 'tls', 'tolerations', 'topologyKey', 'topologySpreadConstraints', 'type',
  'unhealthyPodEvictionPolicy', 'value', 'valueFrom', 'volumeMounts', 'volumes', 'weight', 'whenUnsatisfiable',
];

let kept: object[] | undefined;

/** Makes, once per process, an object starting with each field name, so the root's transitions for them stay. */
export function keepManifestShapes(): void {
  if (kept) {
    return;
  }
  kept = FIELD_NAMES.map(name => {
    // a keyed store on `{}`, the way cdk8s adds keys, takes the same transition
    const shape: Record<string, unknown> = {};
    shape[name] = null;
    return shape;
  });
}
