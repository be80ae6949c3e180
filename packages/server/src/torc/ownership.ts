// Workflows a family runs (torc_workflow.owned_by, see engine/run-engine.ts) stay readable through the Torc
// API, and their workers keep using it, but nothing there may change their structure or definition: the
// family holds its own record of the run, and a job added, an edge removed or a reset would make the two
// disagree. This table is the one place that says which Torc operations change structure; guarded ones
// answer 403 on an owned workflow. Claims, job transitions, compute nodes, results, events, statistics,
// heartbeats and cancel_workflow stay open.
import { AppError } from '../errors.ts';
import type { Handler, HandlerMap, OperationId } from '../http/handler.ts';
import { EDGES, type EdgeName } from './collections.ts';
import type { WorkflowService } from './workflow-service.ts';

/** The path parameter that names the workflow, and (for edges) which edge collections the guard covers. */
export interface OwnershipGuard {
  param: 'key' | 'workflow';
  /** Edge operations: guarded only for these edge names. */
  edges?: readonly EdgeName[];
}

// A worker records these beside its jobs. Every other edge is structure, or a record only the server
// writes (`executed`, `returned`: the run engine reads them), so adding one is refused; deleting any is.
const WORKER_EDGES: readonly EdgeName[] = ['process_used', 'node_used'];
const ALL_EDGES = Object.keys(EDGES) as EdgeName[];
const NOT_WORKER_EDGES = ALL_EDGES.filter((e) => !WORKER_EDGES.includes(e));

const onKey: OwnershipGuard = { param: 'key' };
const onWorkflow: OwnershipGuard = { param: 'workflow' };

/** Every guarded operation; test/torc/owned-workflows.test.ts drives each one. */
export const OWNED_WORKFLOW_GUARDS = {
  modify_workflow: onKey, remove_workflow: onKey, modify_workflow_config: onKey, modify_workflow_status: onKey,
  initialize_jobs: onKey, process_changed_job_inputs: onKey, reset_workflow_status: onKey, reset_job_status: onKey,
  auto_tune_resource_requirements: onKey, process_auto_tune_resource_requirements_results: onKey,

  add_job: onWorkflow, add_jobs: onWorkflow, delete_jobs: onWorkflow, modify_job: onWorkflow, remove_job: onWorkflow,
  modify_job_resource_requirements: onWorkflow, add_job_user_data: onWorkflow,

  add_file: onWorkflow, delete_files: onWorkflow, modify_file: onWorkflow, remove_file: onWorkflow,
  add_user_data: onWorkflow, delete_user_data: onWorkflow, modify_user_data: onWorkflow, remove_user_data: onWorkflow,
  add_resource_requirements: onWorkflow, delete_resource_requirements: onWorkflow,
  modify_resource_requirements: onWorkflow, remove_resource_requirements: onWorkflow,
  add_aws_scheduler: onWorkflow, delete_aws_schedulers: onWorkflow, modify_aws_scheduler: onWorkflow, remove_aws_scheduler: onWorkflow,
  add_local_scheduler: onWorkflow, delete_local_schedulers: onWorkflow, modify_local_scheduler: onWorkflow, remove_local_scheduler: onWorkflow,
  add_slurm_scheduler: onWorkflow, delete_slurm_schedulers: onWorkflow, modify_slurm_scheduler: onWorkflow, remove_slurm_scheduler: onWorkflow,

  add_edge: { param: 'workflow', edges: NOT_WORKER_EDGES },
  delete_edges: { param: 'workflow', edges: ALL_EDGES },
  remove_edge: { param: 'workflow', edges: ALL_EDGES },
} as const satisfies Partial<Record<OperationId, OwnershipGuard>>;

export type GuardedOperation = keyof typeof OWNED_WORKFLOW_GUARDS;

/** Answers 403 when the workflow named by `params` is owned by a family and `guard` covers the call. */
export async function checkOwnership(workflows: WorkflowService, guard: OwnershipGuard, params: Record<string, unknown>): Promise<void> {
  if (guard.edges && !guard.edges.some((e) => e === params.name)) return;
  const key = String(params[guard.param]);
  const wf = await workflows.require(key);
  if (wf.ownedBy) throw new AppError('FORBIDDEN', `workflow ${key} is run by ${wf.ownedBy}; change it through ${wf.ownedBy}`);
}

/** `handlers` with every guarded operation checking ownership before it runs. */
export function guardOwnedWorkflows(handlers: HandlerMap, workflows: WorkflowService): HandlerMap {
  const guarded: Record<string, unknown> = { ...handlers };
  for (const [operation, guard] of Object.entries(OWNED_WORKFLOW_GUARDS) as [GuardedOperation, OwnershipGuard][]) {
    // The wrapper is generic in the operation: it reads only the path parameter the table names.
    const inner = handlers[operation] as Handler<OperationId> | undefined;
    if (!inner) continue;
    const check: Handler<OperationId> = async (ctx) => {
      await checkOwnership(workflows, guard, ctx.params as Record<string, unknown>);
      return inner(ctx);
    };
    guarded[operation] = check;
  }
  return guarded as HandlerMap;
}
