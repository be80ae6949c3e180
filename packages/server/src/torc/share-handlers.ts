// The workflow sharing extension: the owner names who else may read or run a workflow.
import type { HandlerMap } from '../http/handler.ts';
import type { AccessService } from './access-service.ts';

export function shareHandlers(access: AccessService): HandlerMap {
  return {
    list_workflow_shares: async ({ params, identity }) => ({ status: 200, body: await access.list(params.key, identity) }),
    share_workflow: async ({ params, body, identity }) => ({ status: 200, body: await access.share(params.key, params.user, body.access, identity) }),
    unshare_workflow: async ({ params, identity }) => ({ status: 200, body: await access.unshare(params.key, params.user, identity) }),
  };
}
