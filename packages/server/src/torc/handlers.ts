// Torc's HTTP handlers: read the validated request, call a service, shape the reply. No rules live here.
import type { HandlerMap } from '../http/handler.ts';
import type { Doc } from './document-service.ts';
import type { EdgeService } from './edge-service.ts';
import type { JobService } from './job-service.ts';
import type { WorkflowService } from './workflow-service.ts';

/** The Torc API version whose contract this server implements. */
export const TORC_API_VERSION = '0.6.4';

export interface TorcServices {
  workflows: WorkflowService;
  jobs: JobService;
  edges: EdgeService;
}

// Services speak in plain documents; the validator has already checked them against the contract.
const asDoc = (v: unknown) => v as Doc;
const reply = <T>(body: unknown) => ({ status: 200 as const, body: body as T });

export function torcHandlers({ workflows, jobs, edges }: TorcServices): HandlerMap {
  return {
    ping: () => ({ status: 200, body: { message: 'torc-service is running' } }),
    get_version: () => ({ status: 200, body: { version: TORC_API_VERSION } }),

    list_workflows: async ({ query }) => ({ status: 200, body: await workflows.list(query) }),
    add_workflow: async ({ body }) => ({ status: 200, body: await workflows.create(body) }),
    get_workflow: async ({ params }) => ({ status: 200, body: await workflows.get(params.key) }),
    modify_workflow: async ({ params, body }) => ({ status: 200, body: await workflows.update(params.key, body) }),
    remove_workflow: async ({ params }) => ({ status: 200, body: await workflows.remove(params.key) }),

    get_workflow_config: async ({ params }) => ({ status: 200, body: await workflows.getConfig(params.key) }),
    modify_workflow_config: async ({ params, body }) => ({ status: 200, body: await workflows.updateConfig(params.key, body) }),
    get_workflow_status: async ({ params }) => ({ status: 200, body: await workflows.getStatus(params.key) }),
    modify_workflow_status: async ({ params, body }) => ({ status: 200, body: await workflows.updateStatus(params.key, body) }),

    list_jobs: async ({ params, query }) => reply(await jobs.list(params.workflow, asDoc(query))),
    add_job: async ({ params, body }) => reply(await jobs.create(params.workflow, asDoc(body))),
    add_jobs: async ({ params, body }) => reply({ items: await jobs.createMany(params.workflow, body.jobs as Doc[]) }),
    delete_jobs: async ({ params }) => reply(await jobs.removeAll(params.workflow)),
    get_job: async ({ params }) => reply(await jobs.get(params.workflow, params.key)),
    modify_job: async ({ params, body }) => reply(await jobs.update(params.workflow, params.key, asDoc(body))),
    remove_job: async ({ params }) => reply(await jobs.remove(params.workflow, params.key)),

    list_edges: async ({ params, query }) => reply(await edges.list(params.workflow, params.name, asDoc(query))),
    add_edge: async ({ params, body }) => reply(await edges.create(params.workflow, params.name, body as { _from: string; _to: string })),
    delete_edges: async ({ params }) => reply(await edges.removeAll(params.workflow, params.name)),
    get_edge: async ({ params }) => reply(await edges.get(params.workflow, params.name, params.key)),
    remove_edge: async ({ params }) => reply(await edges.remove(params.workflow, params.name, params.key)),
  };
}
