// Read-mostly views across Torc's collections (semantics.md §6): job keys, finds, user data of a job, ...
import type { HandlerMap } from '../http/handler.ts';
import type { TorcDeps } from './deps.ts';
import type { Doc } from './document-service.ts';
import { QueryRepository } from './query-repository.ts';
import { QueryService } from './query-service.ts';

// Services speak in plain documents; response validation in the tests checks them against the contract.
const reply = <T>(body: unknown) => ({ status: 200 as const, body: body as T });

export function queryHandlers(deps: TorcDeps): HandlerMap {
  const queries = new QueryService(new QueryRepository(deps.db), deps.workflows);
  return {
    list_collection_names: async ({ params }) => reply(await queries.collectionNames(params.key)),
    list_job_keys: async ({ params }) => reply(await queries.jobKeys(params.workflow)),
    list_jobs_by_status: async ({ params, query }) => reply(await queries.jobsByStatus(params.workflow, params.status, query)),
    list_jobs_by_needs_file: async ({ params, query }) => reply(await queries.jobsNeedingFile(params.workflow, params.key, query)),
    list_files_produced_by_job: async ({ params, query }) => reply(await queries.filesProducedByJob(params.workflow, params.key, query)),
    list_downstream_jobs: async ({ params, query }) => reply(await queries.downstreamJobs(params.workflow, params.key, query)),

    list_job_user_data_stores: async ({ params }) => reply(await queries.userDataOfJob(params.workflow, params.key, 'stores')),
    list_job_user_data_consumes: async ({ params }) => reply(await queries.userDataOfJob(params.workflow, params.key, 'consumes')),
    add_job_user_data: async ({ params, body }) => reply(await queries.addUserDataForJob(params.workflow, params.key, body as Doc)),

    get_job_resource_requirements: async ({ params }) => reply(await queries.jobResourceRequirements(params.workflow, params.key)),
    modify_job_resource_requirements: async ({ params }) =>
      reply(await queries.setJobResourceRequirements(params.workflow, params.key, params.rr_key)),

    get_process_stats_for_job: async ({ params }) => reply(await queries.processStats(params.workflow, params.key)),
    get_latest_job_result: async ({ params }) => reply(await queries.latestResult(params.workflow, params.key)),
  };
}
