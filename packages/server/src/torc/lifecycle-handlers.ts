// Torc's lifecycle endpoints: thin adapters from the validated request to LifecycleService.
import type { HandlerMap } from '../http/handler.ts';
import type { LifecycleService, ResultBody, WorkerResources } from './lifecycle-service.ts';

const reply = <T>(body: unknown) => ({ status: 200 as const, body: body as T });

export function lifecycleHandlers(lifecycle: LifecycleService): HandlerMap {
  return {
    initialize_jobs: async ({ params, query }) => reply(await lifecycle.initializeJobs(params.key, query)),
    is_workflow_complete: async ({ params }) => reply(await lifecycle.isComplete(params.key)),
    prepare_jobs_for_submission: async ({ params, query, body }) =>
      reply(await lifecycle.prepareJobsForSubmission(params.key, body as WorkerResources, query.sort_method, query.limit)),
    prepare_next_jobs_for_submission: async ({ params, query }) => reply(await lifecycle.prepareNextJobsForSubmission(params.key, query.limit)),
    prepare_jobs_for_scheduling: async ({ params }) => reply(await lifecycle.prepareJobsForScheduling(params.key)),
    get_ready_job_requirements: async ({ params, query }) => reply(await lifecycle.readyJobRequirements(params.key, query.scheduler_config_id)),
    start_job: async ({ params }) => reply(await lifecycle.startJob(params.workflow, params.key, params.rev, params.run_id, params.compute_node_key)),
    complete_job: async ({ params, body }) =>
      reply(await lifecycle.completeJob(params.workflow, params.key, params.status, params.rev, params.run_id, params.compute_node_key, body as ResultBody)),
    manage_status_change: async ({ params }) => reply(await lifecycle.manageStatusChange(params.workflow, params.key, params.status, params.rev, params.run_id)),
    cancel_workflow: async ({ params }) => reply(await lifecycle.cancel(params.key)),
    reset_workflow_status: async ({ params }) => reply(await lifecycle.resetStatus(params.key)),
    reset_job_status: async ({ params, query }) => reply(await lifecycle.resetJobStatus(params.key, query.failed_only)),
    claim_and_start_jobs: async ({ params, body }) => reply(await lifecycle.claimAndStartJobs(params.key, body as Parameters<LifecycleService['claimAndStartJobs']>[1])),
    heartbeat_compute_node: async ({ params, body }) => reply(await lifecycle.heartbeat(params.workflow, params.key, body?.running_job_keys)),
    complete_jobs: async ({ params, body }) => reply(await lifecycle.completeJobs(params.key, body as Parameters<LifecycleService['completeJobs']>[1])),
  };
}
