// Hostile input: every input ends in exit status 0, 1 or 2 with one-line messages, never a hang or a stack trace.
import { execFileSync } from 'child_process';
import * as fc from 'fast-check';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { summarize } from '../../constructs/check/check';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, runCli } from '../../constructs/check/cli';
import { Finding, Severity } from '../../constructs/check/findings';
import { formatText } from '../../constructs/check/format';
import { loadManifests } from '../../constructs/check/load';
import { ROOT, runCommand, runInProcess, STACK_TRACE, TSX } from './command';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {LOG_LEVEL: info}\n';

/** A CustomResourceDefinition with a pattern that backtracking engines take exponential time on, and a resource. */
const CATASTROPHIC_PATTERN = [
  'apiVersion: apiextensions.k8s.io/v1',
  'kind: CustomResourceDefinition',
  'metadata: {name: things.example.com}',
  'spec:',
  '  group: example.com',
  '  names: {kind: Thing, plural: things}',
  '  scope: Namespaced',
  '  versions:',
  '    - name: v1',
  '      served: true',
  '      storage: true',
  '      schema:',
  '        openAPIV3Schema:',
  '          type: object',
  '          properties:',
  '            spec:',
  '              type: object',
  '              properties:',
  "                value: {type: string, pattern: '^(a+)+$'}",
  '---',
  'apiVersion: example.com/v1',
  'kind: Thing',
  'metadata: {name: t}',
  `spec: {value: ${'a'.repeat(34)}!}`,
  '',
].join('\n');

describe('patterns of custom resource schemas', () => {
  test('a catastrophic pattern from the input finishes fast and still reports the mismatch', () => {
    const file = write('thing.yaml', CATASTROPHIC_PATTERN);
    expect(fs.statSync(file).size).toBeLessThan(600);
    const result = runCommand(['check', file], { timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_FINDINGS);
    expect(result.stdout).toContain(`must match ^(a+)+$, got string "${'a'.repeat(34)}!" [schema/pattern]`);
    expect(result.stdout).toContain('check failed: 1 error, 0 warnings, 0 waived in 2 objects');
  }, 40_000);

  test('a matching value passes the same pattern', () => {
    const file = write('thing.yaml', CATASTROPHIC_PATTERN.replace('a!}', 'a}'));
    expect(runInProcess('check', file).status).toBe(EXIT_OK);
  });

  test('two patterns of one schema are each checked by their own expression', () => {
    const crd = CATASTROPHIC_PATTERN
      .replace("value: {type: string, pattern: '^(a+)+$'}", () => "value: {type: string, pattern: '^a+$'}\n                other: {type: string, pattern: '^b+$'}")
      .replace(`spec: {value: ${'a'.repeat(34)}!}`, 'spec: {value: aaa, other: aaa}');
    const out = JSON.parse(runInProcess('check', write('thing.yaml', crd), '--format', 'json').stdout);
    expect(out.findings.map((f: Finding) => [f.path, f.message])).toEqual([['spec.other', 'must match ^b+$, got string "aaa"']]);
  });
});

describe('patterns that are not RE2', () => {
  const lookahead = CATASTROPHIC_PATTERN.replace("pattern: '^(a+)+$'", () => "pattern: '(?=a)b'");
  const message = 'pattern "(?=a)b" is not an RE2 regular expression, which the API server requires ' +
    '(error parsing regexp: invalid or unsupported Perl syntax: `(?=`)';

  test('a CustomResourceDefinition among the manifests gets a finding at the pattern', () => {
    const out = JSON.parse(runInProcess('check', write('thing.yaml', lookahead), '--format', 'json').stdout);
    expect(out.findings[0]).toMatchObject({
      ruleId: 'schema/invalid', line: 19, message,
      path: 'spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.value.pattern',
    });
  });

  test('a --crd file with one cannot be used', () => {
    const crd = write('crd.yaml', lookahead);
    const result = runInProcess('check', '--crd', crd, write('settings.yaml', CONFIG_MAP));
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(`cannot read ${crd}:19: ${message}\n`);
  });
});

describe('many objects and findings', () => {
  test('a List of 130,000 empty items is checked, not a RangeError', () => {
    const file = write('list.yaml', `apiVersion: v1\nkind: List\nitems: [${'{},'.repeat(130_000)}]\n`);
    const result = runInProcess('check', file, '--format', 'json');
    expect(result.status).toBe(EXIT_FINDINGS);
    const out = JSON.parse(result.stdout);
    expect(out.summary.objects).toBe(130_000);
    expect(out.findings).toHaveLength(260_000);
    expect(out.findings[259_999]).toMatchObject({ ruleId: 'schema/required', path: 'kind', line: 3 });
  }, 60_000);

  test('text output of findings in 20,000 files stays linear', () => {
    const files = Array.from({ length: 20_000 }, (_, i) => `manifests/app-${i}.yaml`);
    const findings: Finding[] = files.map(file => ({ ruleId: 'schema/yaml', severity: Severity.ERROR, path: '', message: 'bad', file, line: 1 }));
    const start = Date.now();
    const text = formatText(findings.slice().reverse(), summarize(findings), 20_000, files);
    // Generous: linear output takes well under a second; the quadratic one took minutes.
    expect(Date.now() - start).toBeLessThan(10_000);
    expect(text.indexOf('manifests/app-0.yaml\n')).toBeLessThan(text.indexOf('manifests/app-1.yaml\n'));
    expect(text).toContain('check failed: 20000 errors, 0 warnings, 0 waived in 20000 objects (findings in 20000 files)');
  }, 30_000);

  test('a 5 MB unknown key gets no typo suggestion, and its message is cut', () => {
    const key = 'abcdefghij'.repeat(512 * 1024);
    const file = write('pod.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: a}]\n  ? ${key}\n  : 1\n`);
    const start = Date.now();
    const out = JSON.parse(runInProcess('check', file, '--format', 'json').stdout);
    // Generous: the suggestion alone took 10 to 20 s.
    expect(Date.now() - start).toBeLessThan(8_000);
    const unknown = out.findings.find((f: Finding) => f.ruleId === 'schema/unknown-field');
    expect(unknown.message).toBe(`unknown field "${key.slice(0, 97)}..." (5242880 characters)`);
  }, 30_000);

  test('40,000 misspelt keys in one mapping take linear time, in the duplicate check and in locating them', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `  nodeSelecter${i}: 1\n`).join('');
    const file = write('pod.yaml', `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: a}]\n${keys}`);
    const start = Date.now();
    const out = JSON.parse(runInProcess('check', file, '--format', 'json').stdout);
    // Generous: the quadratic checks took about two minutes.
    expect(Date.now() - start).toBeLessThan(20_000);
    const unknown = out.findings.filter((f: Finding) => f.ruleId === 'schema/unknown-field');
    expect(unknown).toHaveLength(40_000);
    expect(unknown[39_999]).toMatchObject({ path: 'spec.nodeSelecter39999', line: 40_005 });
  }, 60_000);

  test('a duplicate key is still a YAML error at its line', () => {
    const file = write('settings.yaml', `${CONFIG_MAP}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata:\n  a: x\n  b: y\n  a: z\n`);
    const out = JSON.parse(runInProcess('check', file, '--format', 'json').stdout);
    expect(out.findings.map((f: Finding) => [f.ruleId, f.line, f.message])).toEqual([['schema/yaml', 12, 'YAML syntax error: Map keys must be unique']]);
  });

  test('a typo is still suggested', () => {
    const file = write('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers: [{name: a, image: a}]\n  nodeSelecter: {}\n');
    const out = JSON.parse(runInProcess('check', file, '--format', 'json').stdout);
    expect(out.findings.find((f: Finding) => f.ruleId === 'schema/unknown-field').message).toBe('unknown field "nodeSelecter"; did you mean "nodeSelector"?');
  });
});

describe('lines, found by reading a document again', () => {
  test('fields of later documents, of List items and after a directive keep their lines', () => {
    const file = write('many.yaml', [
      '# settings', CONFIG_MAP.trim(),
      '---', '# a list', 'apiVersion: v1', 'kind: List', 'items:',
      '  - apiVersion: v1', '    kind: ConfigMap', '    metadata: {name: a}', '    data: {x: 1}',
      '  - apiVersion: v1', '    kind: ConfigMap', '    metadata: {name: b}', '    data:', '      why: 2',
      '...', '%YAML 1.1', '---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', 'data:', '  z: 3', '',
    ].join('\n'));
    const out = JSON.parse(runInProcess('check', file, '--format', 'json').stdout);
    expect(out.findings.map((f: Finding) => [f.path, f.line])).toEqual([['data.x', 14], ['data.why', 19], ['data.z', 28]]);
  });
});

describe('only regular files are read', () => {
  test('a FIFO given as a path is unreadable, never opened', () => {
    const fifo = path.join(dir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const result = runCommand(['check', fifo], { timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(`cannot read ${fifo}: is a FIFO (named pipe), not a regular file; only regular files are read (pipe it into \`check -\` instead)\n`);
  }, 40_000);

  test('a FIFO found inside a folder is unreadable, and so is a symbolic link to one', () => {
    write('app/settings.yaml', CONFIG_MAP);
    const fifo = path.join(dir, 'app', 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    fs.symlinkSync(fifo, path.join(dir, 'app', 'link.yaml'));
    const result = runCommand(['check', path.join(dir, 'app')], { timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr.trim().split('\n')).toEqual([
      `cannot read ${path.join(dir, 'app', 'link.yaml')}: is a FIFO (named pipe), not a regular file; only regular files are read (pipe it into \`check -\` instead)`,
      `cannot read ${fifo}: is a FIFO (named pipe), not a regular file; only regular files are read (pipe it into \`check -\` instead)`,
    ]);
  }, 40_000);

  test('a socket and a device are unreadable', async () => {
    const socket = path.join(dir, 'server.yaml');
    const server = net.createServer();
    await new Promise<void>(resolve => server.listen(socket, resolve));
    try {
      const loaded = loadManifests([socket, '/dev/null']);
      expect(loaded.unreadable).toEqual([
        { file: socket, message: 'is a socket, not a regular file; only regular files are read' },
        { file: '/dev/null', message: 'is a device, not a regular file; only regular files are read' },
      ]);
    } finally {
      server.close();
    }
  });

  test('a symbolic link to a regular file is read', () => {
    fs.symlinkSync(write('settings.yaml', CONFIG_MAP), path.join(dir, 'link.yaml'));
    expect(loadManifests([path.join(dir, 'link.yaml')]).items).toHaveLength(1);
  });

  test('a missing file says so in one line', () => {
    const result = runInProcess('check', path.join(dir, 'missing.yaml'));
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(`cannot read ${path.join(dir, 'missing.yaml')}: no such file or folder (ENOENT)\n`);
  });
});

describe('text that is not UTF-8', () => {
  test.each([
    ['invalid UTF-8', Buffer.concat([Buffer.from(CONFIG_MAP), Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a])]), 'is not valid UTF-8 (line 5); manifests must be UTF-8 text'],
    ['a NUL byte', Buffer.from(`${CONFIG_MAP}a: "x\0y"\n`), 'holds a NUL byte on line 5; manifests must be UTF-8 text, and this looks like a binary file'],
    ['UTF-16 with a byte order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CONFIG_MAP, 'utf16le')]),
      'is UTF-16 text (it starts with a UTF-16 byte order mark); manifests must be UTF-8: convert it, for example with iconv -f UTF-16 -t UTF-8'],
    ['big-endian UTF-16', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(CONFIG_MAP, 'utf16le').swap16()]),
      'is UTF-16 text (it starts with a UTF-16 byte order mark); manifests must be UTF-8: convert it, for example with iconv -f UTF-16 -t UTF-8'],
    ['UTF-16 without a byte order mark', Buffer.from(CONFIG_MAP, 'utf16le'),
      'looks like UTF-16 text without a byte order mark (every other byte is NUL); manifests must be UTF-8: convert it, for example with iconv -f UTF-16LE -t UTF-8'],
    ['UTF-32', Buffer.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]),
      'is UTF-32 text (it starts with a UTF-32 byte order mark); manifests must be UTF-8: convert it, for example with iconv -f UTF-32 -t UTF-8'],
  ])('%s is refused with a message naming the file', (_, bytes, message) => {
    const file = write('settings.yaml', bytes);
    const result = runInProcess('check', file);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(`cannot read ${file}: ${message}\n`);
  });

  test('a UTF-8 byte order mark is allowed', () => {
    const file = write('settings.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CONFIG_MAP)]));
    expect(runInProcess('check', file).stdout).toBe('check passed: 0 errors, 0 warnings, 0 waived in 1 object\n');
  });

  test('invalid UTF-8 on the standard input is refused too', () => {
    const result = runCommand(['check', '-'], { input: Buffer.from([0x61, 0x3a, 0x20, 0xc3, 0x28, 0x0a]), timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe('cannot read <stdin>: is not valid UTF-8 (line 1); manifests must be UTF-8 text\n');
  }, 40_000);
});

describe('YAML that expands or nests without bound', () => {
  const bomb = [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata: {name: lol}',
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    '',
  ].join('\n');
  const message = 'YAML aliases expand into too many nodes (more than 100 resolved aliases), as in a "billion laughs" attack; kubectl refuses such documents too';

  test('an alias bomb in a file is one schema/yaml finding', () => {
    const file = write('bomb.yaml', `${CONFIG_MAP}---\n${bomb}`);
    const result = runCommand(['check', file, '--format', 'json'], { timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_FINDINGS);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout).findings).toEqual([
      { file, line: 6, object: null, path: '', ruleId: 'schema/yaml', severity: 'error', message },
    ]);
  }, 40_000);

  test('an alias bomb on the standard input is the same finding', () => {
    const result = runCommand(['check', '-'], { input: bomb, timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_FINDINGS);
    expect(result.stdout).toContain(`${message} [schema/yaml]`);
    expect(result.stderr).not.toMatch(STACK_TRACE);
  }, 40_000);

  test('a document nested too deeply to read is one schema/yaml finding', () => {
    const file = write('deep.yaml', `${CONFIG_MAP}x: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`);
    const out = JSON.parse(runInProcess('check', file, '--format', 'json').stdout);
    expect(out.findings.map((f: Finding) => [f.ruleId, f.line, f.message])).toEqual([['schema/yaml', 5, 'the YAML is nested too deeply to read']]);
  });
});

describe('nothing to check', () => {
  test.each([
    ['empty', ''],
    ['only comments and empty documents', '# helm template failed\n---\n---\n'],
  ])('a standard input that is %s exits 2', (_, input) => {
    const result = runCommand(['check', '-'], { input, timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe('nothing was checked: the standard input holds no Kubernetes objects\n');
    expect(result.stdout).toBe('');
  }, 40_000);

  test('a folder without manifests exits 2, even beside one with manifests', () => {
    const manifests = path.dirname(write('app/settings.yaml', CONFIG_MAP));
    const empty = path.dirname(write('charts/README.md', '# charts\n'));
    const result = runInProcess('check', manifests, empty);
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe(`nothing was checked: the folder ${empty} holds no *.yaml or *.yml files\n`);
  });

  test('a folder of empty manifests exits 2', () => {
    const folder = path.dirname(write('dist/empty.yaml', '---\n'));
    expect(runInProcess('check', folder).stderr).toBe(`nothing was checked: the folder ${folder} holds no Kubernetes objects\n`);
  });

  test('an empty file beside a file with objects is fine, alone it exits 2', () => {
    const empty = write('empty.yaml', '');
    expect(runInProcess('check', empty, write('settings.yaml', CONFIG_MAP)).status).toBe(EXIT_OK);
    const alone = runInProcess('check', empty);
    expect(alone.status).toBe(EXIT_USAGE);
    expect(alone.stderr).toBe(`nothing was checked: no Kubernetes objects in ${empty}\n`);
  });

  test('a file of YAML errors is a failed check, not an empty one', () => {
    expect(runInProcess('check', write('broken.yaml', 'a: [\n')).status).toBe(EXIT_FINDINGS);
  });
});

describe('the last resort', () => {
  test('an internal error prints one line and exits 2, without a stack trace', () => {
    // Breaks only the JSON output of a check, after everything else has run.
    const preload = write('break-json.js', [
      'const stringify = JSON.stringify;',
      'JSON.stringify = (value, ...rest) => {',
      '  if (value && value.summary) { throw new TypeError("broken on purpose"); }',
      '  return stringify(value, ...rest);',
      '};',
      '',
    ].join('\n'));
    const result = runCommand(['check', write('settings.yaml', CONFIG_MAP), '--format', 'json'], { preload, timeoutMs: 30_000 });
    expect(result.status).toBe(EXIT_USAGE);
    expect(result.stderr).toBe('cdk8s-model-serving: internal error, the check did not finish: TypeError: broken on purpose\n');
  }, 40_000);

  test('a closed output pipe ends the command quietly', () => {
    const files = Array.from({ length: 200 }, (_, i) => write(`app/c${i}.yaml`, CONFIG_MAP.replace('{LOG_LEVEL: info}', '{LOG_LEVEL: 1}')));
    const result = execFileSync('sh', ['-c', `"${process.execPath}" -r "${TSX}" constructs/cli.ts check "${path.dirname(files[0])}" 2>&1 | head -1`], {
      cwd: ROOT, encoding: 'utf-8', timeout: 30_000,
    });
    expect(result).toBe(`${files[0]}\n`);
  }, 40_000);
});

describe('any bytes', () => {
  const fragments = [
    'apiVersion: v1\n', 'kind: Pod\n', 'kind: List\n', 'items:\n', '- ', '  ', 'metadata:\n', 'name: a\n', '{', '}', '[', ']', ',', ': ', '&a ',
    '*a', '---\n', '...\n', '!!str ', '!!binary ', '!custom ', '? ', '|\n', '>-\n', '"', "'", '\\x', '%YAML 1.1\n', '%TAG ! tag:x,2000:\n', '#c\n',
    'null', '~', '0x1F', '1e400', '-1', 'spec:\n', 'containers:\n', 'ports: [{containerPort: 99999999999999999999}]\n', '<<: *a\n', '\t', '\r\n',
    'kind: CustomResourceDefinition\n', 'apiVersion: apiextensions.k8s.io/v1\n', 'pattern: "(?=a)"\n', 'x', '\n', '\u00e9', '\ufeff', '\u2028',
  ];

  test('every text gives exit status 0, 1 or 2, and never throws', () => {
    const file = path.join(dir, 'fuzz.yaml');
    fc.assert(fc.property(fc.array(fc.constantFrom(...fragments), { maxLength: 60 }), fc.uint8Array({ maxLength: 4 }), (parts, noise) => {
      fs.writeFileSync(file, Buffer.concat([Buffer.from(parts.join('')), Buffer.from(noise)]));
      const status = runCli(['check', file, '--format', 'json'], { stdout: () => undefined, stderr: () => undefined });
      return [EXIT_OK, EXIT_FINDINGS, EXIT_USAGE].includes(status);
    }), { numRuns: 500 });
  }, 120_000);
});
