// PLynx's node library endpoints: read the validated request, call the service, reply.
import type { HandlerMap } from '../../http/handler.ts';
import { requestedActions } from '../graphs/graph-handlers.ts';
import { plynxUser } from '../model/users.ts';
import type { NodeService } from './node-service.ts';

export function nodeHandlers({ nodes }: { nodes: NodeService }) {
  return {
    plynx_search_nodes: async ({ body, identity }) => ({ status: 200, body: await nodes.search(body ?? {}, plynxUser(identity)) }),
    plynx_get_node: async ({ params, identity }) => ({ status: 200, body: await nodes.get(params.node_id, plynxUser(identity)) }),
    plynx_post_node: async ({ body, identity }) => ({ status: 200, body: await nodes.post(body.node, requestedActions(body), plynxUser(identity)) }),
  } satisfies HandlerMap;
}
