// Views over a workflow's graph and event log: latest event time, events after a time, DOT graphs, joins.
import type { HandlerMap } from '../http/handler.ts';
import type { GraphService } from './graph-service.ts';

export function graphHandlers(graphs: GraphService) {
  return {
    get_latest_event_timestamp: async ({ params }) => ({ status: 200, body: await graphs.latestEventTimestamp(params.key) }),
    get_events_after_timestamp: async ({ params, query }) => ({ status: 200, body: await graphs.eventsAfter(params.key, params.timestamp, query) }),
    get_dot_graph: async ({ params }) => ({ status: 200, body: await graphs.dotGraph(params.key, params.name) }),
    join_collections_by_outbound_edge: async ({ params, query, body }) =>
      ({ status: 200, body: await graphs.join(params.key, 'outbound', params.collection, params.edge, body, query) }),
    join_collections_by_inbound_edge: async ({ params, query, body }) =>
      ({ status: 200, body: await graphs.join(params.key, 'inbound', params.collection, params.edge, body, query) }),
  } satisfies HandlerMap;
}
