// PLynx's statuses, derived from the engine's view of a run and what workers reported for each node. Nothing
// here is stored: a graph is read this way until it reaches a final status, which is then written once.
import type { RunJobState, RunState } from '../../engine/run-engine.ts';
import type { GraphDoc, NodeDoc } from '../model/document-types.ts';
import type { GraphRunningStatus, NodeRunningStatus } from '../model/types.ts';
import type { RunNodeRecord } from './run-repository.ts';
import { isFileNode } from './run-spec.ts';

export const FINAL_GRAPH_STATUSES: ReadonlySet<GraphRunningStatus> = new Set(['SUCCESS', 'FAILED', 'CANCELED']);

/** A node's status from its job and its worker's report. */
export function nodeStatus(job: RunJobState | undefined, reported: RunNodeRecord | undefined): NodeRunningStatus {
  if (!job) return 'CREATED';
  switch (job.status) {
    case 'uninitialized':
    case 'blocked':
      return 'CREATED';
    case 'ready':
    case 'scheduled':
    case 'submitted_pending':
      return 'IN_QUEUE';
    case 'submitted':
      return 'RUNNING';
    case 'done':
      if (reported?.state === 'CANCELED') return 'CANCELED';
      if (job.returnCode !== 0 || reported?.state === 'FAILED') return 'FAILED';
      return reported?.state === 'RESTORED' ? 'RESTORED' : 'SUCCESS';
    case 'terminated':
      return 'FAILED';
    case 'canceled':
    case 'disabled':
      return 'CANCELED';
  }
}

/**
 * The graph's status from its operation nodes' statuses: a failure waits (FAILED_WAITING) while other
 * branches still run or wait in the queue; the descendants of a failed node are canceled by the engine.
 */
export function graphStatus(canceled: boolean, statuses: NodeRunningStatus[]): GraphRunningStatus {
  if (canceled) return 'CANCELED';
  const unfinished = statuses.some((s) => s === 'RUNNING' || s === 'IN_QUEUE' || s === 'CREATED');
  // A node its worker stopped (CANCELED while the run was not) never produced its outputs: the run failed.
  if (statuses.includes('FAILED') || (!unfinished && statuses.includes('CANCELED'))) return unfinished ? 'FAILED_WAITING' : 'FAILED';
  if (statuses.every((s) => s === 'SUCCESS' || s === 'RESTORED')) return 'SUCCESS';
  return 'RUNNING';
}

export const withResources = (outputs: NodeDoc['outputs'], ids: Record<string, string> | undefined) =>
  outputs.map((o) => ({ ...o, resource_id: ids?.[o.name] ?? o.resource_id }));

/** Logs with the reported resources; a reported log the node does not list yet is added as a file. */
export function withLogs(logs: NodeDoc['logs'], ids: Record<string, string> | undefined): NodeDoc['logs'] {
  const known = new Set(logs.map((l) => l.name));
  const added = Object.entries(ids ?? {}).filter(([name]) => !known.has(name)).map(([name, id]) => ({ name, file_type: 'file', resource_id: id }));
  return [...withResources(logs, ids), ...added];
}

/** Each input value's `resource_id` from the outputs of the node it is linked to. */
export function fillInputs(node: NodeDoc, byId: ReadonlyMap<string, NodeDoc>): NodeDoc {
  const inputs = node.inputs.map((input) => ({
    ...input,
    values: input.values.map((v) => {
      const output = byId.get(v.node_id)?.outputs.find((o) => o.name === v.output_id);
      return { ...v, resource_id: output?.resource_id ?? v.resource_id };
    }),
  }));
  return { ...node, inputs };
}

/** The graph as it stands in its run: node statuses, outputs, logs, cache URLs, inputs and graph status. */
export function graphInRun(graph: GraphDoc, state: RunState, reported: ReadonlyMap<string, RunNodeRecord>): GraphDoc {
  const jobs = new Map(state.jobs.map((j) => [j.name, j]));
  const nodes = graph.nodes.map((node): NodeDoc => {
    if (isFileNode(node)) return { ...node, node_running_status: 'STATIC' };
    const report = reported.get(node._id);
    return {
      ...node,
      node_running_status: nodeStatus(jobs.get(node._id), report),
      outputs: withResources(node.outputs, report?.outputs),
      logs: withLogs(node.logs, report?.logs),
      cache_url: report?.cacheUrl || node.cache_url,
    };
  });
  const byId = new Map(nodes.map((n) => [n._id, n]));
  const filled = nodes.map((n) => (isFileNode(n) ? n : fillInputs(n, byId)));
  const status = graphStatus(state.canceled, filled.filter((n) => !isFileNode(n)).map((n) => n.node_running_status));
  return { ...graph, graph_running_status: status, nodes: filled };
}
