// Views over a workflow's graph and event log: latest event time, events after a time, DOT graphs, joins.
import type { HandlerMap } from '../http/handler.ts';
import type { TorcDeps } from './deps.ts';
import type { Doc } from './document-service.ts';
import { GraphRepository } from './graph-repository.ts';
import { GraphService } from './graph-service.ts';

// Services speak in plain documents; response validation in the tests checks them against the contract.
const reply = <T>(body: unknown) => ({ status: 200 as const, body: body as T });

export function graphHandlers(deps: TorcDeps): HandlerMap {
  const graphs = new GraphService(new GraphRepository(deps.db, deps.provider), deps.workflows);
  return {
    get_latest_event_timestamp: async ({ params }) => reply(await graphs.latestEventTimestamp(params.key)),
    get_events_after_timestamp: async ({ params, query }) => reply(await graphs.eventsAfter(params.key, params.timestamp, query)),
    get_dot_graph: async ({ params }) => reply(await graphs.dotGraph(params.key, params.name)),
    join_collections_by_outbound_edge: async ({ params, query, body }) =>
      reply(await graphs.join(params.key, 'outbound', params.collection, params.edge, body as Doc, query)),
    join_collections_by_inbound_edge: async ({ params, query, body }) =>
      reply(await graphs.join(params.key, 'inbound', params.collection, params.edge, body as Doc, query)),
  };
}
