// The README's ```ts blocks as programs: found, type-checked against the library's sources, and run in this process.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as YAML from 'yaml';

import { KubeObject } from './util';

const ROOT = path.join(__dirname, '..');
const README = path.join(ROOT, 'README.md');
/** How a consumer imports the package, and where its sources are here. */
const PACKAGE = {
  'cdk8s-model-serving': path.join(ROOT, 'constructs', 'index.ts'),
  'cdk8s-model-serving/check': path.join(ROOT, 'constructs', 'check', 'index.ts'),
};

export interface ReadmeExample {
  /** The `##` section it is in. */
  readonly section: string;
  /** The nearest heading above it, of any level. */
  readonly heading: string;
  /** The README line of its first line of code. */
  readonly line: number;
  readonly code: string;
}

/** Every ```ts block of the README, in order. */
export function readmeExamples(): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  let section = '';
  let heading = '';
  let code: string[] | undefined;
  let start = 0;
  fs.readFileSync(README, 'utf8').split('\n').forEach((text, i) => {
    if (code !== undefined) {
      if (text === '```') {
        examples.push({ section, heading, line: start, code: code.join('\n') + '\n' });
        code = undefined;
      } else {
        code.push(text);
      }
    } else if (text === '```ts') {
      code = [];
      start = i + 2;
    } else if (/^#{2,6} /.test(text)) {
      heading = text.replace(/^#+ /, '');
      section = text.startsWith('## ') ? heading : section;
    }
  });
  return examples;
}

/** The compiler options of the repo, with the package mapped to its sources. */
function compilerOptions(): ts.CompilerOptions {
  const { config } = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  return {
    ...options,
    // A README block may import a name only to show the import line, or declare what the reader goes on with.
    noUnusedLocals: false,
    types: ['node'],
    noEmit: true,
    paths: Object.fromEntries(Object.entries(PACKAGE).map(([name, file]) => [name, [file]])),
  };
}

/** Type-checks every example as a module of its own; returns the problems as `README.md:<line>: <message>`. */
export function compileExamples(examples: readonly ReadmeExample[]): string[] {
  const files = new Map(examples.map((e, i) => [path.join(ROOT, 'test', `readme-example-${i}.generated.ts`), e]));
  const host = ts.createCompilerHost(compilerOptions());
  const { readFile, fileExists } = host;
  // `export {}` makes a block without imports a module too, so two blocks never share their names.
  host.readFile = name => files.get(path.resolve(name))?.code.concat('export {};\n') ?? readFile.call(host, name);
  host.fileExists = name => files.has(path.resolve(name)) || fileExists.call(host, name);
  const program = ts.createProgram([...files.keys()], compilerOptions(), host);
  const problems = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  for (const [file, example] of files) {
    const source = program.getSourceFile(file)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = example.line + source.getLineAndCharacterOfPosition(d.start ?? 0).line;
      problems.push(`README.md:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return problems;
}

const synthesized = new Map<ReadmeExample, KubeObject[]>();

/**
 * Runs an example in this process, with the package resolved to the library's sources, and returns the objects its
 * `app.synth()` wrote (into a temporary CDK8S_OUTDIR, which App and ServingApp write to), in file order.
 */
export function runExample(example: ReadmeExample): KubeObject[] {
  const known = synthesized.get(example);
  if (known) {
    return known;
  }
  const js = ts.transpileModule(example.code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } });
  // The example's imports, through this module's require: under jest it loads the TypeScript sources, once.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const resolve = (name: string) => require((PACKAGE as Record<string, string>)[name] ?? name);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-example-'));
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    const module = { exports: {} };
    new Function('require', 'module', 'exports', js.outputText)(resolve, module, module.exports);
    const objects = yamlFiles(outdir).flatMap(file => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d => d.toJSON()))
      .filter(o => o !== null);
    synthesized.set(example, objects);
    return objects;
  } finally {
    if (previous === undefined) {
      delete process.env.CDK8S_OUTDIR;
    } else {
      process.env.CDK8S_OUTDIR = previous;
    }
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function yamlFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name)).flatMap(entry => {
    const file = path.join(folder, entry.name);
    return entry.isDirectory() ? yamlFiles(file) : entry.name.endsWith('.yaml') ? [file] : [];
  });
}
