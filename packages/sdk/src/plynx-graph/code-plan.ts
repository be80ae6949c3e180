// The structure of a GENERATE_CODE script, independent of the language it is written in: which library
// nodes get a definition, which operations get a call (in what order, with which links and parameters),
// and which nodes are the graph's targets. The Python and TypeScript emitters both render this plan.
import { computeGraphLayers } from './levels.js';
import { normalizeId } from './node-keys.js';
import type { PlynxGraph, PlynxNode, PlynxParameter } from './types.js';

export const isFileNode = (node: PlynxNode): boolean => (node.base_node_name ?? 'bash_jinja2') === 'file';

/** Key of a node's library node; a missing one prints as Python's `None`, as upstream formats it. */
export const libraryKey = (node: PlynxNode): string =>
  node.parent_node === null || node.parent_node === undefined ? 'None' : normalizeId(node.parent_node);

/** One `File(...)` or `Operation(...)` definition: a library node, described by the last graph node made from it. */
export interface CodeDefinition {
  readonly libraryId: string;
  readonly kind: 'file' | 'operation';
  readonly node: PlynxNode;
}

/** What a script variable refers to: a file's definition or an operation's call. */
export type CodeRef =
  | { readonly kind: 'definition'; readonly libraryId: string }
  | { readonly kind: 'call'; readonly key: string };

/** One linked input of a call: every link, in order (a list in the script when there are several). */
export interface CodeInput {
  readonly name: string;
  readonly sources: readonly { readonly ref: CodeRef; readonly output: string }[];
}

/** One `<var> = <Class>(...)` call, for an operation node of the graph. */
export interface CodeCall {
  /** The node's key in the graph. */
  readonly key: string;
  readonly libraryId: string;
  readonly node: PlynxNode;
  /** Column (`maxLevel - level`) and row in REARRANGE order; absent when the node has no level (a cycle). */
  readonly position?: { readonly column: number; readonly row: number };
  /** Only inputs that have links to nodes in the graph. */
  readonly inputs: readonly CodeInput[];
  /** Only exposed parameters (those with a widget). */
  readonly params: readonly PlynxParameter[];
}

/** The whole script, in output order. */
export interface CodePlan {
  readonly definitions: readonly CodeDefinition[];
  /** In emission order: walk order, each call after the calls it refers to (see generatePythonCode). */
  readonly calls: readonly CodeCall[];
  /** The level-0 nodes, in row order. */
  readonly targets: readonly CodeRef[];
  readonly title: string;
  readonly description: string;
}

/**
 * Computes the structure of a generated script: definitions by first use of a library node, calls walking
 * levels from the most upstream one down and rows in REARRANGE order (never before the calls they refer to),
 * the level-0 nodes as targets. Only placed nodes (those with a level) can be referred to.
 * @example
 * ```ts
 * const plan = planGraphCode(graph);
 * plan.calls.map((call) => call.node.title); // operations in the order the script builds them
 * ```
 * @throws {EmptyGraphError} when the graph has no nodes.
 */
export function planGraphCode(graph: PlynxGraph): CodePlan {
  const { index, maxLevel, levels } = computeGraphLayers(graph);

  // Like a dict keyed by library id: position of the first use, value of the last.
  const libraryNodes = new Map<string, PlynxNode>();
  for (const node of graph.nodes ?? []) libraryNodes.set(libraryKey(node), node);
  const definitions = [...libraryNodes].map(([libraryId, node]): CodeDefinition =>
    ({ libraryId, kind: isFileNode(node) ? 'file' : 'operation', node }));

  const refs = new Map<string, CodeRef>();
  const positions = new Map<string, { column: number; row: number }>();
  for (let level = maxLevel; level >= 0; level--) {
    (levels[level] ?? []).forEach((key, row) => {
      const node = index.nodes.get(key);
      if (node === undefined) return;
      refs.set(key, isFileNode(node) ? { kind: 'definition', libraryId: libraryKey(node) } : { kind: 'call', key });
      positions.set(key, { column: maxLevel - level, row });
    });
  }

  const callOf = (key: string, node: PlynxNode): CodeCall => {
    const inputs: CodeInput[] = [];
    for (const input of node.inputs ?? []) {
      const sources = (input.values ?? []).flatMap((value) => {
        const ref = refs.get(normalizeId(value.node_id ?? ''));
        return ref === undefined ? [] : [{ ref, output: value.output_id ?? '' }];
      });
      if (sources.length > 0) inputs.push({ name: input.name ?? '', sources });
    }
    const params = (node.parameters ?? []).filter((parameter) => parameter.widget != null);
    const position = positions.get(key);
    return { key, libraryId: libraryKey(node), node, ...(position ? { position } : {}), inputs, params };
  };

  // Emit in walk order, but never before the sources a call refers to.
  const calls: CodeCall[] = [];
  const emitted = new Set<string>();
  const emit = (key: string): void => {
    const node = index.nodes.get(key);
    if (emitted.has(key) || node === undefined) return;
    emitted.add(key);
    if (isFileNode(node)) return;
    for (const source of index.sources.get(key) ?? []) emit(source);
    calls.push(callOf(key, node));
  };
  for (let level = maxLevel; level >= 0; level--) for (const key of levels[level] ?? []) emit(key);

  const targets = (levels[0] ?? []).flatMap((key) => refs.get(key) ?? []);
  return { definitions, calls, targets, title: graph.title ?? 'Title', description: graph.description ?? 'Description' };
}
