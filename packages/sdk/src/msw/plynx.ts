// PLynx in memory: graphs and library nodes that are saved, read back and searched.
import { badRequest, notFound } from './errors.js';
import { defaultBody } from './sample.js';
import type { StatefulContext, StatefulHandlers } from './stateful.js';
import type { MockStore, StoredDocument } from './store.js';

const now = () => new Date().toISOString().replace('T', ' ').replace('Z', '000');

/** A 24-hex-digit object id from the store's counter, so seeded stores stay reproducible. */
function objectId(store: MockStore): string {
  return (store.plynx.nextObjectId++).toString(16).padStart(24, '0');
}

/** PLynx accepts `actions`, `action` (string or list), and both wrapped in `body`. */
function actionsOf(body: Record<string, any>): string[] {
  const fields = body.body ?? body;
  const actions = fields.actions ?? fields.action ?? [];
  return Array.isArray(actions) ? actions : [actions];
}

// The file types of the default answers, so a stored document comes back in the same envelope.
const resourcesDict = () => (defaultBody('plynx_get_graph') as { resources_dict: unknown }).resources_dict;

function save(table: Record<string, StoredDocument>, store: MockStore, document: StoredDocument): StoredDocument {
  const id = typeof document._id === 'string' && document._id !== 'new' ? document._id : objectId(store);
  const saved: StoredDocument = { ...table[id], ...document, _id: id, update_date: now() };
  saved.insertion_date ??= saved.update_date;
  table[id] = saved;
  return saved;
}

/** `search` matches titles and descriptions; `offset`/`per_page` page the matches. */
function search(documents: StoredDocument[], body: Record<string, any>) {
  const words = String(body.search ?? '').split(/\s+/).filter((w) => w && !w.includes(':'));
  const matches = documents.filter((d) => words.every((w) => `${String(d.title)} ${String(d.description)}`.toLowerCase().includes(w.toLowerCase())));
  const offset = Number(body.offset ?? 0);
  return { items: matches.slice(offset, offset + Number(body.per_page ?? 20)), total_count: matches.length };
}

function found(table: Record<string, StoredDocument>, id: string, what: string, c: StatefulContext) {
  // `new` (a blank graph) and base-node names are answered by the defaults.
  if (!/^[0-9a-fA-F]{24}$/.test(id)) return undefined;
  const document = table[id];
  if (!document) throw notFound(`${what} ${id}`);
  return { body: { status: 'success', data: document, resources_dict: resourcesDict() } };
}

export function plynxHandlers(): StatefulHandlers {
  return {
    plynx_post_graph: ({ store, body }) => {
      const graph = (body.body ?? body).graph as StoredDocument | undefined;
      if (!graph) throw badRequest('the request has no graph');
      const actions = actionsOf(body);
      const saved = actions.includes('SAVE') || actions.includes('APPROVE') ? save(store.plynx.graphs, store, graph) : graph;
      return { body: { status: 'SUCCESS', message: `Actions completed: ${actions.join(', ')}`, graph: saved, url: `/graphs/${String(saved._id)}` } };
    },
    plynx_get_graph: (c) => found(c.store.plynx.graphs, c.params.graph_id!, 'graph', c),
    plynx_update_graph: ({ store, params, body }) => {
      const graph = store.plynx.graphs[params.graph_id!];
      if (!graph) throw notFound(`graph ${params.graph_id}`);
      Object.assign(graph, body, { update_date: now() });
      return { body: { status: 'success', message: 'Successfully updated', graph } };
    },
    plynx_list_graph_nodes: ({ store, params }) => {
      const graph = store.plynx.graphs[params.graph_id!];
      if (!graph) throw notFound(`graph ${params.graph_id}`);
      return { body: { status: 'success', message: 'Completed', nodes: graph.nodes ?? [] } };
    },
    plynx_search_graphs: ({ store, body }) => ({ body: { status: 'success', ...search(Object.values(store.plynx.graphs), body) } }),
    plynx_post_node: ({ store, body }) => {
      const actions = actionsOf(body);
      if (actions.includes('SAVE') || actions.includes('APPROVE')) save(store.plynx.nodes, store, body.node);
      return { body: { status: 'SUCCESS', message: `Actions completed: ${actions.join(', ')}` } };
    },
    plynx_get_node: (c) => found(c.store.plynx.nodes, c.params.node_id!, 'node', c),
    plynx_search_nodes: ({ store, body }) => ({
      body: { status: 'success', resources_dict: resourcesDict(), ...search(Object.values(store.plynx.nodes), body) },
    }),
  };
}
