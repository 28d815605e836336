// Props of TF Serving's own features: several models, gRPC on the Service, Prometheus metrics and request batching.
import { ModelSource } from '../model-source';
import { ServiceProps } from '../serving-props';

/** One model of a TF Serving server that serves several. */
export interface TfServingModel {
  /** Served at `/v1/models/<name>`; with a volume source, mounted at `<modelBasePath>/<name>`. */
  readonly name: string;
  /** Where the model's version folders (`1/`, `2/`, ...) come from. */
  readonly source: ModelSource;
}

/** The Service of a TfServingApp: REST (`http`) and gRPC (`grpc`). */
export interface TfServingServiceProps extends ServiceProps {
  /** The Service port of gRPC. @default 8500 */
  readonly grpcPort?: number;
  /** The node port of gRPC, 30000-32767; only with NodePort or LoadBalancer. @default - Kubernetes picks one for NodePort and LoadBalancer */
  readonly grpcNodePort?: number;
}

/**
 * TF Serving's server-side request batching (`--enable_batching` with a batching parameters file). The names are
 * those of TF Serving's `BatchingParameters`; see its batching guide for tuning.
 */
export interface BatchingProps {
  /** `max_batch_size`: the most requests in one batch. */
  readonly maxBatchSize: number;
  /** `batch_timeout_micros`: how long a request may wait for a batch to fill, in microseconds. */
  readonly batchTimeoutMicros: number;
  /** `max_enqueued_batches`: batches queued before requests are refused. @default - TF Serving's default */
  readonly maxEnqueuedBatches?: number;
  /** `num_batch_threads`: batches processed in parallel, usually the number of cores or accelerators. @default - TF Serving's default */
  readonly numBatchThreads?: number;
  /** `allowed_batch_sizes`: increasing sizes batches are padded to; the last must equal `maxBatchSize`. @default - any size */
  readonly allowedBatchSizes?: number[];
  /** `pad_variable_length_inputs`: pad inputs of different lengths in one batch. @default false */
  readonly padVariableLengthInputs?: boolean;
}

/** A model as TF Serving is configured to serve it (a TfServingApp's `spec.models`). */
export interface ServedModel {
  readonly name: string;
  /** The folder or store URI holding the model's version folders. */
  readonly basePath: string;
}
