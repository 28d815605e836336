import { checkManifests, summarize } from './check';
import { describeObject, Finding } from './findings';
import { loadCustomResourceDefinitions, loadManifests } from './load';
import { findRule } from './rules';
import { defaultSchemaValidator } from './schema';
import { append, appendAll } from './util';

/**
 * The properties of the validation plugin, from the `properties` of its entry in cdk8s.yaml.
 */
export interface ManifestCheckValidationProps {
  /**
   * Policy findings fail the synth too.
   * @default false
   */
  readonly strict?: boolean;

  /**
   * Files or folders of CustomResourceDefinitions for the custom resources the app synthesizes.
   * @default - none
   */
  readonly crds?: readonly string[];
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
 * Errors fail the synth; policy warnings are listed and fail it only when `strict` is set. Register it in cdk8s.yaml:
 *
 * ```yaml
 * validations:
 *   - package: ./lib/check/plugin.js
 *     version: 0.1.0
 *     class: ManifestCheckValidation
 *     properties:
 *       strict: false
 * ```
 */
export class ManifestCheckValidation {
  private readonly strict: boolean;
  private readonly crds: readonly string[];

  public constructor(props: ManifestCheckValidationProps = {}) {
    this.strict = props.strict ?? false;
    this.crds = props.crds ?? [];
  }

  public async validate(context: ValidationContextLike): Promise<void> {
    const crds = loadCustomResourceDefinitions(this.crds);
    if (crds.problems.length > 0) {
      throw new Error(`cannot read CustomResourceDefinitions: ${crds.problems.join('; ')}`);
    }
    // The same reading as the command's: regular files of UTF-8 text only.
    const loaded = loadManifests(context.manifests);
    if (loaded.unreadable.length > 0) {
      throw new Error(`cannot read manifests: ${loaded.unreadable.map(u => `${u.file}: ${u.message}`).join('; ')}`);
    }
    const items = loaded.items;
    const findings: Finding[] = loaded.findings;
    appendAll(findings, checkManifests(items, { strict: this.strict, customResourceDefinitions: crds.definitions }));
    const summary = summarize(findings, this.strict);
    const byRule = new Map<string, Finding[]>();
    for (const f of findings.filter(x => x.waived === undefined)) {
      append(byRule, f.ruleId, f);
    }
    for (const [ruleId, list] of byRule) {
      const severity = list.some(f => f.severity === 'error') ? 'error' : 'warning';
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
      waived: String(summary.waived),
      strict: String(this.strict),
    });
  }
}

/**
 * Prepares the checks before any manifest exists: loads the Kubernetes definitions and compiles the schemas of the
 * usual kinds. `npm run synth` calls it while the app runs, so that validation afterwards is quicker.
 */
export function warmUp(): void {
  defaultSchemaValidator().warmUp();
}
