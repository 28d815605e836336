// Turns what `cdk8s synth --format helm` wrote into charts `helm install` accepts: one per environment folder
// (`<outdir>/<env>/`), else one at the output folder, each with a valid Chart.yaml and `templates/` holding exactly the
// manifests, with `{{` escaped so Helm's template engine passes the manifests through unchanged.
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';

import { ENVIRONMENT_MARKER, ENVIRONMENT_NAME } from '../kubernetes-rules';
import { CONSTRUCT_METADATA_FILE } from './manifest-tree';

/** The output of the app is not a chart Helm would install; the synth fails with this message. */
export class HelmChartError extends Error {}

/** What cdk8s writes beside the templates of its chart. */
const CHART_FILE = 'Chart.yaml';
const CLI_FILES = [CHART_FILE, 'README.md', 'crds', 'templates'];
/** The manifests Helm renders; anything else in templates/ would be rendered and parsed as a manifest too. */
const MANIFEST = /\.ya?ml$/;

/**
 * Escapes Helm's template syntax in manifest text: each `{{` becomes `{{ "{{" }}`, which renders back to `{{`, so a
 * manifest that holds Go template text (an annotation, a Prometheus rule, a config file) arrives as written instead
 * of being evaluated or failing the install.
 */
export function escapeHelmTemplate(text: string): string {
  return text.replace(/\{\{/g, '{{ "{{" }}');
}

/** A chart name Helm accepts (lowercase letters, digits and dashes) from a project name such as `@org/My_App`. */
export function chartNameOf(projectName: string): string {
  const name = projectName.replace(/^@[^/]*\//, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 53);
  return name.replace(/-+$/, '') || 'app';
}

/** The project's name: its package.json `name`, else the folder's name (what the cdk8s CLI uses). */
export function projectName(dir = process.cwd()): string {
  try {
    const name = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
    if (typeof name === 'string' && name !== '') {
      return name;
    }
  } catch {
    // no package.json
  }
  return path.basename(path.resolve(dir));
}

/**
 * Rebuilds the chart the CLI wrote into `outdir` (Chart.yaml, README.md, crds/, templates/ with the app's output):
 * one chart per environment folder of the app, `<outdir>/<env>/` named `<name>-<env>`, or one chart at `outdir`
 * named `<name>`.
 */
export function buildHelmCharts(outdir: string, name: string): void {
  const scratch = path.join(outdir, '.cdk8s-chart');
  fs.mkdirSync(scratch);
  for (const entry of CLI_FILES) {
    if (fs.existsSync(path.join(outdir, entry))) {
      fs.renameSync(path.join(outdir, entry), path.join(scratch, entry));
    }
  }
  const chart = parse(fs.readFileSync(path.join(scratch, CHART_FILE), 'utf8')) as Record<string, unknown>;
  const templates = path.join(scratch, 'templates');
  const environments = fs.existsSync(templates)
    ? fs.readdirSync(templates).filter(entry => fs.existsSync(path.join(templates, entry, ENVIRONMENT_MARKER))).sort()
    : [];
  if (environments.length === 0) {
    writeChart(outdir, scratch, templates, { ...chart, name });
  } else {
    const strays = fs.readdirSync(templates).filter(entry => !environments.includes(entry) && entry !== CONSTRUCT_METADATA_FILE).sort();
    if (strays.length > 0) {
      throw new HelmChartError(`with environment folders, every manifest belongs in one; found ${strays.join(', ')} beside ${environments.join(', ')}`);
    }
    for (const environment of environments) {
      if (!ENVIRONMENT_NAME.test(environment)) {
        throw new HelmChartError(`environment folder ${environment} is not a DNS-1123 label, so it cannot name a chart`);
      }
      fs.rmSync(path.join(templates, environment, ENVIRONMENT_MARKER));
      writeChart(path.join(outdir, environment), scratch, path.join(templates, environment), {
        ...chart, name: `${name}-${environment}`, description: `${chart.description ?? 'Generated chart'} (${environment})`,
      });
    }
  }
  fs.rmSync(scratch, { recursive: true, force: true });
}

/** Writes a chart at `dir`: Chart.yaml from `chart`, the CLI's README.md and crds/, and `manifests` as templates/. */
function writeChart(dir: string, scratch: string, manifests: string, chart: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  if (chart.apiVersion === 'v1') {
    delete chart.type; // Helm knows chart types from apiVersion v2 on
  }
  fs.writeFileSync(path.join(dir, CHART_FILE), stringify(chart));
  for (const extra of ['README.md', 'crds']) {
    if (fs.existsSync(path.join(scratch, extra))) {
      fs.cpSync(path.join(scratch, extra), path.join(dir, extra), { recursive: true });
    }
  }
  const templates = path.join(dir, 'templates');
  if (fs.existsSync(manifests)) {
    fs.renameSync(manifests, templates);
  } else {
    fs.mkdirSync(templates);
  }
  prepareTemplates(templates, templates);
}

/** Leaves only escaped manifests in `dir`: construct metadata goes, any other file fails the synth. */
function prepareTemplates(dir: string, root: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      prepareTemplates(file, root);
    } else if (entry.name === CONSTRUCT_METADATA_FILE) {
      fs.rmSync(file);
    } else if (entry.isFile() && MANIFEST.test(entry.name) && !entry.name.startsWith('_')) {
      fs.writeFileSync(file, escapeHelmTemplate(fs.readFileSync(file, 'utf8')));
    } else {
      throw new HelmChartError(`${path.relative(root, file)} is not a manifest (*.yaml) and would be rendered as one by Helm; `
        + 'write only manifests into the output folder, or use the plain format');
    }
  }
}
