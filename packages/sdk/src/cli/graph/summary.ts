// What `pipeloom graph status` and the --wait progress show: how many of a graph's operations are done.
import type { components } from '../../generated/schema.js';

export type PlynxGraph = components['schemas']['PlynxGraph'];
export type GraphRunningStatus = components['schemas']['PlynxGraphRunningStatus'];
export type NodeRunningStatus = components['schemas']['PlynxNodeRunningStatus'];

/** Graph statuses after which nothing changes any more. */
export const FINAL_GRAPH_STATUSES: readonly GraphRunningStatus[] = ['SUCCESS', 'FAILED', 'CANCELED'];

/** Node statuses that count as done: ran successfully, or restored from the cache. */
const DONE: readonly NodeRunningStatus[] = ['SUCCESS', 'RESTORED'];

/** The order counts are listed in: finished outcomes first, then work still under way. */
const ORDER: readonly NodeRunningStatus[] = ['SUCCESS', 'RESTORED', 'FAILED', 'CANCELED', 'RUNNING', 'IN_QUEUE', 'CREATED', 'STATIC'];

/** One snapshot of a graph, as the graph commands print it. */
export interface GraphSummary {
  id: string;
  title: string;
  status: GraphRunningStatus;
  /** Operations in the graph; file nodes are not counted, they never run. */
  total: number;
  /** Operations that are SUCCESS or RESTORED. */
  done: number;
  /** Operations per running status; statuses no operation has are left out. */
  nodes: Partial<Record<NodeRunningStatus, number>>;
}

/** Counts a graph's operations by running status; file nodes are left out of every count. */
export function summarizeGraph(graph: PlynxGraph): GraphSummary {
  const counts = new Map<NodeRunningStatus, number>();
  let total = 0;
  for (const node of graph.nodes ?? []) {
    if (node.base_node_name === 'file') continue;
    const status = node.node_running_status ?? 'CREATED';
    counts.set(status, (counts.get(status) ?? 0) + 1);
    total++;
  }
  const nodes: Partial<Record<NodeRunningStatus, number>> = {};
  for (const status of [...ORDER, ...counts.keys()]) {
    const n = counts.get(status);
    if (n !== undefined && !(status in nodes)) nodes[status] = n;
  }
  const done = DONE.reduce((sum, status) => sum + (counts.get(status) ?? 0), 0);
  return { id: graph._id ?? '', title: graph.title ?? '', status: graph.graph_running_status ?? 'CREATED', total, done, nodes };
}

/** One line: `RUNNING  3/5 nodes done (SUCCESS 2, RESTORED 1, RUNNING 1, IN_QUEUE 1)`. */
export function formatGraphSummary(summary: GraphSummary): string {
  const counts = Object.entries(summary.nodes).map(([status, n]) => `${status} ${n}`).join(', ');
  return `${summary.status}  ${summary.done}/${summary.total} nodes done${counts ? ` (${counts})` : ''}`;
}

/** Whether the graph has finished for good (SUCCESS, FAILED or CANCELED). */
export function isFinal(status: GraphRunningStatus): boolean {
  return FINAL_GRAPH_STATUSES.includes(status);
}
