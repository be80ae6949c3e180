// CLONE: a new draft copy of a graph, owned by the caller, with the results of any earlier run forgotten.
import type { GraphDoc } from './document-types.ts';
import { parseGraph } from './documents.ts';
import { newObjectId } from './object-id.ts';
import type { Graph } from './types.ts';

/**
 * A deep copy of `graph` with a new `_id`, status CREATED and `author` set to the given user. Every node that
 * is not STATIC (files are) goes back to CREATED and loses its outputs' resources; links and logs lose their
 * resources in every node. Node `_id`s are kept: they are only unique within a graph.
 */
export function cloneGraph(graph: Graph, author: { id: string }): GraphDoc {
  const copy = parseGraph(graph);
  copy._id = newObjectId();
  copy.graph_running_status = 'CREATED';
  copy.author = author.id;
  for (const node of copy.nodes) {
    if (node.node_running_status !== 'STATIC') {
      node.node_running_status = 'CREATED';
      for (const output of node.outputs) output.resource_id = null;
    }
    for (const input of node.inputs) {
      for (const value of input.values) value.resource_id = null;
    }
    for (const log of node.logs) log.resource_id = null;
  }
  return copy;
}
