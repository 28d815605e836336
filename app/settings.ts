// The example app's settings, read from the environment CI sets: the image tag it built instead of a `sed` step.
import { isImageDigest, isImageTag } from '../constructs/kubernetes-rules';

/** Image coordinates and release notes that CI passes in. */
export interface ExampleSettings {
  /** The GCP project whose registry holds the purchase-predict image. */
  readonly gcpProject: string;
  /** The purchase-predict image version CI built: a tag (the short commit SHA) or a `sha256:` digest. */
  readonly imageTag: string;
  /** The registry that holds the BentoML image of the celestial bodies classifier. */
  readonly classifierRegistry: string;
  /** The BentoML image tag of the celestial bodies classifier. */
  readonly classifierTag: string;
  /** Why this rollout happens (the commit subject in CI), recorded as `kubernetes.io/change-cause`. */
  readonly changeCause?: string;
  /** The git repository whose deploy branch Argo CD syncs. */
  readonly gitopsRepoUrl: string;
}

/** Local synthesis without IMAGE_TAG uses this tag, which no pipeline pushes: `CI` makes IMAGE_TAG required. */
export const LOCAL_IMAGE_TAG = 'local';

export const DEFAULT_SETTINGS: ExampleSettings = {
  gcpProject: 'my-gcp-project',
  imageTag: LOCAL_IMAGE_TAG,
  classifierRegistry: 'ghcr.io/my-org',
  classifierTag: '1.0.0',
  gitopsRepoUrl: 'https://github.com/my-org/model-deployments.git',
};

/** A setting from the environment that cannot be used; its message names the variable. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Reads the settings from environment variables, refusing values that would ship a floating or malformed image. */
export function settingsFromEnvironment(env: Readonly<Record<string, string | undefined>>): ExampleSettings {
  const problems: string[] = [];
  const imageTag = imageVersion(env, 'IMAGE_TAG', isSet(env.CI) ? undefined : DEFAULT_SETTINGS.imageTag, problems);
  const classifierTag = imageVersion(env, 'CLASSIFIER_TAG', DEFAULT_SETTINGS.classifierTag, problems);
  if (env.PURCHASE_PREDICT_TAG !== undefined) {
    problems.push('PURCHASE_PREDICT_TAG is no longer read: set IMAGE_TAG to the tag CI built');
  }
  const changeCause = env.CHANGE_CAUSE?.trim();
  if (problems.length > 0) {
    throw new SettingsError(problems.join('\n'));
  }
  return {
    gcpProject: env.GCP_PROJECT || DEFAULT_SETTINGS.gcpProject,
    imageTag: imageTag!,
    classifierRegistry: env.CLASSIFIER_REGISTRY || DEFAULT_SETTINGS.classifierRegistry,
    classifierTag: classifierTag!,
    changeCause: changeCause ? changeCause : undefined,
    gitopsRepoUrl: env.GITOPS_REPO_URL || DEFAULT_SETTINGS.gitopsRepoUrl,
  };
}

function imageVersion(env: Readonly<Record<string, string | undefined>>, variable: string, fallback: string | undefined,
  problems: string[]): string | undefined {
  const value = env[variable];
  if (value === undefined) {
    if (fallback === undefined) {
      problems.push(`${variable} is required when CI is set: a pipeline must name the image it built, e.g. ${variable}=$(git rev-parse --short HEAD)`);
    }
    return fallback;
  }
  if (value.trim() === '') {
    problems.push(`${variable} is empty: set it to the image tag CI built (e.g. ${variable}=3f2a9c1) or unset it`);
  } else if (value === 'latest') {
    problems.push(`${variable} 'latest' is a floating tag: every node may pull a different build; use the commit's short SHA or a sha256: digest`);
  } else if (value.startsWith('sha256:') ? !isImageDigest(value) : !isImageTag(value)) {
    problems.push(`${variable} '${value}' is not an image tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-') `
      + "nor a digest 'sha256:<64 lowercase hex digits>'");
  }
  return value;
}

/** CI systems set CI=true (GitHub Actions, GitLab) or CI=1; an empty or 'false' value means not CI. */
function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value.toLowerCase() !== 'false' && value !== '0';
}
