// How an approved graph becomes a run of the job lifecycle engine: one job per operation node (file nodes
// are STATIC and already complete), each after the operation nodes its inputs are linked to.
import type { RunSpec } from '../../engine/run-engine.ts';
import type { GraphDoc, NodeDoc } from '../model/document-types.ts';

/** The family name PLynx runs are owned by on the engine (and in the Torc API). */
export const PLYNX_OWNER = 'plynx';

export const isFileNode = (node: Pick<NodeDoc, 'base_node_name'>): boolean => node.base_node_name === 'file';

/** The command of a node's job; `pipeloom worker` recognises it as a PLynx node to run. */
export const nodeCommand = (graphId: string, nodeId: string): string => `plynx-node ${graphId} ${nodeId}`;

export function runSpec(graph: GraphDoc, user: string, queue: string): RunSpec {
  const fileNodes = new Set(graph.nodes.filter(isFileNode).map((n) => n._id));
  const jobs = graph.nodes.filter((n) => !isFileNode(n)).map((node) => ({
    name: node._id,
    command: nodeCommand(graph._id, node._id),
    after: [...new Set(node.inputs.flatMap((i) => i.values.map((v) => v.node_id)))].filter((id) => !fileNodes.has(id)),
  }));
  return { owner: PLYNX_OWNER, name: graph.title, description: `PLynx graph ${graph._id}`, user, queue, jobs };
}
