/**
 * Closed value sets the Kubernetes API server enforces (the `+enum` types of k8s.io/api), keyed by definition name
 * and property; none of them changed from 1.28 to 1.36 (Toleration's Lt and Gt of 1.35 need an alpha feature gate).
 * The cdk8s copy of the OpenAPI definitions drops them from the schema, so they are restored here. For array
 * properties the values apply to the items.
 */
export const KUBERNETES_ENUMS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  'io.k8s.api.core.v1.Container': {
    imagePullPolicy: ['Always', 'Never', 'IfNotPresent'],
    terminationMessagePolicy: ['File', 'FallbackToLogsOnError'],
  },
  'io.k8s.api.core.v1.ContainerPort': {
    protocol: ['TCP', 'UDP', 'SCTP'],
  },
  'io.k8s.api.core.v1.ServicePort': {
    protocol: ['TCP', 'UDP', 'SCTP'],
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    type: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
    sessionAffinity: ['ClientIP', 'None'],
    externalTrafficPolicy: ['Cluster', 'Local'],
    internalTrafficPolicy: ['Cluster', 'Local'],
    ipFamilyPolicy: ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
    ipFamilies: ['IPv4', 'IPv6'],
  },
  'io.k8s.api.core.v1.PodSpec': {
    restartPolicy: ['Always', 'OnFailure', 'Never'],
    dnsPolicy: ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
    preemptionPolicy: ['PreemptLowerPriority', 'Never'],
  },
  'io.k8s.api.core.v1.SeccompProfile': {
    type: ['Unconfined', 'RuntimeDefault', 'Localhost'],
  },
  'io.k8s.api.core.v1.HTTPGetAction': {
    scheme: ['HTTP', 'HTTPS'],
  },
  'io.k8s.api.core.v1.Toleration': {
    operator: ['Exists', 'Equal'],
    effect: ['NoSchedule', 'PreferNoSchedule', 'NoExecute'],
  },
  'io.k8s.api.core.v1.VolumeMount': {
    mountPropagation: ['None', 'HostToContainer', 'Bidirectional'],
  },
  'io.k8s.api.core.v1.HostPathVolumeSource': {
    type: ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'],
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': {
    accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
    volumeMode: ['Block', 'Filesystem'],
  },
  'io.k8s.api.core.v1.TopologySpreadConstraint': {
    whenUnsatisfiable: ['DoNotSchedule', 'ScheduleAnyway'],
    nodeAffinityPolicy: ['Honor', 'Ignore'],
    nodeTaintsPolicy: ['Honor', 'Ignore'],
  },
  'io.k8s.api.core.v1.NodeSelectorRequirement': {
    operator: ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'],
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': {
    operator: ['In', 'NotIn', 'Exists', 'DoesNotExist'],
  },
  'io.k8s.api.apps.v1.DeploymentStrategy': {
    type: ['Recreate', 'RollingUpdate'],
  },
  'io.k8s.api.apps.v1.StatefulSetSpec': {
    podManagementPolicy: ['OrderedReady', 'Parallel'],
  },
  'io.k8s.api.apps.v1.StatefulSetUpdateStrategy': {
    type: ['RollingUpdate', 'OnDelete'],
  },
  'io.k8s.api.apps.v1.DaemonSetUpdateStrategy': {
    type: ['RollingUpdate', 'OnDelete'],
  },
  'io.k8s.api.batch.v1.CronJobSpec': {
    concurrencyPolicy: ['Allow', 'Forbid', 'Replace'],
  },
  'io.k8s.api.batch.v1.JobSpec': {
    completionMode: ['NonIndexed', 'Indexed'],
  },
  'io.k8s.api.networking.v1.HTTPIngressPath': {
    pathType: ['Exact', 'Prefix', 'ImplementationSpecific'],
  },
  'io.k8s.api.autoscaling.v2.MetricSpec': {
    type: ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'],
  },
  'io.k8s.api.autoscaling.v2.MetricTarget': {
    type: ['Utilization', 'Value', 'AverageValue'],
  },
  'io.k8s.api.autoscaling.v2.HPAScalingPolicy': {
    type: ['Pods', 'Percent'],
  },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': {
    selectPolicy: ['Max', 'Min', 'Disabled'],
  },
  'io.k8s.api.policy.v1.PodDisruptionBudgetSpec': {
    unhealthyPodEvictionPolicy: ['IfHealthyBudget', 'AlwaysAllow'],
  },
};
