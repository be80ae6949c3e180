// GENERATE_CODE: a Python script (for the `plynx.api` client) that rebuilds and runs the graph.
import { computeGraphLayers } from './levels.js';
import { operationClassName, pythonVarName, uniqueName } from './names.js';
import { normalizeId } from './node-keys.js';
import { parameterLiteral } from './param-value.js';
import type { PlynxGraph, PlynxNode } from './types.js';

const INDENT = '    ';

const isFile = (node: PlynxNode): boolean => (node.base_node_name ?? 'bash_jinja2') === 'file';

/** Key of a node's library node; a missing one prints as Python's `None`, as upstream formats it. */
const libraryKey = (node: PlynxNode): string =>
  node.parent_node === null || node.parent_node === undefined ? 'None' : normalizeId(node.parent_node);

/** `'a', 'b'` — names in single quotes, not escaped (as upstream writes them). */
const quotedNames = (items: readonly { name?: string }[]): string =>
  items.map((item) => `'${item.name ?? ''}'`).join(', ');

/** One `Name = File(...)` or `Name = Operation(...)` block; titles and names are written unescaped. */
function definitionBlock(name: string, id: string, node: PlynxNode): string {
  const lines = [`id='${id}',`, `title='${node.title ?? 'Title'}',`];
  if (isFile(node)) {
    lines.push(`description='${node.description ?? 'Description'}',`);
  } else {
    lines.push(
      `inputs=[${quotedNames(node.inputs ?? [])}],`,
      `params=[${quotedNames((node.parameters ?? []).filter((p) => p.widget != null))}],`,
      `outputs=[${quotedNames(node.outputs ?? [])}],`,
    );
  }
  return `${name} = ${isFile(node) ? 'File' : 'Operation'}(\n${lines.map((l) => INDENT + l).join('\n')}\n)\n`;
}

/**
 * Generates the Python script PLynx's GENERATE_CODE action returns, byte for byte:
 *
 * 1. one definition per distinct library node (`parent_node`), in order of first use, described by the
 *    last graph node made from it: `File(...)` for files (variable = title with every non-alphanumeric
 *    character turned into `_`), `Operation(...)` otherwise (class = capitalised letter runs of the title);
 * 2. one call per operation, walking levels from the most upstream one down and rows in REARRANGE order,
 *    named `<lower-case title>_<column>_<row>`, passing every linked input (a list when it has several
 *    links) and every exposed parameter (those with a widget);
 * 3. the `Graph(...)` with the level-0 nodes as targets, and `graph.approve().wait()`.
 *
 * Blocks are separated by a blank line. Titles and descriptions are not escaped, as upstream.
 *
 * Deliberate differences from upstream, which only matter where upstream misbehaves:
 * - a taken name gets a reproducible `_xxxx` suffix (see {@link uniqueName}) instead of a random one;
 * - `list_int` values are written as a list of ints, `enum` values with a bad index as `None`;
 * - when a node's source sits at the same or a lower level than the node itself (the layering can do
 *   that, see {@link computeGraphLayers}), upstream fails with an internal error; here that source's call
 *   is written first (depth first, in input order), so every variable is assigned before it is used.
 *   Names keep their level/row numbers. On a cycle the order cannot be fixed and the script refers to
 *   a variable assigned further down;
 * - links to nodes that are not in the graph are left out (upstream fails);
 * - a graph whose nodes all sit on cycles gets its definitions and an empty target list (upstream fails).
 * @example
 * ```ts
 * import { generatePythonCode, pythonScriptHeader } from '@pipeloom/sdk/plynx-graph';
 * const script = pythonScriptHeader({ token, endpoint }) + generatePythonCode(graph);
 * // ...
 * // graph = Graph(
 * //     Client(
 * //         token=TOKEN,
 * // ...
 * // graph.approve().wait()
 * ```
 * @throws {EmptyGraphError} when the graph has no nodes.
 */
export function generatePythonCode(graph: PlynxGraph): string {
  const { index, maxLevel, levels } = computeGraphLayers(graph);
  const blocks: string[] = [];

  // Like a dict keyed by library id: position of the first use, value of the last.
  const libraryNodes = new Map<string, PlynxNode>();
  for (const node of graph.nodes ?? []) libraryNodes.set(libraryKey(node), node);
  const usedNames = new Set<string>();
  const classNames = new Map<string, string>();
  for (const [id, node] of libraryNodes) {
    const title = node.title ?? 'Title';
    const name = uniqueName(isFile(node) ? pythonVarName(title) : operationClassName(title), id, usedNames);
    classNames.set(id, name);
    blocks.push(definitionBlock(name, id, node));
  }

  const nodeOf = (key: string): PlynxNode | undefined => index.nodes.get(key);
  const varNames = new Map<string, string>();
  for (let level = maxLevel; level >= 0; level--) {
    (levels[level] ?? []).forEach((key, row) => {
      const node = nodeOf(key);
      if (node === undefined) return;
      varNames.set(key, isFile(node)
        ? classNames.get(libraryKey(node)) ?? ''
        : `${pythonVarName((node.title ?? 'Title').toLowerCase())}_${maxLevel - level}_${row}`);
    });
  }

  const callBlock = (key: string, node: PlynxNode): string => {
    const args: string[] = [];
    for (const input of node.inputs ?? []) {
      const refs = (input.values ?? []).flatMap((value) => {
        const source = varNames.get(normalizeId(value.node_id ?? ''));
        return source === undefined ? [] : [`${source}.outputs.${value.output_id ?? ''}`];
      });
      if (refs.length === 0) continue;
      const arg = refs.length === 1 ? refs[0] : `[${refs.join(', ')}]`;
      args.push(`${INDENT}${pythonVarName(input.name ?? '')}=${arg},`);
    }
    for (const parameter of node.parameters ?? []) {
      if (parameter.widget == null) continue;
      args.push(`${INDENT}${pythonVarName(parameter.name ?? '')}=${parameterLiteral(parameter)},`);
    }
    return `${varNames.get(key) ?? ''} = ${classNames.get(libraryKey(node)) ?? ''}(\n${args.join('\n')}\n)\n`;
  };

  // Emit in walk order, but never before the sources a call refers to (see the anomaly note above).
  const emitted = new Set<string>();
  const emit = (key: string): void => {
    const node = nodeOf(key);
    if (emitted.has(key) || node === undefined) return;
    emitted.add(key);
    if (isFile(node)) return;
    for (const source of index.sources.get(key) ?? []) emit(source);
    blocks.push(callBlock(key, node));
  };
  for (let level = maxLevel; level >= 0; level--) for (const key of levels[level] ?? []) emit(key);

  const targets = (levels[0] ?? []).map((key) => varNames.get(key) ?? '').join(', ');
  blocks.push(
    'graph = Graph(\n' +
    `${INDENT}Client(\n${INDENT}${INDENT}token=TOKEN,\n${INDENT}${INDENT}endpoint=ENDPOINT,\n${INDENT}),\n` +
    `${INDENT}title='${graph.title ?? 'Title'}',\n` +
    `${INDENT}description='${graph.description ?? 'Description'}',\n` +
    `${INDENT}targets=[${targets}]\n` +
    ')\n\n' +
    'graph.approve().wait()\n',
  );
  return blocks.join('\n');
}
