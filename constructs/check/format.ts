import { CheckSummary } from './check';
import { describeObject, Finding, Severity } from './findings';
import { append } from './util';

const NO_FILE = '(objects)';

/**
 * Findings as text for people, grouped by file (in the order of `files`, then by name), in line order, followed by a
 * one-line summary.
 */
export function formatText(findings: readonly Finding[], summary: CheckSummary, objectCount: number, files: readonly string[] = []): string {
  const byFile = new Map<string, Finding[]>();
  for (const f of findings) {
    append(byFile, f.file ?? NO_FILE, f);
  }
  // A map of ranks, not files.indexOf: output stays linear in the number of files.
  const ranks = new Map<string, number>();
  files.forEach((file, i) => {
    if (!ranks.has(file)) {
      ranks.set(file, i);
    }
  });
  const rank = (file: string) => ranks.get(file) ?? files.length;
  const ordered = [...byFile].sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  const lines: string[] = [];
  for (const [file, list] of ordered) {
    lines.push(file);
    const sorted = [...list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    for (const f of sorted) {
      const where = f.line !== undefined ? String(f.line).padStart(5) : '    -';
      const status = (f.waived !== undefined ? 'waived' : f.severity).padEnd(7);
      lines.push(`${where}  ${status}  ${describeObject(f.object)}${f.path ? `  ${f.path}` : ''}`);
      lines.push(`${' '.repeat(16)}${f.message} [${f.ruleId}]`);
      if (f.waived !== undefined) {
        lines.push(`${' '.repeat(16)}waived: ${f.waived}`);
      }
    }
    lines.push('');
  }
  const fileCount = new Set(findings.map(f => f.file ?? NO_FILE)).size;
  const info = summary.info > 0 ? `, ${summary.info} info` : '';
  const counts = `${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}${info}, ${summary.waived} waived`;
  const verdict = summary.passed ? 'check passed' : 'check failed';
  lines.push(`${verdict}: ${counts} in ${plural(objectCount, 'object')}${fileCount > 0 ? ` (findings in ${plural(fileCount, 'file')})` : ''}`);
  return lines.join('\n') + '\n';
}

/**
 * Findings as JSON for machines: `{ summary, findings }`.
 */
export function formatJson(findings: readonly Finding[], summary: CheckSummary, objectCount: number): string {
  const out = {
    summary: { ...summary, objects: objectCount },
    findings: findings.map(f => ({
      file: f.file ?? null,
      line: f.line ?? null,
      object: f.object ?? null,
      path: f.path,
      ruleId: f.ruleId,
      severity: f.severity,
      message: f.message,
      ...(f.waived !== undefined ? { waived: f.waived } : {}),
    })),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The GitHub Actions workflow command of each severity: info findings are notices. */
const GITHUB_COMMANDS: Readonly<Record<Severity, string>> = {
  [Severity.ERROR]: 'error',
  [Severity.WARNING]: 'warning',
  [Severity.INFO]: 'notice',
};

/**
 * Findings as GitHub Actions workflow commands, which annotate the files of a pull request, then the text summary.
 */
export function formatGithub(findings: readonly Finding[], summary: CheckSummary, objectCount: number): string {
  const escape = (text: string) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (text: string) => escape(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const lines = findings.filter(f => f.waived === undefined).map(f => {
    const where = [
      ...(f.file !== undefined ? [`file=${property(f.file)}`] : []),
      ...(f.line !== undefined ? [`line=${f.line}`] : []),
      `title=${property(f.ruleId)}`,
    ].join(',');
    const subject = `${describeObject(f.object)}${f.path ? ` ${f.path}` : ''}`;
    return `::${GITHUB_COMMANDS[f.severity]} ${where}::${escape(`${subject}: ${f.message}`)}`;
  });
  return [...lines, formatText([], summary, objectCount).trim()].join('\n') + '\n';
}
