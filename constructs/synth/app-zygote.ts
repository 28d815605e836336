// The main module of a node process the synth starts before it knows the app (early-app.ts `prestartApp`): node's
// start-up and the app runner's (app-runner.ts, loaded with -r) then overlap the synth's own. It waits for one
// JSON line on fd 3, `{ "argv": [<script>, ...args], "env": { ... } }`, sets that environment and argv, and runs
// the script as node would run `node -r <runner> <script> ...args`: as the main module. An empty input (the synth
// did not need it) ends the process.
import Module from 'module';
import * as net from 'net';
import * as path from 'path';

interface AppToRun {
  readonly argv: string[];
  readonly env: Record<string, string>;
}

function runApp(text: string): void {
  if (text === '') {
    return;
  }
  const app = JSON.parse(text) as AppToRun;
  Object.assign(process.env, app.env);
  const script = path.resolve(app.argv[0]);
  process.argv = [process.argv[0], script, ...app.argv.slice(1)];
  (Module as unknown as { runMain(main: string): void }).runMain(script);
}

const input = new net.Socket({ fd: 3, readable: true, writable: false });
let text = '';
input.setEncoding('utf8');
input.on('data', (chunk: string) => text += chunk);
input.once('error', () => input.destroy());
input.once('end', () => {
  input.destroy();
  runApp(text.trim());
});
