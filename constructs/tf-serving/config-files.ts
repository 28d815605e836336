// The configuration files TF Serving reads, in protobuf text format, and the flags that point it at them.
import { BatchingProps, ServedModel } from './props';

/** Where the ConfigMap's files are mounted in the server container. */
export const TF_CONFIG_DIR = '/etc/tf-serving';
/** How often TF Serving re-reads models.config, in seconds. */
export const MODEL_CONFIG_POLL_SECONDS = 60;
export const PROMETHEUS_PATH = '/monitoring/prometheus/metrics';


const ESCAPED = /[\\"]/;

/** Protobuf text strings: quoted, with backslashes and quotes escaped (names and paths are validated anyway). */
function quoted(value: string): string {
  return `"${ESCAPED.test(value) ? value.replace(/[\\"]/g, c => `\\${c}`) : value}"`;
}

/** A `ModelServerConfig` listing every model. */
export function modelsConfig(models: ServedModel[]): string {
  const entries = models.map(m => `  config {\n    name: ${quoted(m.name)}\n    base_path: ${quoted(m.basePath)}\n    model_platform: "tensorflow"\n  }\n`);
  return `model_config_list {\n${entries.join('')}}\n`;
}

/** A `MonitoringConfig` that serves Prometheus metrics on the REST port. */
export function monitoringConfig(path: string = PROMETHEUS_PATH): string {
  return `prometheus_config {\n  enable: true\n  path: ${quoted(path)}\n}\n`;
}

/** `BatchingParameters`: its numbers are wrapper messages (`{ value: n }`), so unset ones keep TF Serving's defaults. */
export function batchingConfig(batching: BatchingProps): string {
  const lines: string[] = [];
  addWrapped(lines, 'max_batch_size', batching.maxBatchSize);
  addWrapped(lines, 'batch_timeout_micros', batching.batchTimeoutMicros);
  addWrapped(lines, 'max_enqueued_batches', batching.maxEnqueuedBatches);
  addWrapped(lines, 'num_batch_threads', batching.numBatchThreads);
  lines.push(...(batching.allowedBatchSizes ?? []).map(size => `allowed_batch_sizes: ${size}`));
  if (batching.padVariableLengthInputs !== undefined) {
    lines.push(`pad_variable_length_inputs: ${batching.padVariableLengthInputs}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The line of a wrapped number; an unset one keeps TF Serving's default. */
function addWrapped(lines: string[], field: string, value: number | undefined): void {
  if (value !== undefined) {
    lines.push(`${field} { value: ${value} }`);
  }
}

export interface TfConfigFiles {
  /** File name to content, each a key of the ConfigMap. */
  readonly files: Record<string, string>;
  /** Flags for tensorflow_model_server, after the image entrypoint's own. */
  readonly args: string[];
}

// The flags, made once: each app's Deployment keeps its own copy of a flag made per app.
const MODEL_CONFIG_FILE_FLAG = `--model_config_file=${TF_CONFIG_DIR}/models.config`;
const MODEL_CONFIG_POLL_FLAG = `--model_config_file_poll_wait_seconds=${MODEL_CONFIG_POLL_SECONDS}`;
const MONITORING_CONFIG_FLAG = `--monitoring_config_file=${TF_CONFIG_DIR}/monitoring.config`;
const BATCHING_PARAMETERS_FLAG = `--batching_parameters_file=${TF_CONFIG_DIR}/batching.config`;

export function tfConfigFiles(options: {
  models?: ServedModel[]; monitoring: boolean; metricsPath?: string; batching?: BatchingProps;
}): TfConfigFiles {
  const files: Record<string, string> = {};
  const args: string[] = [];
  if (options.models) {
    files['models.config'] = modelsConfig(options.models);
    args.push(MODEL_CONFIG_FILE_FLAG, MODEL_CONFIG_POLL_FLAG);
  }
  if (options.monitoring) {
    files['monitoring.config'] = monitoringConfig(options.metricsPath);
    args.push(MONITORING_CONFIG_FLAG);
  }
  if (options.batching) {
    files['batching.config'] = batchingConfig(options.batching);
    args.push('--enable_batching', BATCHING_PARAMETERS_FLAG);
  }
  return { files, args };
}
