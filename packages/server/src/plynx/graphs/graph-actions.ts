// The action pipeline of POST /graphs: actions run in order on one in-memory graph. Writes are collected,
// not performed, so the service can apply all of them in one transaction once the whole list has run: a
// failing action leaves nothing behind.
import { arrangeGraph, EmptyGraphError, generatePythonCode } from '@pipeloom/sdk/plynx-graph';
import { AppError } from '../../errors.ts';
import { cloneGraph } from '../model/clone.ts';
import type { GraphDoc } from '../model/document-types.ts';
import { parseGraph } from '../model/documents.ts';
import type { Graph, GraphAction, Node, PlynxUser, ValidationError } from '../model/types.ts';
import { upgradeNodes } from '../model/upgrade.ts';
import { validateGraph } from '../model/validation.ts';

/** Actions anyone may run on someone else's graph: they change nothing that is stored. */
export const READ_ONLY_GRAPH_ACTIONS: ReadonlySet<GraphAction> = new Set(['VALIDATE', 'REARRANGE', 'GENERATE_CODE', 'UPGRADE_NODES', 'CLONE']);

export interface ActionOutcome {
  status: 'SUCCESS' | 'VALIDATION_FAILED';
  graph: GraphDoc;
  validationError?: ValidationError;
  extras: { upgraded_nodes_count?: number; code?: string; new_graph_id?: string };
  /** Snapshots of graphs to store, in order (the same graph may appear more than once; the last wins). */
  saves: GraphDoc[];
  /** Graphs to record a cancellation for (and whose run to cancel). */
  cancellations: string[];
  /** Approved graphs whose run to start, as they are stored. */
  approvals: GraphDoc[];
}

export interface ActionContext {
  user: PlynxUser;
  loadNode(id: string): Promise<Node | null>;
}

const snapshot = (graph: GraphDoc): GraphDoc => structuredClone(graph);

function requireCreated(graph: Graph, message: string): void {
  const status = graph.graph_running_status ?? 'CREATED';
  if (status !== 'CREATED') throw new AppError('CONFLICT', message.replace('%s', status));
}

function withLayout<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EmptyGraphError) throw new AppError('INVALID_ARGUMENT', 'The graph has no nodes');
    throw e;
  }
}

export async function runGraphActions(start: GraphDoc, actions: GraphAction[], ctx: ActionContext): Promise<ActionOutcome> {
  const out: ActionOutcome = { status: 'SUCCESS', graph: start, extras: {}, saves: [], cancellations: [], approvals: [] };
  for (const action of actions) {
    switch (action) {
      case 'SAVE':
        requireCreated(out.graph, 'Cannot save graph with status `%s`');
        out.saves.push(snapshot(out.graph));
        break;
      case 'APPROVE':
      case 'VALIDATE': {
        requireCreated(out.graph, 'Graph status `CREATED` expected. Found `%s`');
        const error = validateGraph(out.graph);
        if (error) return { ...out, status: 'VALIDATION_FAILED', validationError: error };
        if (action === 'APPROVE') {
          // Upstream stores READY for its master to pick up; the run starts in the same transaction here.
          out.graph = { ...out.graph, graph_running_status: 'RUNNING' };
          out.saves.push(snapshot(out.graph));
          out.approvals.push(snapshot(out.graph));
        }
        break;
      }
      case 'REARRANGE':
        out.graph = parseGraph(withLayout(() => arrangeGraph(out.graph)));
        break;
      case 'UPGRADE_NODES': {
        const { graph, count } = await upgradeNodes(out.graph, ctx.loadNode);
        out.graph = graph;
        out.extras.upgraded_nodes_count = count;
        break;
      }
      case 'CANCEL': {
        const status = out.graph.graph_running_status ?? 'CREATED';
        if (status !== 'RUNNING' && status !== 'FAILED_WAITING') throw new AppError('CONFLICT', `Graph status \`RUNNING\` expected. Found \`${status}\``);
        out.cancellations.push(out.graph._id);
        break;
      }
      case 'GENERATE_CODE':
        out.extras.code = withLayout(() => generatePythonCode(out.graph));
        break;
      case 'CLONE': {
        out.graph = cloneGraph(out.graph, ctx.user);
        out.extras.new_graph_id = out.graph._id;
        out.saves.push(snapshot(out.graph));
        break;
      }
      default:
        throw new AppError('INVALID_ARGUMENT', `Unknown action \`${String(action)}\``);
    }
  }
  return out;
}
