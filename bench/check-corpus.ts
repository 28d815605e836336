// The manifests the checker bench reads: many small apps, each a Deployment, a Service, a ConfigMap and a
// PodDisruptionBudget that pass every rule, written as multi-document YAML files like those of a large dist/.
import * as fs from 'fs';
import * as path from 'path';
import { stringify } from 'yaml';

/** Objects per app. */
const APP_OBJECTS = 4;

function app(index: number): Record<string, unknown>[] {
  const name = `model-${index}`;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'bench' };
  const container = {
    name: 'server',
    image: `registry.example.com/models/${name}:1.0.${index % 100}`,
    ports: [{ name: 'http', containerPort: 8080 }],
    envFrom: [{ configMapRef: { name } }],
    securityContext: {
      allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 10001,
      capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    },
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } },
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/live', port: 'http' }, periodSeconds: 10 },
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
  return [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, labels },
      spec: {
        replicas: 2, selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [container],
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
          },
        },
      },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { MODEL_NAME: name, LOG_LEVEL: 'info' } },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, labels }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
  ];
}

/**
 * Writes about `objects` objects (whole apps) into `dir`, `perFile` objects a file, and returns the bytes written.
 */
export interface CheckCorpus {
  readonly objects: number;
  readonly bytes: number;
  readonly files: number;
}

export function writeCheckCorpus(dir: string, objects: number, perFile: number): CheckCorpus {
  const apps = Math.ceil(objects / APP_OBJECTS);
  const appsPerFile = Math.max(1, Math.floor(perFile / APP_OBJECTS));
  let bytes = 0;
  let files = 0;
  for (let first = 0; first < apps; first += appsPerFile) {
    const documents: string[] = [];
    for (let i = first; i < Math.min(apps, first + appsPerFile); i++) {
      for (const object of app(i)) {
        documents.push(stringify(object));
      }
    }
    const text = documents.join('---\n');
    fs.writeFileSync(path.join(dir, `apps-${String(files).padStart(5, '0')}.yaml`), text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  return { objects: apps * APP_OBJECTS, bytes, files };
}
