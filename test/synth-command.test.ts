// `cdk8s-model-serving synth` as a command: exit statuses, usage errors, bad props, TypeScript apps, no registry.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

import { fastAppCommand } from '../constructs/synth/app-command';
import { CLI, finish, processesInProject, project, ROOT, startSynth, synth, tempFolders, TSX, useThrowawayProject, useValidation } from './synth-project';

useThrowawayProject();
jest.setTimeout(60_000);

describe('usage errors exit 2 before the app runs', () => {
  test.each([
    [['--format', 'yaml'], '--format must be plain or helm (got "yaml")'],
    [['--chart-version', '1.2.3'], '--chart-version needs --format helm'],
    [['--format', 'helm'], '--format helm needs --chart-version <SemVer 2 version>, e.g. --chart-version 1.2.3'],
    [['--format', 'helm', '--chart-version', '1.2'], '--chart-version must be a SemVer 2 version such as 1.2.3 or 1.2.3-rc.1 (got "1.2")'],
    [['--format', 'helm', '--chart-version', 'v1.2.3'], '--chart-version must be a SemVer 2 version such as 1.2.3 or 1.2.3-rc.1 (got "v1.2.3")'],
    [['--format', 'helm', '--chart-version', '1.2.3', '--stdout'], '--format helm writes a chart folder; it cannot be combined with --stdout'],
    [['--chart-api-version', 'v3', '--format', 'helm', '--chart-version', '1.2.3'], '--chart-api-version must be v1 or v2 (got "v3")'],
    [['--outptu', 'x'], 'unknown option --outptu'],
    [['manifests'], 'unexpected argument "manifests"'],
    [['-o', 'a', '-o', 'b'], '--output must be given once, as --output <value> (got ["a","b"])'],
  ])('%j', async (args, message) => {
    const result = await synth('ok', args);

    expect(result.status).toBe(2);
    expect(result.output).toContain(message);
    expect(result.output).toContain('Usage: cdk8s-model-serving synth');
    expect(result.output).not.toContain('Synthesizing application');
    expect(fs.existsSync(path.join(project, 'dist'))).toBe(false);
    expect(tempFolders()).toEqual([]);
  });

  test('the command\'s own help lists synth beside check', () => {
    const help = spawnSync(process.execPath, ['-r', TSX, CLI, '--help'], { encoding: 'utf8' });

    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: cdk8s-model-serving check');
    expect(help.stdout).toContain('Usage: cdk8s-model-serving synth [cdk8s synth options]');
  });

  test('--help prints the usage and exits 0', async () => {
    const result = await synth('ok', ['--help']);

    expect(result.status).toBe(0);
    expect(result.output).toContain('Usage: cdk8s-model-serving synth [cdk8s synth options]');
  });
});

test('--stdout prints the manifests and writes no folder', async () => {
  const result = await synth('ok', ['--stdout']);

  expect(result.status).toBe(0);
  expect(result.output.match(/^kind: ConfigMap$/gm)).toHaveLength(2);
  expect(fs.readdirSync(project).filter(f => f === 'dist' || f.startsWith('.dist-'))).toEqual([]);
});

describe('a TypeScript app runs in the synth\'s own process, while a worker runs the CLI', () => {
  const view = () => JSON.parse(fs.readFileSync(path.join(project, 'view.json'), 'utf8')) as Record<string, unknown>;

  test('and sees its process as under node -r tsx/cjs: argv, main module, environment', async () => {
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node -r ${TSX} app.ts one two\n`);
    const direct = spawnSync(process.execPath, ['-r', TSX, 'app.ts', 'one', 'two'], {
      cwd: project, encoding: 'utf8', env: { ...process.env, MODE: 'view', CDK8S_OUTDIR: 'direct', NODE_PATH: path.join(ROOT, 'node_modules') },
    });
    expect(direct.status).toBe(0);
    const alone = view();

    const child = startSynth('view');
    const result = await finish(child);

    expect(result.status).toBe(0);
    const synthesized = view();
    expect(synthesized.pid).toBe(child.pid);
    expect(synthesized.argv).toEqual(alone.argv);
    expect(alone.argv).toEqual([path.join(fs.realpathSync(project), 'app.ts'), 'one', 'two']);
    expect(synthesized.main).toBe(true);
    expect(synthesized.outdir).toMatch(new RegExp(`^${fs.realpathSync(project)}/\\.dist-new-dist-${child.pid}-`));
    expect(synthesized.metadata).toBe('false');
    expect(synthesized.execArgv).toEqual(['-r', path.join(ROOT, 'constructs', 'synth', 'app-runner.ts')]);
    expect(result.output).not.toContain('view.json'); // nothing the app printed
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
    expect(processesInProject()).toEqual([]); // the worker ended first
  });

  test('what the app prints on stdout is discarded, as the cdk8s CLI discards it; its stderr is shown', async () => {
    fs.writeFileSync(path.join(project, 'loud.ts'), "console.log('from stdout');\nconsole.error('from stderr');\nrequire('./app');\n");
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node -r ${TSX} loud.ts\n`);

    const result = await synth('ok');

    expect(result.status).toBe(0);
    expect(result.output).not.toContain('from stdout');
    expect(result.output).toContain('from stderr');
    expect(result.output).toContain('Manifests written to dist');
  });

  test.each([
    ['process.exit(0) after app.synth()', 'app.synth();\nprocess.exit(0);\n', 0],
    ['process.exitCode = 3', 'app.synth();\nprocess.exitCode = 3;\n', 1],
    ['process.exit(4) before synth', 'process.exit(4);\n', 1],
  ])('an app that ends with %s: the synth exits with its own status', async (_, tail, status) => {
    fs.writeFileSync(path.join(project, 'ends.ts'), `import { App, Chart, ApiObject } from 'cdk8s';\nconst app = new App();\nnew ApiObject(new Chart(app, 'a'), 'c', { apiVersion: 'v1', kind: 'ConfigMap' });\n${tail}`);
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), `language: typescript\napp: node -r ${TSX} ends.ts\n`);

    const result = await synth('ok');

    expect(result.status).toBe(status);
    expect(fs.existsSync(path.join(project, 'dist', 'a.k8s.yaml'))).toBe(status === 0);
    expect(tempFolders()).toEqual([]);
    expect(processesInProject()).toEqual([]);
  });
});

test('an app that exits before the CLI is loaded, after filling its stdout pipe, is synthesized', async () => {
  fs.writeFileSync(path.join(project, 'app.sh'), [
    'mkdir -p "$CDK8S_OUTDIR"',
    'printf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: quick\\n" > "$CDK8S_OUTDIR/quick.k8s.yaml"',
    'head -c 300000 /dev/zero | tr "\\0" x', // more than a pipe holds
  ].join('\n'));
  fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'language: typescript\napp: sh app.sh\n');

  const result = await synth('ok');

  expect(result.status).toBe(0);
  expect(fs.readdirSync(path.join(project, 'dist'))).toEqual(['quick.k8s.yaml']);
  expect(fs.readFileSync(path.join(project, 'dist', 'quick.k8s.yaml'), 'utf8')).toContain('name: quick');
});

describe('a failed synth exits 1', () => {
  test('when a validation fails (the cdk8s CLI would exit 2)', async () => {
    useValidation('Reject');

    expect((await synth('ok')).status).toBe(1);
  });

  test('when the app fails', async () => {
    expect((await synth('throw')).status).toBe(1);
  });
});

describe('errors of the app', () => {
  test('bad props the app does not catch print as the construct\'s message, without a stack trace', async () => {
    fs.writeFileSync(path.join(project, 'app.ts'), `
import { App, Chart } from 'cdk8s';
import { ModelServingApp } from '${path.join(ROOT, 'constructs')}';

const app = new App();
new ModelServingApp(new Chart(app, 'models'), 'jokemeter', { image: 'peterwolf/jokemeter:latest', port: 80 });
app.synth();
`);

    const result = await synth('ok');

    expect(result.status).toBe(1);
    expect(result.output).toContain("ModelServingApp 'models/jokemeter': image 'peterwolf/jokemeter:latest' must not use the floating tag 'latest'");
    expect(result.output).not.toMatch(/^\s+at /m);
    expect(result.output).not.toContain('InvalidPropsError');
    expect(result.output).toContain('Synthesis failed; no dist was written.');
  });

  test('any other uncaught error keeps its stack trace', async () => {
    const result = await synth('throw');

    expect(result.output).toContain('Error: the app failed');
    expect(result.output).toMatch(/^\s+at .*app\.ts/m);
  });
});

describe('TypeScript apps run through tsx', () => {
  test('the cdk8s template\'s ts-node app command synthesizes without ts-node installed', async () => {
    fs.writeFileSync(path.join(project, 'cdk8s.yaml'), 'language: typescript\napp: ts-node app.ts\n');

    const result = await synth('ok');

    expect(result.status).toBe(0);
    expect(fs.readdirSync(path.join(project, 'dist')).sort()).toEqual(['a.k8s.yaml', 'b.k8s.yaml']);
  });

  test.each([
    ['npx ts-node main.ts', '/usr/bin/node -r /hook.cjs main.ts'],
    ['ts-node main.ts --verbose', '/usr/bin/node -r /hook.cjs main.ts --verbose'],
    ['npx tsx src/main.ts', '/usr/bin/node -r /hook.cjs src/main.ts'],
    ['npx ts-node --type-check main.ts', undefined],
    ['ts-node main.ts && echo done', undefined],
    ['node main.js', undefined],
    ['npx ts-node main.mts', undefined],
    ['node -r tsx/cjs main.ts', '/usr/bin/node -r /hook.cjs main.ts'],
    ['node --require ./node_modules/tsx/dist/cjs/index.cjs main.ts --env prod', '/usr/bin/node -r /hook.cjs main.ts --env prod'],
    ['node -r ./register.js main.ts', undefined],
    ['node -r tsx/cjs --inspect main.ts', undefined],
    ['node main.ts', undefined],
  ])('%s becomes %s', (app, fast) => {
    expect(fastAppCommand(app, '/hook.cjs', '/usr/bin/node')).toBe(fast);
  });

  test('paths with spaces are quoted for the shell', () => {
    expect(fastAppCommand('npx ts-node main.ts', '/my hooks/hook.cjs', '/usr/bin/node')).toBe("/usr/bin/node -r '/my hooks/hook.cjs' main.ts");
  });
});

/** Loaded into every node process of the synth: records any request to the npm registry. */
const REGISTRY_TRACER = `
const fs = require('fs');
const record = what => fs.appendFileSync(process.env.REGISTRY_LOG, what + '\\n');
const traced = (mod, name) => {
  const real = mod[name];
  mod[name] = function (...args) {
    if (/registry\\.npmjs\\.org|registry\\.yarnpkg/.test(JSON.stringify(args.slice(0, 2)))) record(name + ' ' + JSON.stringify(args[0]));
    return real.apply(this, args);
  };
};
for (const m of ['http', 'https']) { traced(require(m), 'get'); traced(require(m), 'request'); }
const cp = require('child_process');
for (const f of ['exec', 'execSync', 'execFile', 'execFileSync', 'spawn', 'spawnSync']) traced(cp, f);
`;

describe.each([
  ['the CLI loaded in-process', {}],
  ['the cdk8s binary', { CDK8S_SYNTH_SPAWN_CLI: '1' }],
])('through %s', (_name, env) => {
  test('the synth never asks the registry for upgrades', async () => {
    const tracer = path.join(project, 'tracer.js');
    fs.writeFileSync(tracer, REGISTRY_TRACER);
    const log = path.join(project, 'registry.log');
    fs.writeFileSync(log, '');

    const result = await synth('ok', [], { ...env, NODE_OPTIONS: `--require ${tracer}`, REGISTRY_LOG: log });

    expect(result.status).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toBe('');
  });
});
