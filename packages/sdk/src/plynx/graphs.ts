// client.graphs: every action on stored graphs, and the graph editing sub-API.
import { expectSuccess } from './action-status.js';
import type { CodeLanguage } from '../plynx-graph/generate.js';
import type { Client } from './client.js';
import type {
  ChangeParameterRequest,
  GraphActionResponse,
  GraphNodesResponse,
  GraphRequestAction,
  GraphResponse,
  GraphUpdateRequest,
  GraphUpdateResponse,
  InsertNodeRequest,
  InsertNodeResponse,
  LinkRequest,
  MessageResponse,
  PlynxGraph,
  RemoveNodeRequest,
  SearchGraphsRequest,
  SearchGraphsResponse,
} from './types.js';

type StoredGraphAction = 'approve' | 'validate' | 'rearrange' | 'upgrade_nodes' | 'cancel' | 'generate_code' | 'clone';

/**
 * The graph routes of a {@link Client}. Action methods run one action on the stored graph and answer the
 * outcome; VALIDATION_FAILED throws a {@link ValidationFailedError}, a refusal an {@link ApiActionError}.
 * @example
 * ```ts
 * const { items } = await client.graphs.search({ search: 'author:alice', per_page: 5 });
 * const { code } = await client.graphs.generateCode(items[0]!._id!);
 * ```
 */
export class GraphsApi {
  /** Made by {@link Client}. @example `const graphs = client.graphs;` */
  constructor(private readonly client: Client) {}

  private action(graphId: string, action: StoredGraphAction): Promise<GraphActionResponse> {
    const params = { params: { path: { graph_id: graphId } } };
    const raw = this.client.raw;
    const send = {
      approve: () => raw.POST('/plynx/api/v0/graphs/{graph_id}/approve', params),
      validate: () => raw.POST('/plynx/api/v0/graphs/{graph_id}/validate', params),
      rearrange: () => raw.POST('/plynx/api/v0/graphs/{graph_id}/rearrange', params),
      upgrade_nodes: () => raw.POST('/plynx/api/v0/graphs/{graph_id}/upgrade_nodes', params),
      cancel: () => raw.POST('/plynx/api/v0/graphs/{graph_id}/cancel', params),
      generate_code: () => raw.POST('/plynx/api/v0/graphs/{graph_id}/generate_code', params),
      clone: () => raw.POST('/plynx/api/v0/graphs/{graph_id}/clone', params),
    }[action];
    return this.client.call(send).then(expectSuccess);
  }

  /** The stored graph in `data` (`new` answers an unsaved default graph). @example `const { data } = await client.graphs.get(id);` */
  get(graphId: string): Promise<GraphResponse> {
    return this.client.call(() => this.client.raw.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: graphId } } }));
  }

  /** One page of graphs, newest first. @example `const { items, total_count } = await client.graphs.search({ search: 'author:alice' });` */
  search(query: SearchGraphsRequest = {}): Promise<SearchGraphsResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/search_graphs', { body: query }));
  }

  /**
   * Posts `graph` with `actions` run in order (POST /graphs), as the python client and the web UI do.
   * @example
   * ```ts
   * const { graph: saved } = await client.graphs.post(doc, ['REARRANGE', 'SAVE']);
   * ```
   */
  post(graph: PlynxGraph, actions: GraphRequestAction[]): Promise<GraphActionResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/graphs', { body: { body: { graph, actions } } })).then(expectSuccess);
  }

  /** Validates the stored graph and queues it (READY). @example `await client.graphs.approve(id);` */
  approve(graphId: string): Promise<GraphActionResponse> {
    return this.action(graphId, 'approve');
  }

  /** Checks the stored graph; a problem throws {@link ValidationFailedError}. @example `await client.graphs.validate(id);` */
  validate(graphId: string): Promise<GraphActionResponse> {
    return this.action(graphId, 'validate');
  }

  /** The graph laid out (not saved). @example `const { graph } = await client.graphs.rearrange(id);` */
  rearrange(graphId: string): Promise<GraphActionResponse> {
    return this.action(graphId, 'rearrange');
  }

  /** The graph with deprecated operations replaced (not saved). @example `const { upgraded_nodes_count } = await client.graphs.upgradeNodes(id);` */
  upgradeNodes(graphId: string): Promise<GraphActionResponse> {
    return this.action(graphId, 'upgrade_nodes');
  }

  /** Stops a RUNNING or FAILED_WAITING graph. @example `await client.graphs.cancel(id);` */
  cancel(graphId: string): Promise<GraphActionResponse> {
    return this.action(graphId, 'cancel');
  }

  /**
   * The code that rebuilds the graph, in `code`: a python script for PLynx's client, or with
   * `{ language: 'typescript' }` a program for this SDK (a Pipeloom extension).
   * @example `const { code } = await client.graphs.generateCode(id, { language: 'typescript' });`
   */
  generateCode(graphId: string, options: { language?: CodeLanguage } = {}): Promise<GraphActionResponse> {
    if (options.language === undefined) return this.action(graphId, 'generate_code');
    const params = { params: { path: { graph_id: graphId }, query: { language: options.language } } };
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/graphs/{graph_id}/generate_code', params)).then(expectSuccess);
  }

  /** A saved copy owned by the caller; `new_graph_id` is its id. @example `const { new_graph_id } = await client.graphs.clone(id);` */
  clone(graphId: string): Promise<GraphActionResponse> {
    return this.action(graphId, 'clone');
  }

  /** Merges fields into a CREATED graph and saves it. @example `await client.graphs.update(id, { title: 'March' });` */
  update(graphId: string, patch: GraphUpdateRequest): Promise<GraphUpdateResponse> {
    return this.client.call(() => this.client.raw.PATCH('/plynx/api/v0/graphs/{graph_id}/update', { params: { path: { graph_id: graphId } }, body: patch }));
  }

  /** The nodes of the stored graph. @example `const { nodes } = await client.graphs.listNodes(id);` */
  listNodes(graphId: string): Promise<GraphNodesResponse> {
    return this.client.call(() => this.client.raw.GET('/plynx/api/v0/graphs/{graph_id}/nodes/list_nodes', { params: { path: { graph_id: graphId } } }));
  }

  /** Places a library node in the graph. @example `const { node } = await client.graphs.insertNode(id, { node_id: grepId, x: 282, y: 80 });` */
  insertNode(graphId: string, request: InsertNodeRequest): Promise<InsertNodeResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/graphs/{graph_id}/nodes/insert_node', { params: { path: { graph_id: graphId } }, body: request }));
  }

  /** Removes a node and its links. @example `await client.graphs.removeNode(id, { node_id: nodeId });` */
  removeNode(graphId: string, request: RemoveNodeRequest): Promise<MessageResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_node', { params: { path: { graph_id: graphId } }, body: request }));
  }

  /** Sets one parameter of one node. @example `await client.graphs.changeParameter(id, { node_id, parameter_name: 'template', parameter_value: '^3' });` */
  changeParameter(graphId: string, request: ChangeParameterRequest): Promise<MessageResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/graphs/{graph_id}/nodes/change_parameter', { params: { path: { graph_id: graphId } }, body: request }));
  }

  /** Links an output to an input. @example `await client.graphs.createLink(id, { from: { node_id: a, resource: 'out' }, to: { node_id: b, resource: 'input' } });` */
  createLink(graphId: string, request: LinkRequest): Promise<MessageResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/graphs/{graph_id}/nodes/create_link', { params: { path: { graph_id: graphId } }, body: request }));
  }

  /** Removes a link. @example `await client.graphs.removeLink(id, { from: { node_id: a, resource: 'out' }, to: { node_id: b, resource: 'input' } });` */
  removeLink(graphId: string, request: LinkRequest): Promise<MessageResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_link', { params: { path: { graph_id: graphId } }, body: request }));
  }
}
