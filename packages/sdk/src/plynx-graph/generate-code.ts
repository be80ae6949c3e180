// GENERATE_CODE: a Python script (for the `plynx.api` client) that rebuilds and runs the graph.
import { planGraphCode, type CodeCall, type CodeDefinition, type CodeRef } from './code-plan.js';
import { operationClassName, pythonVarName, uniqueName } from './names.js';
import { parameterLiteral } from './param-value.js';
import type { PlynxGraph } from './types.js';

const INDENT = '    ';

/** `'a', 'b'` — names in single quotes, not escaped (as upstream writes them). */
const quotedNames = (items: readonly { name?: string }[]): string =>
  items.map((item) => `'${item.name ?? ''}'`).join(', ');

/** One `Name = File(...)` or `Name = Operation(...)` block; titles and names are written unescaped. */
function definitionBlock(name: string, { libraryId: id, kind, node }: CodeDefinition): string {
  const lines = [`id='${id}',`, `title='${node.title ?? 'Title'}',`];
  if (kind === 'file') {
    lines.push(`description='${node.description ?? 'Description'}',`);
  } else {
    lines.push(
      `inputs=[${quotedNames(node.inputs ?? [])}],`,
      `params=[${quotedNames((node.parameters ?? []).filter((p) => p.widget != null))}],`,
      `outputs=[${quotedNames(node.outputs ?? [])}],`,
    );
  }
  return `${name} = ${kind === 'file' ? 'File' : 'Operation'}(\n${lines.map((l) => INDENT + l).join('\n')}\n)\n`;
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
  const plan = planGraphCode(graph);
  const usedNames = new Set<string>();
  const classNames = new Map<string, string>();
  for (const { libraryId, kind, node } of plan.definitions) {
    const title = node.title ?? 'Title';
    classNames.set(libraryId, uniqueName(kind === 'file' ? pythonVarName(title) : operationClassName(title), libraryId, usedNames));
  }
  const varNames = new Map(plan.calls.flatMap(({ key, node, position }) => position === undefined ? []
    : [[key, `${pythonVarName((node.title ?? 'Title').toLowerCase())}_${position.column}_${position.row}`] as const]));
  const nameOf = (ref: CodeRef): string =>
    (ref.kind === 'definition' ? classNames.get(ref.libraryId) : varNames.get(ref.key)) ?? '';

  const callBlock = (call: CodeCall): string => {
    const args: string[] = [];
    for (const input of call.inputs) {
      const refs = input.sources.map(({ ref, output }) => `${nameOf(ref)}.outputs.${output}`);
      const arg = refs.length === 1 ? refs[0] : `[${refs.join(', ')}]`;
      args.push(`${INDENT}${pythonVarName(input.name)}=${arg},`);
    }
    for (const parameter of call.params) {
      args.push(`${INDENT}${pythonVarName(parameter.name ?? '')}=${parameterLiteral(parameter)},`);
    }
    return `${varNames.get(call.key) ?? ''} = ${classNames.get(call.libraryId) ?? ''}(\n${args.join('\n')}\n)\n`;
  };

  const blocks = [
    ...plan.definitions.map((definition) => definitionBlock(classNames.get(definition.libraryId) ?? '', definition)),
    ...plan.calls.map(callBlock),
    'graph = Graph(\n' +
    `${INDENT}Client(\n${INDENT}${INDENT}token=TOKEN,\n${INDENT}${INDENT}endpoint=ENDPOINT,\n${INDENT}),\n` +
    `${INDENT}title='${plan.title}',\n` +
    `${INDENT}description='${plan.description}',\n` +
    `${INDENT}targets=[${plan.targets.map(nameOf).join(', ')}]\n` +
    ')\n\n' +
    'graph.approve().wait()\n',
  ];
  return blocks.join('\n');
}
