// Read-mostly views across Torc's collections (semantics.md §6): job keys, finds, user data of a job, ...
import type { HandlerMap } from '../http/handler.ts';
import type { QueryService } from './query-service.ts';

export function queryHandlers(queries: QueryService) {
  return {
    list_collection_names: async ({ params }) => ({ status: 200, body: await queries.collectionNames(params.key) }),
    list_job_keys: async ({ params }) => ({ status: 200, body: await queries.jobKeys(params.workflow) }),
    list_jobs_by_status: async ({ params, query }) => ({ status: 200, body: await queries.jobsByStatus(params.workflow, params.status, query) }),
    list_jobs_by_needs_file: async ({ params, query }) => ({ status: 200, body: await queries.jobsNeedingFile(params.workflow, params.key, query) }),
    list_files_produced_by_job: async ({ params, query }) => ({ status: 200, body: await queries.filesProducedByJob(params.workflow, params.key, query) }),
    list_downstream_jobs: async ({ params, query }) => ({ status: 200, body: await queries.downstreamJobs(params.workflow, params.key, query) }),

    list_job_user_data_stores: async ({ params }) => ({ status: 200, body: await queries.userDataOfJob(params.workflow, params.key, 'stores') }),
    list_job_user_data_consumes: async ({ params }) => ({ status: 200, body: await queries.userDataOfJob(params.workflow, params.key, 'consumes') }),
    add_job_user_data: async ({ params, body }) => ({ status: 200, body: await queries.addUserDataForJob(params.workflow, params.key, body) }),

    get_job_resource_requirements: async ({ params }) => ({ status: 200, body: await queries.jobResourceRequirements(params.workflow, params.key) }),
    modify_job_resource_requirements: async ({ params }) =>
      ({ status: 200, body: await queries.setJobResourceRequirements(params.workflow, params.key, params.rr_key) }),

    get_process_stats_for_job: async ({ params }) => ({ status: 200, body: await queries.processStats(params.workflow, params.key) }),
    get_latest_job_result: async ({ params }) => ({ status: 200, body: await queries.latestResult(params.workflow, params.key) }),
  } satisfies HandlerMap;
}
