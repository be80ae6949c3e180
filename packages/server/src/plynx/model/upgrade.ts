// UPGRADE_NODES: replace graph nodes made from deprecated library nodes by their successors, keeping what
// the user set on them where the successor still accepts it. The graph is not saved here.
import type { GraphDoc, InputDoc, NodeDoc, ParameterDoc } from './document-types.ts';
import { parseGraph, parseNode } from './documents.ts';
import { typedParameterValue } from './parameters.ts';
import type { Graph, Node } from './types.ts';

/** Follows `successor_node` from a library node until one is READY, has no successor, or is missing. */
async function newestVersion(id: string, loadNode: (id: string) => Promise<Node | null>): Promise<NodeDoc | null> {
  const first = await loadNode(id);
  if (!first) return null;
  let current = parseNode(first);
  const seen = new Set([current._id]);
  while (current.node_status !== 'READY' && current.successor_node && !seen.has(current.successor_node)) {
    const next = await loadNode(current.successor_node);
    if (!next) break;
    current = parseNode(next);
    seen.add(current._id); // a successor chain that loops back stops instead of spinning forever
  }
  return current;
}

/** Links move over when the new input takes at least as many of them and every file type the old one took. */
function keepsLinks(newInput: InputDoc, oldInput: InputDoc): boolean {
  const fitsCount = newInput.max_count < 0 || newInput.max_count >= oldInput.max_count;
  return fitsCount && oldInput.file_types.every((type) => newInput.file_types.includes(type));
}

/** The old parameter's value, when the new one has the same type and is exposed on graph nodes. */
function keptParameter(newParameter: ParameterDoc, oldParameter: ParameterDoc): ParameterDoc {
  if (newParameter.parameter_type !== oldParameter.parameter_type || !newParameter.widget) return newParameter;
  return { ...newParameter, ...typedParameterValue(newParameter.parameter_type, oldParameter.value) };
}

/** The successor template in the old node's place: same graph `_id`, the user's links, values and position. */
function transplant(oldNode: NodeDoc, successor: NodeDoc): NodeDoc {
  const node = parseNode(successor); // a fresh copy per graph node
  // For each old input or parameter only the first new one of the same name is considered.
  for (const oldInput of oldNode.inputs) {
    const newInput = node.inputs.find((input) => input.name === oldInput.name);
    if (newInput && keepsLinks(newInput, oldInput)) newInput.values = oldInput.values.map((value) => ({ ...value }));
  }
  for (const oldParameter of oldNode.parameters) {
    const index = node.parameters.findIndex((parameter) => parameter.name === oldParameter.name);
    const newParameter = node.parameters[index];
    if (newParameter) node.parameters[index] = keptParameter(newParameter, oldParameter);
  }
  node.description = oldNode.description;
  node.x = oldNode.x;
  node.y = oldNode.y;
  node.parent_node = successor._id;
  node._id = oldNode._id;
  return node;
}

/**
 * Replaces every graph node whose library node (`parent_node`) is not READY and has a successor by the
 * newest successor (following `successor_node` until a READY node or the end of the chain). The new node
 * keeps the graph node's `_id`, description, position, its links where the new input still takes them,
 * and parameter values where the new parameter has the same type and a widget. `count` is the number of
 * nodes replaced. Nodes whose library node is missing are left as they are (PLynx fails with a 500).
 */
export async function upgradeNodes(
  graph: Graph,
  loadNode: (id: string) => Promise<Node | null>,
): Promise<{ graph: GraphDoc; count: number }> {
  const doc = parseGraph(graph);
  const newest = new Map<string, NodeDoc | null>();
  for (const node of doc.nodes) {
    if (node.parent_node && !newest.has(node.parent_node)) newest.set(node.parent_node, await newestVersion(node.parent_node, loadNode));
  }
  let count = 0;
  doc.nodes = doc.nodes.map((node) => {
    const successor = node.parent_node ? newest.get(node.parent_node) : null;
    if (!successor || successor._id === node.parent_node) return node;
    count += 1;
    return transplant(node, successor);
  });
  return { graph: doc, count };
}
