// Which access each Torc operation needs on the workflow it names, and the wrapper that checks it before the
// handler runs. Reads need `read`; what a worker or the CLI does to run a workflow needs `run`; everything
// else that writes needs `own`. The few operations that name no workflow are listed, so an operation added
// to the contract is checked as `own` (or `read` for a GET) unless this table says otherwise.
import type { Handler, HandlerMap, OperationId } from '../http/handler.ts';
import type { AccessLevel, AccessService } from './access-service.ts';
import { isEdgeName, type EdgeName } from './collections.ts';

/** Operations that name no workflow (creation, lists, liveness, queue claims) or check access themselves. */
const NOT_SCOPED = new Set<OperationId>([
  'ping', 'get_version', 'list_workflows', 'add_workflow', 'add_workflow_specification',
  'get_workflow_specification_example', 'get_workflow_specification_template', 'claim_queue_jobs',
  'list_workflow_shares', 'share_workflow', 'unshare_workflow',
]);

/** Writes that running a workflow takes: what `pipeloom worker`, Torc's workers and the CLI's run do. */
const RUN_OPERATIONS = new Set<OperationId>([
  'initialize_jobs', 'process_changed_job_inputs', 'modify_workflow_status', 'cancel_workflow', 'reset_workflow_status', 'reset_job_status',
  'prepare_jobs_for_submission', 'prepare_next_jobs_for_submission', 'prepare_jobs_for_scheduling', 'claim_and_start_jobs',
  'start_job', 'complete_job', 'complete_jobs', 'manage_status_change',
  'add_compute_node', 'modify_compute_node', 'heartbeat_compute_node', 'add_scheduled_compute_node', 'modify_scheduled_compute_node',
  'add_compute_node_stats', 'modify_compute_node_stats', 'add_job_process_stats',
  'add_result', 'modify_result', 'add_event', 'modify_file', 'modify_user_data', 'add_job_user_data',
]);

/** A read only the owner may make: who else the workflow is shared with. */
const OWNER_READS = new Set<OperationId>(['list_workflow_shares']);

/** POSTs that only read. */
const READ_OPERATIONS = new Set<OperationId>(['join_collections_by_inbound_edge', 'join_collections_by_outbound_edge']);

/** Edges a worker records beside its jobs; any other edge is the workflow's structure. */
const RUN_EDGES = new Set<EdgeName>(['process_used', 'node_used']);

/** The access `operation` needs, given the request's method and path parameters. */
export function accessNeeded(operation: OperationId, method: string, params: Record<string, unknown>): AccessLevel {
  if (OWNER_READS.has(operation)) return 'own';
  if (method === 'GET' || READ_OPERATIONS.has(operation)) return 'read';
  if (RUN_OPERATIONS.has(operation)) return 'run';
  if (operation === 'add_edge' && typeof params.name === 'string' && isEdgeName(params.name) && RUN_EDGES.has(params.name)) return 'run';
  return 'own';
}

/** The workflow a request names: `{workflow}` in per-workflow collections, `{key}` on the workflow itself. */
const workflowKeyOf = (params: Record<string, unknown>): string => String(params.workflow ?? params.key);

/** `handlers`, each checking the caller's access to the workflow it names before it runs. */
export function guardAccess(handlers: HandlerMap, access: AccessService): HandlerMap {
  const guarded: Record<string, unknown> = { ...handlers };
  for (const operation of Object.keys(handlers) as OperationId[]) {
    if (NOT_SCOPED.has(operation)) continue;
    // Generic in the operation: the check reads only the path parameters and the method.
    const inner = handlers[operation] as Handler<OperationId>;
    const check: Handler<OperationId> = async (ctx) => {
      const params = ctx.params as Record<string, unknown>;
      // Without users (single-user mode) and for administrators there is nothing to look up.
      if (!ctx.identity.isAdmin) await access.require(workflowKeyOf(params), ctx.identity, accessNeeded(operation, ctx.req.method, params));
      return inner(ctx);
    };
    guarded[operation] = check;
  }
  return guarded as HandlerMap;
}
