// Torc's HTTP handlers: read the validated request, call a service, shape the reply. No rules live here.
import type { HandlerMap } from '../http/handler.ts';
import type { WorkflowService } from './workflow-service.ts';

/** The Torc API version whose contract this server implements. */
export const TORC_API_VERSION = '0.6.4';

export interface TorcServices {
  workflows: WorkflowService;
}

export function torcHandlers({ workflows }: TorcServices): HandlerMap {
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
  };
}
