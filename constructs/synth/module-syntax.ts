// Which JavaScript files the synth's app runner (app-runner.ts) leaves to tsx.

/**
 * Whether a text may hold ES module syntax (static import or export, import.meta), which tsx turns into CommonJS. A
 * false alarm only costs tsx's own scan; CommonJS (`exports.x = ...`, `require(...)`, `import(...)`) passes.
 */
const MODULE_SYNTAX = new RegExp([
  '(?:^|[\\s;{}(),])(?:',
  'import\\s*(?:[{*\'"`]|\\s[\\w$]+\\s*(?:,|from\\b))', // import {..}, import * as, import 'x', import a from, import a, {..}
  '|import\\s*\\.\\s*meta\\b',
  '|export\\s*(?:[{*]|(?:default|const|let|var|function|class|async)\\b)',
  ')',
].join(''), 'm');

export function mayBeModuleSyntax(text: string): boolean {
  return MODULE_SYNTAX.test(text);
}
