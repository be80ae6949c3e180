// PLynx's graph endpoints and the graph editing sub-API: read the validated request, call a service, reply.
import type { components } from '@pipeloom/sdk/generated';
import { AppError } from '../../errors.ts';
import type { HandlerMap } from '../../http/handler.ts';
import type { GraphAction } from '../model/types.ts';
import { plynxUser } from '../model/users.ts';
import type { GraphEditingService } from './graph-editing-service.ts';
import type { GraphActionOptions, GraphService } from './graph-service.ts';

/** PLynx's code reads `actions`; its docs show `action`, possibly a single string. `actions` wins. */
export function requestedActions<A extends string>(body: { actions?: A[]; action?: A | A[] }): A[] {
  if (body.actions) return body.actions;
  if (body.action === undefined) return [];
  return Array.isArray(body.action) ? body.action : [body.action];
}

type GraphActionBody = components['schemas']['PlynxGraphActionRequest'];

/**
 * The graph and actions of POST /graphs. Later releases of PLynx's python client wrap them in `body` and
 * call REARRANGE `AUTO_LAYOUT`; both forms are accepted.
 */
export function graphActionRequest(body: GraphActionBody): { graph: unknown; actions: GraphAction[]; options: GraphActionOptions } {
  const fields = body.graph === undefined && body.body ? body.body : body;
  if (fields.graph === undefined) throw new AppError('INVALID_ARGUMENT', 'The body needs a `graph`');
  const actions = requestedActions(fields).map((a): GraphAction => (a === 'AUTO_LAYOUT' ? 'REARRANGE' : a));
  const language = fields.language ?? body.language;
  return { graph: fields.graph, actions, options: language === undefined ? {} : { codeLanguage: language } };
}

export function graphHandlers({ graphs, editing }: { graphs: GraphService; editing: GraphEditingService }) {
  const one = (action: GraphAction) => async ({ params, identity }: { params: { graph_id: string }; identity: Parameters<typeof plynxUser>[0] }) =>
    ({ status: 200 as const, body: await graphs.postAction(params.graph_id, action, plynxUser(identity)) });

  return {
    plynx_search_graphs: async ({ body }) => ({ status: 200, body: await graphs.search(body ?? {}) }),
    plynx_get_graph: async ({ params, identity }) => ({ status: 200, body: await graphs.get(params.graph_id, plynxUser(identity)) }),
    plynx_post_graph: async ({ body, identity }) => {
      const request = graphActionRequest(body);
      return { status: 200, body: await graphs.post(request.graph, request.actions, plynxUser(identity), request.options) };
    },
    plynx_approve_graph: one('APPROVE'),
    plynx_validate_graph: one('VALIDATE'),
    plynx_rearrange_graph: one('REARRANGE'),
    plynx_upgrade_graph_nodes: one('UPGRADE_NODES'),
    plynx_cancel_graph: one('CANCEL'),
    plynx_generate_graph_code: async ({ params, query, identity }) =>
      ({ status: 200, body: await graphs.postAction(params.graph_id, 'GENERATE_CODE', plynxUser(identity), { codeLanguage: query.language }) }),
    plynx_clone_graph: one('CLONE'),
    plynx_update_graph: async ({ params, body, identity }) => ({ status: 200, body: await graphs.update(params.graph_id, body, plynxUser(identity)) }),

    plynx_list_graph_nodes: async ({ params, identity }) => ({ status: 200, body: await editing.listNodes(params.graph_id, plynxUser(identity)) }),
    plynx_insert_graph_node: async ({ params, body, identity }) => ({ status: 200, body: await editing.insertNode(params.graph_id, body, plynxUser(identity)) }),
    plynx_remove_graph_node: async ({ params, body, identity }) => ({ status: 200, body: await editing.removeNode(params.graph_id, body, plynxUser(identity)) }),
    plynx_change_graph_parameter: async ({ params, body, identity }) => ({ status: 200, body: await editing.changeParameter(params.graph_id, body, plynxUser(identity)) }),
    plynx_create_graph_link: async ({ params, body, identity }) => ({ status: 200, body: await editing.createLink(params.graph_id, body, plynxUser(identity)) }),
    plynx_remove_graph_link: async ({ params, body, identity }) => ({ status: 200, body: await editing.removeLink(params.graph_id, body, plynxUser(identity)) }),
  } satisfies HandlerMap;
}
