// client.nodes: the node library (operations and files).
import { expectSuccess } from './action-status.js';
import type { Client } from './client.js';
import type { NodeAction, NodeActionResponse, NodeResponse, PlynxNode, SearchNodesRequest, SearchNodesResponse } from './types.js';

/**
 * The node routes of a {@link Client}. Actions post the whole node with one action; VALIDATION_FAILED throws a
 * {@link ValidationFailedError}, a refusal an {@link ApiActionError}.
 * @example
 * ```ts
 * const { data: template } = await client.nodes.get('bash_jinja2');
 * const node = { ...template, title: 'Grep', description: 'Keeps matching lines' };
 * await client.nodes.save(node);
 * await client.nodes.approve(node);
 * ```
 */
export class NodesApi {
  /** Made by {@link Client}. @example `const nodes = client.nodes;` */
  constructor(private readonly client: Client) {}

  /** A library node, or a blank template for a base node name (`bash_jinja2`, `python`, `file`). @example `const { data } = await client.nodes.get(id);` */
  get(nodeId: string): Promise<NodeResponse> {
    return this.client.call(() => this.client.raw.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: nodeId } } }));
  }

  /** One page of library nodes. @example `const { items } = await client.nodes.search({ search: 'grep', status: ['READY'] });` */
  search(query: SearchNodesRequest = {}): Promise<SearchNodesResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/search_nodes', { body: query }));
  }

  /** Posts `node` with one action (POST /nodes). @example `await client.nodes.post(node, 'VALIDATE');` */
  post(node: PlynxNode, action: NodeAction): Promise<NodeActionResponse> {
    return this.client.call(() => this.client.raw.POST('/plynx/api/v0/nodes', { body: { node, action } })).then(expectSuccess);
  }

  /** Saves a CREATED node (files at any time). @example `await client.nodes.save(node);` */
  save(node: PlynxNode): Promise<NodeActionResponse> {
    return this.post(node, 'SAVE');
  }

  /** Validates a CREATED node and makes it READY. @example `await client.nodes.approve(node);` */
  approve(node: PlynxNode): Promise<NodeActionResponse> {
    return this.post(node, 'APPROVE');
  }

  /** Checks a node without saving it. @example `await client.nodes.validate(node);` */
  validate(node: PlynxNode): Promise<NodeActionResponse> {
    return this.post(node, 'VALIDATE');
  }

  /** Marks a node DEPRECATED, naming its successor if given. @example `await client.nodes.deprecate(old, newer._id);` */
  deprecate(node: PlynxNode, successorId?: string): Promise<NodeActionResponse> {
    return this.post(successorId === undefined ? node : { ...node, successor_node: successorId }, 'DEPRECATE');
  }

  /** Marks a node MANDATORY_DEPRECATED (no longer usable), naming its successor if given. @example `await client.nodes.mandatoryDeprecate(old, newer._id);` */
  mandatoryDeprecate(node: PlynxNode, successorId?: string): Promise<NodeActionResponse> {
    return this.post(successorId === undefined ? node : { ...node, successor_node: successorId }, 'MANDATORY_DEPRECATE');
  }

  /** The script a worker would run for `node`. @example `console.log(await client.nodes.previewCmd(node));` */
  async previewCmd(node: PlynxNode): Promise<string> {
    return (await this.post(node, 'PREVIEW_CMD')).preview_text ?? '';
  }
}
