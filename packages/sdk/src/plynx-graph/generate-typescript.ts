// GENERATE_CODE in TypeScript: a program for `@pipeloom/sdk/plynx` with the Python script's structure.
import { planGraphCode, type CodeCall, type CodeDefinition, type CodeRef } from './code-plan.js';
import { isTsPropertyName, operationClassName, pyKeywordName, tsIdentifier, uniqueName } from './names.js';
import { tsParameterLiteral } from './ts-value.js';
import type { PlynxGraph } from './types.js';

const INDENT = '  ';

/** Names the program declares or uses itself; a definition or call that would take one gets a suffix. */
const PROGRAM_NAMES = ['Client', 'File', 'Graph', 'Operation', 'client', 'graph', 'process', 'console'];

const str = (text: string): string => JSON.stringify(text);
const strings = (items: readonly { name?: string }[]): string => `[${items.map((item) => str(item.name ?? '')).join(', ')}]`;
/** An input or parameter as a key of the call's argument, under its keyword name. */
const argumentKey = (name: string): string => {
  const keyword = pyKeywordName(name);
  return isTsPropertyName(keyword) ? keyword : str(keyword);
};
/** `.out`, or `["odd name"]`, reading an output under its keyword name. */
const outputAccess = (name: string): string => {
  const keyword = pyKeywordName(name);
  return isTsPropertyName(keyword) ? `.${keyword}` : `[${str(keyword)}]`;
};

/** `{ a: 1, b: 2 }` written one entry per line, as the Python generator writes keyword arguments. */
const objectLiteral = (entries: readonly string[]): string =>
  entries.length === 0 ? '{}' : `{\n${entries.map((entry) => `${INDENT}${entry},`).join('\n')}\n}`;

function definitionBlock(name: string, { libraryId, kind, node }: CodeDefinition): string {
  const title = node.title ?? 'Title';
  const entries = [`id: ${str(libraryId)}`, `title: ${str(title)}`];
  if (kind === 'file') {
    entries.push(`description: ${str(node.description ?? 'Description')}`);
  } else {
    entries.push(
      `inputs: ${strings(node.inputs ?? [])}`,
      `params: ${strings((node.parameters ?? []).filter((p) => p.widget != null))}`,
      `outputs: ${strings(node.outputs ?? [])}`,
    );
  }
  return `const ${name} = ${kind === 'file' ? 'File' : 'Operation'}(${objectLiteral(entries)});\n`;
}

/**
 * Generates a TypeScript program that rebuilds the graph with `@pipeloom/sdk/plynx` and runs it: the same
 * structure as {@link generatePythonCode} (definitions of operations and files, one call per operation by
 * level and row, the graph with the level-0 nodes as targets, then `await graph.approve().wait()`).
 *
 * - The client reads the API base URL from `PLYNX_ENDPOINT` and the (refresh) token from `PLYNX_TOKEN`;
 *   unset, the Client's own fallbacks apply (token file `PLYNX_TOKEN_PATH` or `~/.plynx_token`).
 * - Ids, titles and string values are JSON string literals; parameters are typed literals (see
 *   {@link tsParameterLiteral}); an input with several links is an array.
 * - Names follow the Python generator's rules, made valid TypeScript identifiers (see {@link tsIdentifier})
 *   and unique across the program (a taken name gets a reproducible `_xxxx` suffix); inputs, params and
 *   outputs go by their keyword names, as PLynx's client maps them (`-` and `.` as `_`, see {@link pyKeywordName}).
 * - The program is an ES module with top-level await: save it as `.mts` (or in a `"type": "module"`
 *   package) and run it with `npx tsx`.
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { generateTypeScriptCode } from '@pipeloom/sdk/plynx-graph';
 * writeFileSync('rebuild.mts', generateTypeScriptCode(graph));
 * // $ PLYNX_ENDPOINT=http://localhost:8080/plynx/api/v0 PLYNX_TOKEN=... npx tsx rebuild.mts
 * ```
 * @throws {EmptyGraphError} when the graph has no nodes.
 */
export function generateTypeScriptCode(graph: PlynxGraph): string {
  const plan = planGraphCode(graph);
  const used = new Set(PROGRAM_NAMES);
  const definitionNames = new Map<string, string>();
  for (const { libraryId, kind, node } of plan.definitions) {
    const title = node.title ?? 'Title';
    const base = kind === 'file' ? tsIdentifier(title, 'file') : tsIdentifier(operationClassName(title), 'Operation');
    definitionNames.set(libraryId, uniqueName(base, libraryId, used));
  }
  const callNames = new Map<string, string>();
  for (const { key, node, position } of plan.calls) {
    const title = tsIdentifier((node.title ?? 'Title').toLowerCase(), 'node');
    const base = position === undefined ? title : `${title}_${position.column}_${position.row}`;
    callNames.set(key, uniqueName(base, key, used));
  }
  const nameOf = (ref: CodeRef): string =>
    (ref.kind === 'definition' ? definitionNames.get(ref.libraryId) : callNames.get(ref.key)) ?? '';

  const callBlock = (call: CodeCall): string => {
    const entries = call.inputs.map((input) => {
      const refs = input.sources.map(({ ref, output }) => `${nameOf(ref)}.outputs${outputAccess(output)}`);
      return `${argumentKey(input.name)}: ${refs.length === 1 ? refs[0] : `[${refs.join(', ')}]`}`;
    });
    for (const parameter of call.params) {
      entries.push(`${argumentKey(parameter.name ?? '')}: ${tsParameterLiteral(parameter)}`);
    }
    return `const ${callNames.get(call.key) ?? ''} = ${definitionNames.get(call.libraryId) ?? ''}(${objectLiteral(entries)});\n`;
  };

  const kinds = new Set(plan.definitions.map((d) => d.kind));
  const imports = ['Client', ...(kinds.has('file') ? ['File'] : []), 'Graph', ...(kinds.has('operation') ? ['Operation'] : [])];
  const blocks = [
    `import { ${imports.join(', ')} } from '@pipeloom/sdk/plynx';\n\n` +
    '// The API base URL and the (refresh) token come from the environment.\n' +
    'const client = new Client({ endpoint: process.env.PLYNX_ENDPOINT, token: process.env.PLYNX_TOKEN });\n',
    ...plan.definitions.map((definition) => definitionBlock(definitionNames.get(definition.libraryId) ?? '', definition)),
    ...plan.calls.map(callBlock),
    `const graph = new Graph(client, ${objectLiteral([
      `title: ${str(plan.title)}`,
      `description: ${str(plan.description)}`,
      `targets: [${plan.targets.map(nameOf).join(', ')}]`,
    ])});\n\n` +
    'await graph.approve().wait();\n',
  ];
  return blocks.join('\n');
}
