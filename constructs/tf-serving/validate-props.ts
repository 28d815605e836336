// Checks of TF Serving's own props.
import { PropProblems } from '../internal/problems';
import { parseImageOnce } from '../internal/remembered-rules';
import { isNodePort, isNonNegativeInteger, isPort, isPositiveInteger } from '../kubernetes-rules/names';
import { ServiceType } from '../serving-props';
import { BatchingProps, TfServingServiceProps } from './props';

const INT32_MAX = 2147483647;
/** TF Serving's model names are URL path segments and folder names. */
export const TF_MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

export function checkTfModelName(p: PropProblems, prop: string, name: unknown): boolean {
  return p.check(typeof name === 'string' && TF_MODEL_NAME.test(name) && name.length <= 253, prop, name,
    "must be letters, digits, '_', '-' or '.', starting with a letter or digit (it is a URL path segment and a folder name)");
}

/** Docker Hub by its names, and Google's mirror of it. */
const DOCKER_HUB = /^(docker\.io|index\.docker\.io|registry-1\.docker\.io|registry\.hub\.docker\.com|mirror\.gcr\.io)$/;

/** True for the images of Docker Hub's tensorflow/serving, whatever their tag or digest: they hold no model. */
export function isStockTfServingImage(image: string): boolean {
  const parsed = parseImageOnce(image);
  if (typeof parsed === 'string') {
    return false;
  }
  const components = parsed.repository.split('/');
  const registry = components.length > 2 ? components[0] : undefined;
  const path = (registry ? components.slice(1) : components).join('/');
  return path === 'tensorflow/serving' && (registry === undefined || DOCKER_HUB.test(registry));
}

export function checkGrpcService(p: PropProblems, service: TfServingServiceProps | undefined, restPort: number): void {
  if (service?.grpcPort !== undefined) {
    p.check(isPort(service.grpcPort), 'service.grpcPort', service.grpcPort, 'must be an integer within 1-65535');
    p.check(service.grpcPort !== restPort, 'service.grpcPort', service.grpcPort, `must differ from the REST port ${restPort}`);
  }
  const grpcNodePort = service?.grpcNodePort;
  if (grpcNodePort !== undefined) {
    p.check(isNodePort(grpcNodePort), 'service.grpcNodePort', grpcNodePort, 'must be within 30000-32767');
    p.check(grpcNodePort !== service?.nodePort, 'service.grpcNodePort', grpcNodePort, 'must differ from service.nodePort');
    p.check(service?.type !== ServiceType.CLUSTER_IP, 'service.grpcNodePort', grpcNodePort,
      'needs service.type NodePort or LoadBalancer, not ClusterIP');
  }
}

function checkBatchCount(p: PropProblems, prop: string, value: number | undefined, required: boolean): void {
  if (value === undefined) {
    if (required) {
      p.fail(`batching.${prop}`, value, 'is required');
    }
    return;
  }
  const ok = prop === 'batchTimeoutMicros' ? isNonNegativeInteger(value) : isPositiveInteger(value);
  if (!(ok && value <= INT32_MAX)) {
    p.fail(`batching.${prop}`, value, `must be an integer of at least ${prop === 'batchTimeoutMicros' ? 0 : 1}`);
  }
}

export function checkBatching(p: PropProblems, batching: BatchingProps | undefined): void {
  if (batching === undefined) {
    return;
  }
  checkBatchCount(p, 'maxBatchSize', batching.maxBatchSize, true);
  checkBatchCount(p, 'batchTimeoutMicros', batching.batchTimeoutMicros, true);
  checkBatchCount(p, 'maxEnqueuedBatches', batching.maxEnqueuedBatches, false);
  checkBatchCount(p, 'numBatchThreads', batching.numBatchThreads, false);
  const sizes = batching.allowedBatchSizes;
  if (sizes !== undefined) {
    const increasing = Array.isArray(sizes) && sizes.every((s, i) => isPositiveInteger(s) && (i === 0 || s > sizes[i - 1]));
    // TF Serving refuses the model otherwise (BatchingParameters: "The final entry must equal 'max_batch_size'").
    p.check(increasing && sizes.length > 0 && sizes[sizes.length - 1] === batching.maxBatchSize, 'batching.allowedBatchSizes', sizes,
      `must be increasing whole numbers ending with batching.maxBatchSize (${batching.maxBatchSize})`);
  }
  if (batching.padVariableLengthInputs !== undefined) {
    p.check(typeof batching.padVariableLengthInputs === 'boolean', 'batching.padVariableLengthInputs', batching.padVariableLengthInputs, 'must be a boolean');
  }
}
