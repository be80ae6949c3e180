// The README's TypeScript examples compile: every ```ts block of README.md and packages/sdk/README.md is
// type-checked under strict against the workspace SDK, as a user's ES module would be. A block without
// imports continues the one before it (the README builds examples up in steps), so it is checked after it.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const DOCUMENTS = ['README.md', 'packages/sdk/README.md'];

interface Snippet { name: string; code: string }

/** The ```ts blocks of a Markdown document, each joined to the blocks it continues. */
function snippetsOf(document: string, markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  for (const [index, match] of [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].entries()) {
    const block = match[1]!;
    const line = markdown.slice(0, match.index).split('\n').length;
    const previous = snippets.at(-1);
    const code = /^import /m.test(block) || !previous ? block : `${previous.code}\n${block}`;
    snippets.push({ name: `${document}:${line} (block ${index + 1})`, code });
  }
  return snippets;
}

/** tsc's complaints about `code`, compiled as an ES module in the repository (so `@pipeloom/sdk` resolves). */
function typeErrors(code: string): string[] {
  const file = path.join(root, 'test/sdk/readme-snippet.ts');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], types: ['node'],
    strict: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true,
    // The workspace package resolves to its sources, as in the repository's own type check.
    customConditions: ['pipeloom-source'],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => name === file ? ts.createSourceFile(name, code, language) : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? code : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file)!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const at = d.start === undefined ? '' : `line ${source.getLineAndCharacterOfPosition(d.start).line + 1}: `;
    return at + ts.flattenDiagnosticMessageText(d.messageText, '\n');
  });
}

const snippets = DOCUMENTS.flatMap((document) => snippetsOf(document, fs.readFileSync(path.join(root, document), 'utf8')));

describe('README code blocks', () => {
  it('When the READMEs are read, then they have TypeScript examples to check', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(4);
  });

  it.each(snippets.map((s) => [s.name, s.code] as const))('When %s is type-checked under strict, then tsc finds no error', (_name, code) => {
    expect(typeErrors(code)).toEqual([]);
  });
});
