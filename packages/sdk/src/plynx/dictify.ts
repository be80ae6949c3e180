// `Graph._dictify()` of PLynx's python client: the graph document built from the target nodes, each node
// the library node merged with the instance's own values.
import { InvalidTypeArgumentError } from './errors.js';
import type { NodeInstance } from './operation.js';
import type { PlynxGraph, PlynxNode } from './types.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The nodes reachable from `targets` through their inputs, breadth first, each once, in first-visit order
 * (the order of the graph's `nodes`).
 * @example
 * ```ts
 * traverseNodes([total]).map((n) => n.title); // ['Sum', 'Grep', 'Grep', 'seq 100']
 * ```
 */
export function traverseNodes(targets: readonly NodeInstance[]): NodeInstance[] {
  const visited = new Set<string>();
  const nodes: NodeInstance[] = [];
  const queue = [...targets];
  for (let node = queue.shift(); node; node = queue.shift()) {
    if (visited.has(node._id)) continue;
    visited.add(node._id);
    nodes.push(node);
    for (const [, items] of node.inputs) for (const item of items ?? []) if (!visited.has(item.node._id)) queue.push(item.node);
  }
  return nodes;
}

/**
 * A node instance's own dict, keys in the client's order. Outputs are sent empty, x and y as 0 and the
 * running status empty: falsy values keep the library node's (see {@link mergeNode}).
 * @example
 * ```ts
 * nodeDict(Grep({ template: '^1' })).parameters; // [{ name: 'template', value: '^1' }]
 * ```
 */
export function nodeDict(node: NodeInstance): JsonObject {
  return {
    parent_node: node.parentNode,
    description: node.description,
    title: node.title,
    node_running_status: '',
    inputs: node.inputs.map(([name, items]) => ({
      name,
      values: (items ?? []).map((item) => ({ output_id: item.outputName, node_id: item.node._id, resource_id: null })),
    })),
    parameters: node.params.map(([name, value]): JsonObject => ({ name, value: typeof value === 'object' && value !== null ? Array.from<string | number>(value) : value })),
    outputs: [],
    y: 0,
    x: 0,
    _id: node._id,
  };
}

/** Python truthiness of a JSON scalar. */
const truthy = (v: Json): boolean => v !== null && v !== false && v !== 0 && v !== '';

/** A parameter takes the given value through its type: an enum the index of the entry, code the script text. */
function mergeParameter(dest: JsonObject, given: JsonObject): void {
  const value = given.value ?? null;
  if (value === null) return;
  const current = dest.value ?? null;
  if (dest.parameter_type === 'enum') {
    const values = isObject(current) && Array.isArray(current.values) ? current.values : [];
    const index = values.findIndex((v) => v === value);
    if (index < 0) throw new InvalidTypeArgumentError(`Enum is invalid. Expected one of \`${JSON.stringify(values)}\`, but got \`${JSON.stringify(value)}\`.`);
    dest.value = { ...(isObject(current) ? current : {}), index };
  } else if (dest.parameter_type === 'code') {
    dest.value = { ...(isObject(current) ? current : {}), value };
  } else dest.value = value;
}

/**
 * `update_recursive`: merges `given` into `dest` in place. Objects merge key by key; list items with a
 * `name` merge into the item of `dest` with that name (parameters through {@link mergeParameter}), other
 * items are appended (links into an input); a scalar replaces only when truthy.
 */
function mergeInto(dest: JsonObject, given: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(given)) {
    if (isObject(value)) {
      const inner = dest[key];
      dest[key] = mergeInto(isObject(inner) ? inner : {}, value);
    } else if (Array.isArray(value)) {
      const existing = dest[key];
      const list = Array.isArray(existing) ? existing : (dest[key] = []);
      for (const item of value) {
        if (isObject(item) && 'name' in item) {
          for (const target of list) {
            if (!isObject(target) || target.name !== item.name) continue;
            if ('parameter_type' in target) mergeParameter(target, item);
            else mergeInto(target, item);
          }
        } else list.push(item);
      }
    } else if (truthy(value) || !(key in dest)) dest[key] = value;
  }
  return dest;
}

/**
 * The library node (as GET /nodes/{id} answers it) merged with an instance: a copy, nothing is changed.
 * @example
 * ```ts
 * const sent = mergeNode(libraryGrep, Grep({ input: seq.outputs.out, template: '^1' }));
 * ```
 */
export function mergeNode(library: PlynxNode, node: NodeInstance): PlynxNode {
  const copy: JsonObject = JSON.parse(JSON.stringify(library));
  // A merged library node is still a node: merging only sets fields the node schema has.
  return mergeInto(copy, nodeDict(node)) as PlynxNode;
}

/**
 * The graph document PLynx's python client posts for `targets`: each distinct library node fetched once
 * (through `fetchNode`, in first-seen order) and every reachable instance merged into a copy of it.
 * @example
 * ```ts
 * const doc = await dictifyGraph({ title: 'Grep and sum', description: 'Example', targets: [total] }, (id) => client.nodes.get(id).then((r) => r.data));
 * ```
 */
export async function dictifyGraph(
  graph: { title: string; description: string; targets: readonly NodeInstance[] },
  fetchNode: (id: string) => Promise<PlynxNode>,
): Promise<PlynxGraph> {
  const nodes = traverseNodes(graph.targets);
  const library = new Map<string, PlynxNode>();
  for (const node of nodes) if (!library.has(node.parentNode)) library.set(node.parentNode, await fetchNode(node.parentNode));
  return {
    title: graph.title,
    description: graph.description,
    graph_running_status: 'CREATED',
    nodes: nodes.map((node) => mergeNode(library.get(node.parentNode) ?? {}, node)),
  };
}
