// A sample of what the constructs emit (the production purchase-predict app of the example: Deployment, Service,
// Ingress, PodDisruptionBudget), which `warmUp()` checks while the app runs: the first parse and check of a run
// executes cold code (the YAML parser, the validators, the rules) that is several times slower than it is later.
export const WARM_UP_MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app.kubernetes.io/component: model-server
    app.kubernetes.io/instance: purchase-predict
    app.kubernetes.io/managed-by: cdk8s-model-serving
    app.kubernetes.io/name: purchase-predict
    app.kubernetes.io/part-of: purchase-predict
    app.kubernetes.io/version: local
  name: purchase-predict
  namespace: ml-production
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/instance: purchase-predict
      app.kubernetes.io/name: purchase-predict
  template:
    metadata:
      labels:
        app.kubernetes.io/component: model-server
        app.kubernetes.io/instance: purchase-predict
        app.kubernetes.io/managed-by: cdk8s-model-serving
        app.kubernetes.io/name: purchase-predict
        app.kubernetes.io/part-of: purchase-predict
        app.kubernetes.io/version: local
    spec:
      automountServiceAccountToken: false
      containers:
        - env:
            - name: ENV
              value: production
            - name: MLFLOW_SERVER
              value: http://mlflow.mlflow.svc.cluster.local:5000
            - name: MLFLOW_REGISTRY_NAME
              value: purchase_predict
            - name: PORT
              value: "80"
          image: gcr.io/my-gcp-project/purchase-predict-api:local
          livenessProbe:
            failureThreshold: 3
            periodSeconds: 10
            tcpSocket:
              port: http
            timeoutSeconds: 2
          name: purchase-predict
          ports:
            - containerPort: 80
              name: http
              protocol: TCP
          readinessProbe:
            failureThreshold: 3
            httpGet:
              path: /
              port: http
            periodSeconds: 10
            timeoutSeconds: 2
          resources:
            limits:
              cpu: "1"
              memory: 1G
            requests:
              cpu: "0.5"
              memory: 0.5G
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop:
                - ALL
            privileged: false
            readOnlyRootFilesystem: true
          startupProbe:
            failureThreshold: 60
            httpGet:
              path: /
              port: http
            periodSeconds: 5
            timeoutSeconds: 2
          volumeMounts:
            - mountPath: /tmp
              name: tmp
      enableServiceLinks: false
      securityContext:
        fsGroup: 10001
        runAsGroup: 10001
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile:
          type: RuntimeDefault
        sysctls:
          - name: net.ipv4.ip_unprivileged_port_start
            value: "80"
      topologySpreadConstraints:
        - labelSelector:
            matchLabels:
              app.kubernetes.io/instance: purchase-predict
              app.kubernetes.io/name: purchase-predict
          matchLabelKeys:
            - pod-template-hash
          maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
      volumes:
        - emptyDir: {}
          name: tmp
---
apiVersion: v1
kind: Service
metadata:
  labels:
    app.kubernetes.io/component: model-server
    app.kubernetes.io/instance: purchase-predict
    app.kubernetes.io/managed-by: cdk8s-model-serving
    app.kubernetes.io/name: purchase-predict
    app.kubernetes.io/part-of: purchase-predict
    app.kubernetes.io/version: local
  name: purchase-predict
  namespace: ml-production
spec:
  ports:
    - name: http
      port: 80
      protocol: TCP
      targetPort: http
  selector:
    app.kubernetes.io/instance: purchase-predict
    app.kubernetes.io/name: purchase-predict
  type: NodePort
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  annotations:
    kubernetes.io/ingress.class: gce
  labels:
    app.kubernetes.io/component: model-server
    app.kubernetes.io/instance: purchase-predict
    app.kubernetes.io/managed-by: cdk8s-model-serving
    app.kubernetes.io/name: purchase-predict
    app.kubernetes.io/part-of: purchase-predict
    app.kubernetes.io/version: local
  name: purchase-predict
  namespace: ml-production
spec:
  rules:
    - http:
        paths:
          - backend:
              service:
                name: purchase-predict
                port:
                  number: 80
            path: /
            pathType: Prefix
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  labels:
    app.kubernetes.io/component: model-server
    app.kubernetes.io/instance: purchase-predict
    app.kubernetes.io/managed-by: cdk8s-model-serving
    app.kubernetes.io/name: purchase-predict
    app.kubernetes.io/part-of: purchase-predict
    app.kubernetes.io/version: local
  name: purchase-predict
  namespace: ml-production
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/instance: purchase-predict
      app.kubernetes.io/name: purchase-predict
  unhealthyPodEvictionPolicy: AlwaysAllow
`;
