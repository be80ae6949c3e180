// Torc's service, workflow, job and edge endpoints: read the validated request, call a service, shape the reply.
import type { HandlerMap } from '../http/handler.ts';
import type { TorcServices } from './composition.ts';

/** The Torc API version whose contract this server implements. */
export const TORC_API_VERSION = '0.6.4';

export function workflowHandlers({ workflows, jobs, edges }: Pick<TorcServices, 'workflows' | 'jobs' | 'edges'>) {
  return {
    ping: () => ({ status: 200, body: { message: 'torc-service is running' } }),
    get_version: () => ({ status: 200, body: { version: TORC_API_VERSION } }),

    list_workflows: async ({ query, identity }) => ({ status: 200, body: await workflows.list(query, identity.isAdmin ? undefined : identity.user) }),
    add_workflow: async ({ body, identity }) => ({ status: 200, body: await workflows.create(body, identity.user) }),
    get_workflow: async ({ params }) => ({ status: 200, body: await workflows.get(params.key) }),
    modify_workflow: async ({ params, body }) => ({ status: 200, body: await workflows.update(params.key, body) }),
    remove_workflow: async ({ params }) => ({ status: 200, body: await workflows.remove(params.key) }),

    get_workflow_config: async ({ params }) => ({ status: 200, body: await workflows.getConfig(params.key) }),
    modify_workflow_config: async ({ params, body }) => ({ status: 200, body: await workflows.updateConfig(params.key, body) }),
    get_workflow_status: async ({ params }) => ({ status: 200, body: await workflows.getStatus(params.key) }),
    modify_workflow_status: async ({ params, body }) => ({ status: 200, body: await workflows.updateStatus(params.key, body) }),

    list_jobs: async ({ params, query }) => ({ status: 200, body: await jobs.list(params.workflow, query) }),
    add_job: async ({ params, body }) => ({ status: 200, body: await jobs.create(params.workflow, body) }),
    add_jobs: async ({ params, body }) => ({ status: 200, body: { items: await jobs.createMany(params.workflow, body.jobs) } }),
    delete_jobs: async ({ params }) => ({ status: 200, body: await jobs.removeAll(params.workflow) }),
    get_job: async ({ params }) => ({ status: 200, body: await jobs.get(params.workflow, params.key) }),
    modify_job: async ({ params, body }) => ({ status: 200, body: await jobs.update(params.workflow, params.key, body) }),
    remove_job: async ({ params }) => ({ status: 200, body: await jobs.remove(params.workflow, params.key) }),

    list_edges: async ({ params, query }) => ({ status: 200, body: await edges.list(params.workflow, params.name, query) }),
    add_edge: async ({ params, body }) => ({ status: 200, body: await edges.create(params.workflow, params.name, body) }),
    delete_edges: async ({ params }) => ({ status: 200, body: await edges.removeAll(params.workflow, params.name) }),
    get_edge: async ({ params }) => ({ status: 200, body: await edges.get(params.workflow, params.name, params.key) }),
    remove_edge: async ({ params }) => ({ status: 200, body: await edges.remove(params.workflow, params.name, params.key) }),
  } satisfies HandlerMap;
}
