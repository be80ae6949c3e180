// The graph editing sub-API (/graphs/{id}/nodes/<action>): small edits of a stored graph by its author or an
// administrator. Checks run in PLynx's order: the graph exists (404), the caller may change it (403), then
// the edit itself; an administrator's edit keeps the graph's author.
// Each edit reads and writes the graph in one transaction, so two concurrent edits cannot lose one another.
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import { changeParameter, createLink, insertNode, removeLink, removeNode } from '../model/editing.ts';
import { isObjectId } from '../model/object-id.ts';
import type { GraphDoc } from '../model/document-types.ts';
import type { Graph, Node, PlynxUser } from '../model/types.ts';
import { mayChange } from '../model/users.ts';
import type { NodeRepository } from '../nodes/node-repository.ts';
import type { GraphRepository, StoredGraph } from './graph-repository.ts';

export interface GraphEditingDeps {
  graphs: GraphRepository;
  nodes: NodeRepository;
  clock: Clock;
  transaction<T>(fn: (repos: { graphs: GraphRepository }) => Promise<T>): Promise<T>;
  /** The stored graph as its run has it now (statuses, outputs, logs). */
  current(stored: StoredGraph): Promise<GraphDoc>;
}

async function ownGraph(graphs: GraphRepository, id: string, user: PlynxUser): Promise<StoredGraph> {
  const stored = isObjectId(id) ? await graphs.find(id) : null;
  if (!stored) throw new AppError('DOCUMENT_NOT_FOUND', 'Graph was not found');
  if (!mayChange(stored.graph.author, user)) throw new AppError('FORBIDDEN', 'Permission denied');
  return stored;
}

export function graphEditingService({ graphs, nodes, clock, transaction, current }: GraphEditingDeps) {
  /** Reads the caller's graph, applies `change` and stores the result, all in one transaction. */
  const edit = <R>(id: string, user: PlynxUser, change: (graph: Graph) => { graph: GraphDoc; result: R }): Promise<R> =>
    transaction(async ({ graphs: tx }) => {
      const own = await ownGraph(tx, id, user);
      // Upstream edits graphs in any status; here an approved graph is a run whose jobs are its nodes.
      const status = own.graph.graph_running_status ?? 'CREATED';
      if (status !== 'CREATED') throw new AppError('CONFLICT', `Graph status \`CREATED\` expected. Found \`${status}\``);
      const { graph, result } = change(own.graph);
      await tx.save(graph, own.authorName, new Date(clock.now()));
      return result;
    });

  const done = (message: string) => ({ status: 'success' as const, message });

  /** The body, checked only after the graph and its ownership (PLynx's order). */
  async function requireBody<B extends object>(id: string, user: PlynxUser, body: B | undefined): Promise<B> {
    await ownGraph(graphs, id, user);
    if (!body || !Object.keys(body).length) throw new AppError('INVALID_ARGUMENT', 'Empty body');
    return body;
  }

  async function nodeIdOf(id: string, user: PlynxUser, body: { node_id?: string } | undefined): Promise<string> {
    const { node_id } = await requireBody(id, user, body);
    if (typeof node_id !== 'string') throw new AppError('INVALID_ARGUMENT', '`node_id` is missing');
    return node_id;
  }

  return {
    async listNodes(id: string, user: PlynxUser) {
      const stored = await ownGraph(graphs, id, user);
      return { ...done('Completed'), nodes: (await current(stored)).nodes };
    },

    async insertNode(id: string, body: { node_id?: string; x?: number; y?: number } | undefined, user: PlynxUser) {
      const nodeId = await nodeIdOf(id, user, body);
      const library = isObjectId(nodeId) ? await nodes.find(nodeId) : null;
      if (!library) throw new AppError('DOCUMENT_NOT_FOUND', 'Node was not found');
      const node: Node = await edit(id, user, (graph) => {
        const inserted = insertNode(graph, library.node, body?.x ?? 0, body?.y ?? 0);
        return { graph: inserted.graph, result: inserted.node };
      });
      return { ...done('Completed'), node };
    },

    async removeNode(id: string, body: { node_id?: string } | undefined, user: PlynxUser) {
      const nodeId = await nodeIdOf(id, user, body);
      await edit(id, user, (graph) => ({ graph: removeNode(graph, nodeId), result: null }));
      return done('Node removed');
    },

    async changeParameter(id: string, body: { node_id?: string; parameter_name?: unknown; parameter_value?: unknown } | undefined, user: PlynxUser) {
      const nodeId = await nodeIdOf(id, user, body);
      await edit(id, user, (graph) => ({ graph: changeParameter(graph, nodeId, body?.parameter_name, body?.parameter_value), result: null }));
      return done('Parameter updated');
    },

    async createLink(id: string, body: object | undefined, user: PlynxUser) {
      await requireBody(id, user, body);
      await edit(id, user, (graph) => ({ graph: createLink(graph, body), result: null }));
      return done('Completed');
    },

    async removeLink(id: string, body: object | undefined, user: PlynxUser) {
      await requireBody(id, user, body);
      await edit(id, user, (graph) => ({ graph: removeLink(graph, body), result: null }));
      return done('Completed');
    },
  };
}

export type GraphEditingService = ReturnType<typeof graphEditingService>;
