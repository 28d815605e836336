import { groupByEnvironment } from '../kubernetes-rules';
import { checkManifests, summarize } from './check';
import { describeObject, Finding, Severity } from './findings';
import { DEFAULT_KUBERNETES_VERSION, KubernetesVersion, requireKubernetesVersion } from './kubernetes-versions';
import { loadCustomResourceDefinitions, parseManifests } from './load';
import { checkManifestFiles, commonFolder } from './remembered-check';
import { findRule } from './rules';
import { defaultSchemaValidator } from './schema';
import { append, appendAll } from './util';
import { WARM_UP_MANIFESTS } from './warm-up-manifests';

/**
 * The properties of the validation plugin, from the `properties` of its entry in cdk8s.yaml.
 */
export interface ManifestCheckValidationProps {
  /**
   * Warnings fail the synth too (info findings never do).
   * @default false
   */
  readonly strict?: boolean;

  /**
   * The synthesized manifests are everything deployed together, so a Service, Ingress, HTTPRoute, autoscaler,
   * disruption budget or ServiceMonitor whose target is not among them is an error; with `false`, a warning.
   * @default true
   */
  readonly complete?: boolean;

  /**
   * Files or folders of CustomResourceDefinitions for the custom resources the app synthesizes.
   * @default - none
   */
  readonly crds?: readonly string[];

  /**
   * The Kubernetes version whose API the manifests are checked against: one of `KUBERNETES_VERSIONS`, as a string
   * (quote it in cdk8s.yaml: YAML reads an unquoted 1.30 as the number 1.3).
   * @default '1.28'
   */
  readonly kubernetesVersion?: string;
}

/**
 * The part of the cdk8s CLI validation context the plugin uses (`cdk8s-cli` `ValidationContext`).
 */
export interface ValidationContextLike {
  readonly manifests: readonly string[];
  readonly report: {
    addViolation(violation: {
      readonly ruleName: string;
      readonly recommendation: string;
      readonly fix: string;
      readonly violatingResources: readonly { readonly resourceName: string; readonly locations: readonly string[]; readonly manifestPath: string }[];
    }): void;
    submit(status: 'success' | 'failure', metadata?: { readonly [key: string]: string }): void;
  };
}

/**
 * A cdk8s validation plugin that runs the manifest checker on the synthesized manifests, for `cdk8s synth --validate`.
 * Errors fail the synth; warnings are listed and fail it only when `strict` is set; info findings (objects that must
 * exist before apply) are listed and never fail it. Register it in cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./lib/check/plugin.js
 *     version: 0.1.0
 *     class: ManifestCheckValidation
 *     properties:
 *       strict: false
 *       complete: true
 *       kubernetesVersion: '1.30'
 * ```
 */
export class ManifestCheckValidation {
  private readonly strict: boolean;
  private readonly complete: boolean;
  private readonly crds: readonly string[];
  private readonly kubernetesVersion: KubernetesVersion;

  public constructor(props: ManifestCheckValidationProps = {}) {
    this.strict = props.strict ?? false;
    this.complete = props.complete ?? true;
    this.crds = props.crds ?? [];
    // Refused when the CLI loads the plugin from cdk8s.yaml: the synth fails with this message before any manifest is read.
    this.kubernetesVersion = requireKubernetesVersion(
      'ManifestCheckValidation: property kubernetesVersion', props.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  }

  public async validate(context: ValidationContextLike): Promise<void> {
    const crds = loadCustomResourceDefinitions(this.crds);
    if (crds.problems.length > 0) {
      throw new Error(`cannot read CustomResourceDefinitions: ${crds.problems.join('; ')}`);
    }
    const findings: Finding[] = [];
    // Each environment folder (dist/<env>/) is applied on its own, so it is checked as a set of its own. The files
    // are read as the command reads them: regular files of UTF-8 text only.
    const outdir = commonFolder(context.manifests);
    for (const manifests of groupByEnvironment(context.manifests)) {
      const checked = checkManifestFiles(manifests, {
        strict: this.strict, complete: this.complete, customResourceDefinitions: crds.definitions, kubernetesVersion: this.kubernetesVersion,
      }, outdir);
      if (checked.unreadable.length > 0) {
        throw new Error(`cannot read manifests: ${checked.unreadable.map(u => `${u.file}: ${u.message}`).join('; ')}`);
      }
      appendAll(findings, checked.findings);
    }
    const summary = summarize(findings, this.strict);
    const byRule = new Map<string, Finding[]>();
    for (const f of findings.filter(x => x.waived === undefined)) {
      append(byRule, f.ruleId, f);
    }
    for (const [ruleId, list] of byRule) {
      const severity = [Severity.ERROR, Severity.WARNING, Severity.INFO].find(level => list.some(f => f.severity === level)) ?? Severity.INFO;
      context.report.addViolation({
        ruleName: `${ruleId} (${severity})`,
        recommendation: findRule(ruleId)?.description ?? ruleId,
        fix: 'see the messages under Locations; run `cdk8s-model-serving check <dir>` for the same report by file and line',
        violatingResources: list.map(f => ({
          // The CLI looks construct paths up by bare object name, which one app's Deployment, Service and Ingress
          // share: the kind keeps it from naming the wrong construct (it shows none instead).
          resourceName: describeObject(f.object),
          manifestPath: f.file ?? '',
          locations: [`${f.path || '(object)'}${f.line !== undefined ? ` (line ${f.line})` : ''}: ${f.message}`],
        })),
      });
    }
    context.report.submit(summary.passed ? 'success' : 'failure', {
      errors: String(summary.errors),
      warnings: String(summary.warnings),
      info: String(summary.info),
      waived: String(summary.waived),
      strict: String(this.strict),
      complete: String(this.complete),
      kubernetesVersion: this.kubernetesVersion,
    });
  }
}

/**
 * Prepares the checks before any manifest exists: loads the Kubernetes definitions and compiles the schemas of the
 * usual kinds of the version the plugin's properties name (1.28 without them), and checks a sample of what the
 * constructs emit. `npm run synth` calls it while the app runs, so that validation afterwards is quicker.
 */
export function warmUp(props: ManifestCheckValidationProps = {}): void {
  defaultSchemaValidator(props.kubernetesVersion).warmUp();
  // the findings of the sample are of no interest: running the code once is the point
  checkManifests(parseManifests(WARM_UP_MANIFESTS, 'warm-up.k8s.yaml').items, { complete: false, kubernetesVersion: props.kubernetesVersion });
}
