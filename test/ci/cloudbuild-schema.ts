// A strict JSON Schema of the Cloud Build config file (cloudbuild.yaml), from Google's documented build config
// (https://cloud.google.com/build/docs/build-config-file-schema) and the Build resource it models
// (https://cloud.google.com/build/docs/api/reference/rest/v1/projects.builds#Build). Unknown fields are errors,
// as they are for `gcloud builds submit`; output-only fields of the resource (id, status, results, ...) are not
// part of a config file.

/** `3.5s`: seconds with up to nine fractional digits and a trailing `s`. */
const DURATION = { type: 'string', pattern: '^[0-9]+(\\.[0-9]{1,9})?s$' };
/** `KEY=VALUE`. */
const ENV_ENTRY = { type: 'string', pattern: '^[^=]+=' };
const ENV_NAME = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' };
const STRINGS = { type: 'array', items: { type: 'string' } };
/** int64 fields are strings in the JSON API; a YAML file may write them as numbers. */
const INT64 = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+$' }] };

const VOLUME = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'path'],
  properties: {
    name: { type: 'string', minLength: 1 },
    path: { type: 'string', pattern: '^/' },
  },
};

const BUILD_STEP = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1 },
    args: STRINGS,
    env: { type: 'array', items: ENV_ENTRY },
    allowFailure: { type: 'boolean' },
    allowExitCodes: { type: 'array', items: INT64 },
    dir: { type: 'string' },
    id: { type: 'string', minLength: 1 },
    waitFor: STRINGS,
    entrypoint: { type: 'string', minLength: 1 },
    secretEnv: { type: 'array', items: ENV_NAME },
    volumes: { type: 'array', items: VOLUME },
    timeout: DURATION,
    script: { type: 'string', minLength: 1 },
    automapSubstitutions: { type: 'boolean' },
  },
  // "If you specify script in a build step, you cannot specify args or entrypoint in the same step."
  dependencies: { script: { properties: { args: false, entrypoint: false } } },
};

const BUILD_OPTIONS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    env: { type: 'array', items: ENV_ENTRY },
    secretEnv: { type: 'array', items: ENV_NAME },
    volumes: { type: 'array', items: VOLUME },
    sourceProvenanceHash: { type: 'array', items: { enum: ['NONE', 'SHA256', 'MD5', 'GO_MODULE_H1', 'SHA512'] } },
    machineType: { enum: ['UNSPECIFIED', 'N1_HIGHCPU_8', 'N1_HIGHCPU_32', 'E2_HIGHCPU_8', 'E2_HIGHCPU_32', 'E2_MEDIUM', 'E2_STANDARD_2'] },
    diskSizeGb: INT64,
    substitutionOption: { enum: ['MUST_MATCH', 'ALLOW_LOOSE'] },
    dynamicSubstitutions: { type: 'boolean' },
    automapSubstitutions: { type: 'boolean' },
    logStreamingOption: { enum: ['STREAM_DEFAULT', 'STREAM_ON', 'STREAM_OFF'] },
    logging: { enum: ['LOGGING_UNSPECIFIED', 'LEGACY', 'GCS_ONLY', 'STACKDRIVER_ONLY', 'CLOUD_LOGGING_ONLY', 'NONE'] },
    defaultLogsBucketBehavior: { enum: ['DEFAULT_LOGS_BUCKET_BEHAVIOR_UNSPECIFIED', 'REGIONAL_USER_OWNED_BUCKET', 'LEGACY_BUCKET'] },
    pool: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^projects/[^/]+/locations/[^/]+/workerPools/[^/]+$' } },
    },
    pubsubTopic: { type: 'string', pattern: '^projects/[^/]+/topics/[^/]+$' },
    requestedVerifyOption: { enum: ['NOT_VERIFIED', 'VERIFIED'] },
  },
};

/** Secrets decrypted with Cloud KMS (the older mechanism; Secret Manager is the documented recommendation). */
const KMS_SECRET = {
  type: 'object',
  additionalProperties: false,
  required: ['kmsKeyName', 'secretEnv'],
  properties: {
    kmsKeyName: { type: 'string', minLength: 1 },
    secretEnv: { type: 'object', propertyNames: ENV_NAME, additionalProperties: { type: 'string' } },
  },
};

const AVAILABLE_SECRETS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    secretManager: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['versionName', 'env'],
        properties: {
          versionName: { type: 'string', pattern: '^projects/[^/]+/secrets/[^/]+/versions/[^/]+$' },
          env: ENV_NAME,
        },
      },
    },
    inline: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kmsKeyName', 'envMap'],
        properties: {
          kmsKeyName: { type: 'string', minLength: 1 },
          envMap: { type: 'object', propertyNames: ENV_NAME, additionalProperties: { type: 'string' } },
        },
      },
    },
  },
};

const REPOSITORY_UPLOAD = (required: string[], properties: Record<string, unknown>) => ({
  type: 'array',
  items: { type: 'object', additionalProperties: false, required, properties },
});

const ARTIFACTS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    images: STRINGS,
    objects: {
      type: 'object',
      additionalProperties: false,
      required: ['location', 'paths'],
      properties: { location: { type: 'string', pattern: '^gs://' }, paths: STRINGS },
    },
    mavenArtifacts: REPOSITORY_UPLOAD(['repository', 'path', 'artifactId', 'groupId', 'version'], {
      repository: { type: 'string' }, path: { type: 'string' }, artifactId: { type: 'string' },
      groupId: { type: 'string' }, version: { type: 'string' }, deployFolder: { type: 'boolean' },
    }),
    pythonPackages: REPOSITORY_UPLOAD(['repository', 'paths'], { repository: { type: 'string' }, paths: STRINGS }),
    npmPackages: REPOSITORY_UPLOAD(['repository', 'packagePath'], { repository: { type: 'string' }, packagePath: { type: 'string' } }),
    goModules: REPOSITORY_UPLOAD(['repositoryName', 'repositoryLocation', 'modulePath', 'moduleVersion'], {
      repositoryName: { type: 'string' }, repositoryLocation: { type: 'string' }, repositoryProjectId: { type: 'string' },
      sourcePath: { type: 'string' }, modulePath: { type: 'string' }, moduleVersion: { type: 'string' },
    }),
  },
};

/** The whole file: the config fields of the Build resource. */
export const CLOUD_BUILD_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['steps'],
  properties: {
    steps: { type: 'array', minItems: 1, items: BUILD_STEP },
    timeout: DURATION,
    queueTtl: DURATION,
    logsBucket: { type: 'string', pattern: '^gs://' },
    options: BUILD_OPTIONS,
    // "Substitutions must begin with an underscore (_) and use only uppercase-letters and numbers."
    substitutions: { type: 'object', propertyNames: { type: 'string', pattern: '^_[A-Z0-9_]+$' }, additionalProperties: { type: 'string' } },
    tags: { type: 'array', items: { type: 'string', pattern: '^[\\w][\\w.-]{0,127}$' } },
    serviceAccount: { type: 'string', pattern: '^projects/[^/]+/serviceAccounts/[^/]+$' },
    secrets: { type: 'array', items: KMS_SECRET },
    availableSecrets: AVAILABLE_SECRETS,
    artifacts: ARTIFACTS,
    images: STRINGS,
  },
} as const;
