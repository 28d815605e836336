import { Finding, KubeObject, objectRef, Severity } from './findings';
import { containersOf, podTemplateOf } from './pods';
import { asArray, asRecord, joinPath } from './util';

/** The most bytes the keys and values of one object's annotations may take together (`TotalAnnotationSizeLimitB`). */
export const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Ingress path parts the API server refuses for the Prefix and Exact path types: they would escape the path. */
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

/** A percentage as the API server reads an int-or-string: digits and a `%`. */
const PERCENT = /^[0-9]+%$/;

/** Workloads whose pods run forever, so the only restart policy their templates take is Always. */
const LONG_RUNNING_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController'];

type Add = (ruleId: string, path: string, message: string) => void;

/**
 * Checks constraints the API server enforces beyond the OpenAPI schema and the name rules: containers have an image,
 * Services have ports (unless headless or ExternalName), resource quantities are not null, Ingress paths do not escape,
 * counts and percentages are in range, annotations fit in 256 KiB, and pod templates have a restart policy their
 * workload accepts. It reads the object as written, before null fields are dropped.
 */
export function validateApiConstraints(obj: KubeObject): Finding[] {
  const findings: Finding[] = [];
  const ref = objectRef(obj);
  const add: Add = (ruleId, path, message) => findings.push({ ruleId, severity: Severity.ERROR, message, path, object: ref });
  const spec = asRecord(obj.spec);
  annotationsSize(asRecord(obj.metadata), 'metadata', add);
  const template = podTemplateOf(obj);
  if (template) {
    if (obj.kind !== 'Pod') {
      annotationsSize(asRecord(readPath(obj, template.specPath.replace(/\.spec$/, '.metadata'))), template.specPath.replace(/\.spec$/, '.metadata'), add);
    }
    for (const c of containersOf(template)) {
      const image = c.container.image;
      if (image === undefined || image === null || image === '') {
        add('schema/required', `${c.path}.image`, 'required field "image" is missing: the API server requires an image for every container, in pod templates too');
      }
      const resources = asRecord(c.container.resources);
      nullQuantities(resources.requests, `${c.path}.resources.requests`, add);
      nullQuantities(resources.limits, `${c.path}.resources.limits`, add);
    }
    nullQuantities(template.spec.overhead, `${template.specPath}.overhead`, add);
    restartPolicy(String(obj.kind), template.spec.restartPolicy, `${template.specPath}.restartPolicy`, add);
    asArray(template.spec.volumes).forEach((v, i) => {
      claimQuantities(asRecord(asRecord(asRecord(v).ephemeral).volumeClaimTemplate).spec, `${template.specPath}.volumes[${i}].ephemeral.volumeClaimTemplate.spec`, add);
    });
  }
  switch (obj.kind) {
    case 'Service':
      servicePorts(spec, add);
      break;
    case 'Ingress':
      ingressPaths(spec, add);
      break;
    case 'Deployment': {
      const rolling = asRecord(asRecord(spec.strategy).rollingUpdate);
      if (asRecord(spec.strategy).type !== 'Recreate') {
        rollingUpdate(rolling, 'spec.strategy.rollingUpdate', '25%', '25%', add);
      }
      break;
    }
    case 'DaemonSet': {
      const rolling = asRecord(asRecord(spec.updateStrategy).rollingUpdate);
      if (asRecord(spec.updateStrategy).type !== 'OnDelete') {
        rollingUpdate(rolling, 'spec.updateStrategy.rollingUpdate', 1, 0, add);
      }
      break;
    }
    case 'StatefulSet':
      asArray(spec.volumeClaimTemplates).forEach((t, i) => claimQuantities(asRecord(t).spec, `spec.volumeClaimTemplates[${i}].spec`, add));
      break;
    case 'PersistentVolumeClaim':
      claimQuantities(spec, 'spec', add);
      break;
    case 'PodDisruptionBudget':
      disruptionBudget(spec, add);
      break;
    case 'ResourceQuota':
      nullQuantities(spec.hard, 'spec.hard', add);
      break;
    case 'LimitRange':
      asArray(spec.limits).forEach((l, i) => {
        for (const field of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) {
          nullQuantities(asRecord(l)[field], `spec.limits[${i}].${field}`, add);
        }
      });
      break;
    default:
  }
  return findings;
}

function readPath(obj: KubeObject, path: string): unknown {
  let value: unknown = obj;
  for (const key of path.split('.')) {
    value = asRecord(value)[key];
  }
  return value;
}

function annotationsSize(meta: Record<string, unknown>, path: string, add: Add): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(asRecord(meta.annotations))) {
    bytes += Buffer.byteLength(key) + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  }
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    add('schema/annotations-size', `${path}.annotations`,
      `annotations take ${bytes} bytes; the API server accepts at most ${ANNOTATIONS_MAX_BYTES} (256 KiB) in total. Move large values into a ConfigMap`);
  }
}

/** A quantity map entry written as `memory:` with no value: the API server reads it as 0, not as unset. */
function nullQuantities(map: unknown, path: string, add: Add): void {
  for (const [key, value] of Object.entries(asRecord(map))) {
    if (value === null) {
      add('schema/quantity', joinPath(path, key), `quantity "${key}" is null, which the API server reads as 0; give a quantity such as 512Mi, or remove the key`);
    }
  }
}

function claimQuantities(claimSpec: unknown, path: string, add: Add): void {
  const resources = asRecord(asRecord(claimSpec).resources);
  nullQuantities(resources.requests, `${path}.resources.requests`, add);
  nullQuantities(resources.limits, `${path}.resources.limits`, add);
}

function restartPolicy(kind: string, policy: unknown, path: string, add: Add): void {
  if (kind === 'Job' || kind === 'CronJob') {
    if (policy !== 'OnFailure' && policy !== 'Never') {
      const got = policy === undefined || policy === null ? 'unset, so Always' : JSON.stringify(policy);
      add('schema/restart-policy', path, `a ${kind} pod template must set restartPolicy to OnFailure or Never (it is ${got}, which the API server refuses for Jobs)`);
    }
  } else if (LONG_RUNNING_KINDS.includes(kind) && policy !== undefined && policy !== null && policy !== 'Always') {
    add('schema/restart-policy', path, `a ${kind} pod template only takes restartPolicy Always, got ${JSON.stringify(policy)}`);
  }
}

function servicePorts(spec: Record<string, unknown>, add: Add): void {
  const headless = spec.clusterIP === 'None';
  if (spec.type !== 'ExternalName' && !headless && asArray(spec.ports).length === 0) {
    add('schema/required', 'spec.ports', 'required field "spec.ports" is missing: a Service needs a port, unless it is headless (clusterIP: None) or of type ExternalName');
  }
}

function ingressPaths(spec: Record<string, unknown>, add: Add): void {
  asArray(spec.rules).forEach((r, i) => {
    asArray(asRecord(asRecord(r).http).paths).forEach((p, j) => {
      const { path, pathType } = asRecord(p);
      const at = `spec.rules[${i}].http.paths[${j}].path`;
      if (typeof path !== 'string' && path !== undefined) {
        return;
      }
      const value = path ?? '';
      if (pathType === 'Exact' || pathType === 'Prefix') {
        const problems = [
          ...(value.startsWith('/') ? [] : ['must be an absolute path']),
          ...INVALID_PATH_SEQUENCES.filter(s => value.includes(s)).map(s => `must not contain "${s}"`),
          ...INVALID_PATH_SUFFIXES.filter(s => value.endsWith(s)).map(s => `must not end with "${s}"`),
        ];
        if (problems.length > 0) {
          add('schema/ingress-path', at, `path ${JSON.stringify(value)} of type ${pathType} ${problems.join(', ')}`);
        }
      } else if (value !== '' && !value.startsWith('/')) {
        add('schema/ingress-path', at, `path ${JSON.stringify(value)} must be an absolute path`);
      }
    });
  });
}

/** An int-or-string count or percentage as a number of percent or an absolute count, or a problem with it. */
type Amount = { readonly percent: number } | { readonly count: number } | { readonly problem: string };

function amountOf(value: unknown): Amount | undefined {
  if (typeof value === 'number') {
    return value < 0 ? { problem: `must be greater than or equal to 0, got ${value}` } : { count: value };
  }
  if (typeof value === 'string') {
    return PERCENT.test(value) ? { percent: Number(value.slice(0, -1)) } : { problem: `must be a count or a percentage such as "25%", got ${JSON.stringify(value)}` };
  }
  return undefined;
}

/** Checks one int-or-string field; returns whether it is zero (0 or 0%), when valid. */
function checkAmount(value: unknown, path: string, capped: boolean, add: Add): boolean | undefined {
  const amount = amountOf(value);
  if (!amount) {
    return undefined;
  }
  if ('problem' in amount) {
    add('schema/int-or-percent', path, amount.problem);
    return undefined;
  }
  if ('percent' in amount) {
    if (capped && amount.percent > 100) {
      add('schema/int-or-percent', path, `must not be greater than 100%, got ${JSON.stringify(value)}`);
    }
    return amount.percent === 0;
  }
  return amount.count === 0;
}

function rollingUpdate(rolling: Record<string, unknown>, path: string, defaultUnavailable: number | string, defaultSurge: number | string,
  add: Add): void {
  // maxSurge may exceed 100% (it adds pods); maxUnavailable cannot remove more pods than there are.
  const unavailable = checkAmount(rolling.maxUnavailable ?? defaultUnavailable, `${path}.maxUnavailable`, true, add);
  const surge = checkAmount(rolling.maxSurge ?? defaultSurge, `${path}.maxSurge`, false, add);
  if (unavailable === true && surge === true) {
    add('schema/int-or-percent', `${path}.maxUnavailable`, 'maxUnavailable may not be 0 when maxSurge is 0: the rollout could never proceed');
  }
}

function disruptionBudget(spec: Record<string, unknown>, add: Add): void {
  const has = (v: unknown) => v !== undefined && v !== null;
  if (has(spec.minAvailable) && has(spec.maxUnavailable)) {
    add('schema/int-or-percent', 'spec.maxUnavailable', 'minAvailable and maxUnavailable cannot both be set');
  }
  checkAmount(spec.minAvailable, 'spec.minAvailable', true, add);
  checkAmount(spec.maxUnavailable, 'spec.maxUnavailable', true, add);
}
