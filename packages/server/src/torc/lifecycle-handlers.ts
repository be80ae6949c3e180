// Torc's lifecycle endpoints: thin adapters from the validated request to the lifecycle services.
import type { HandlerMap } from '../http/handler.ts';
import type { ClaimService } from './lifecycle/claims.ts';
import type { InitializeService } from './lifecycle/initialize.ts';
import type { LeaseService } from './lifecycle/leases.ts';
import type { QueueClaimService } from './lifecycle/queue-claims.ts';
import type { RunControlService } from './lifecycle/run-control.ts';
import type { TransitionService } from './lifecycle/transitions.ts';

export interface LifecycleServices {
  initialize: InitializeService;
  claims: ClaimService;
  queueClaims: QueueClaimService;
  leases: LeaseService;
  transitions: TransitionService;
  runs: RunControlService;
}

export function lifecycleHandlers({ initialize, claims, queueClaims, leases, transitions, runs }: LifecycleServices): HandlerMap {
  return {
    initialize_jobs: async ({ params, query }) => ({ status: 200, body: await initialize.initializeJobs(params.key, query) }),
    is_workflow_complete: async ({ params }) => ({ status: 200, body: await runs.isComplete(params.key) }),
    prepare_jobs_for_submission: async ({ params, query, body }) =>
      ({ status: 200, body: await claims.prepareJobsForSubmission(params.key, body, query.sort_method, query.limit) }),
    prepare_next_jobs_for_submission: async ({ params, query }) => ({ status: 200, body: await claims.prepareNextJobsForSubmission(params.key, query.limit) }),
    prepare_jobs_for_scheduling: async ({ params }) => ({ status: 200, body: await claims.prepareJobsForScheduling(params.key) }),
    get_ready_job_requirements: async ({ params, query }) => ({ status: 200, body: await claims.readyJobRequirements(params.key, query.scheduler_config_id) }),
    claim_and_start_jobs: async ({ params, body }) => ({ status: 200, body: await claims.claimAndStartJobs(params.key, body) }),
    claim_queue_jobs: async ({ params, body, identity }) =>
      ({ status: 200, body: await queueClaims.claimQueueJobs(params.queue, body, identity.isAdmin ? undefined : identity.user) }),
    start_job: async ({ params }) =>
      ({ status: 200, body: await transitions.startJob(params.workflow, params.key, params.rev, params.run_id, params.compute_node_key) }),
    complete_job: async ({ params, body }) =>
      ({ status: 200, body: await transitions.completeJob(params.workflow, params.key, params.status, params.rev, params.run_id, params.compute_node_key, body) }),
    complete_jobs: async ({ params, body }) => ({ status: 200, body: await transitions.completeJobs(params.key, body) }),
    manage_status_change: async ({ params }) =>
      ({ status: 200, body: await transitions.manageStatusChange(params.workflow, params.key, params.status, params.rev, params.run_id) }),
    heartbeat_compute_node: async ({ params, body }) => ({ status: 200, body: await leases.heartbeat(params.workflow, params.key, body?.running_job_keys) }),
    cancel_workflow: async ({ params }) => ({ status: 200, body: await runs.cancel(params.key) }),
    reset_workflow_status: async ({ params }) => ({ status: 200, body: await runs.resetStatus(params.key) }),
    reset_job_status: async ({ params, query }) => ({ status: 200, body: await runs.resetJobStatus(params.key, query.failed_only) }),
  };
}
