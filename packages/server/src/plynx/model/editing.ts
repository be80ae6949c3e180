// The graph-node sub-API (`/graphs/{id}/nodes/<action>`) as pure operations on a stored graph: each
// checks its body, applies the change to a copy and returns it; the caller saves. Messages are PLynx's;
// where PLynx answers 500 (bad ids, a node linked to itself) these answer 400.
import { AppError, notFound } from '../../errors.ts';
import { isPlainObject, toInt, type Raw } from './coerce.ts';
import type { GraphDoc, NodeDoc } from './document-types.ts';
import { parseGraph, parseNode } from './documents.ts';
import { isObjectId, newObjectId } from './object-id.ts';
import { typedParameterValue } from './parameters.ts';
import type { Graph, Node } from './types.ts';

const badRequest = (message: string) => new AppError('INVALID_ARGUMENT', message);
const nodeNotFound = () => notFound('Node');

/** The request body as an object; PLynx requires one for every POST action (400 `Empty body`). */
export function editBody(body: unknown): Raw {
  if (body === undefined || body === null || body === '') throw badRequest('Empty body');
  if (!isPlainObject(body)) throw badRequest('The body must be a JSON object');
  return body;
}

/** A node id from a body: 24 hexadecimal digits, in lower case. */
export function nodeIdField(value: unknown, field: string): string {
  if (value === undefined || value === null) throw badRequest(`\`${field}\` is missing`);
  if (!isObjectId(value)) throw badRequest(`\`${field}\` must be a 24-digit hexadecimal ObjectId`);
  return value.toLowerCase();
}

/** The insert_node body `{node_id, x = 0, y = 0}`, checked before the library node is looked up. */
export function insertNodeBody(body: unknown): { nodeId: string; x: number; y: number } {
  const raw = editBody(body);
  return { nodeId: nodeIdField(raw.node_id, 'node_id'), x: toInt(raw.x, 'x', 0), y: toInt(raw.y, 'y', 0) };
}

function findNode(graph: GraphDoc, nodeId: string): NodeDoc {
  const node = graph.nodes.find((candidate) => candidate._id === nodeId);
  if (!node) throw nodeNotFound();
  return node;
}

/**
 * insert_node: a copy of the library node placed at (x, y) with a new `_id` and `parent_node` naming the
 * library node. `x` and `y` default to 0 and accept whole-number strings.
 */
export function insertNode(graph: Graph, libraryNode: Node, x: unknown = 0, y: unknown = 0): { graph: GraphDoc; node: NodeDoc } {
  const doc = parseGraph(graph);
  const node = parseNode(libraryNode);
  node.x = toInt(x, 'x', 0);
  node.y = toInt(y, 'y', 0);
  node.parent_node = node._id;
  node._id = newObjectId();
  doc.nodes.push(node);
  return { graph: doc, node };
}

/** remove_node: drops the node and every link that reads from it. 404 `Node was not found`. */
export function removeNode(graph: Graph, nodeId: unknown): GraphDoc {
  const id = nodeIdField(nodeId, 'node_id');
  const doc = parseGraph(graph);
  findNode(doc, id);
  doc.nodes = doc.nodes.filter((node) => node._id !== id);
  for (const node of doc.nodes) {
    for (const input of node.inputs) input.values = input.values.filter((value) => value.node_id.toLowerCase() !== id);
  }
  return doc;
}

/**
 * change_parameter: sets every parameter of the node named `name` to `value`, coerced to the parameter's
 * type. 400 `No parameter name` / `No parameter value` when null; 404 for an unknown node; an unknown
 * parameter name changes nothing.
 */
export function changeParameter(graph: Graph, nodeId: unknown, name: unknown, value: unknown): GraphDoc {
  if (name === null || name === undefined) throw badRequest('No parameter name');
  if (value === null || value === undefined) throw badRequest('No parameter value');
  const id = nodeIdField(nodeId, 'node_id');
  const doc = parseGraph(graph);
  const node = findNode(doc, id);
  node.parameters = node.parameters.map((parameter) =>
    parameter.name === name ? { ...parameter, ...typedParameterValue(parameter.parameter_type, value, 'parameter_value') } : parameter,
  );
  return doc;
}

interface LinkEnd {
  nodeId: string;
  resource: unknown;
}

/** Reads `{from: {node_id, resource}, to: {node_id, resource}}`, in PLynx's order of checks. */
function linkBody(body: unknown): { from: LinkEnd; to: LinkEnd } {
  const raw = editBody(body);
  const ends: Record<string, Raw> = {};
  for (const end of ['from', 'to']) {
    const value = raw[end];
    if (value === undefined) throw badRequest(`\`${end}\` is missing`);
    if (!isPlainObject(value)) throw badRequest(`\`${end}\` must be an object`);
    for (const field of ['node_id', 'resource']) {
      if (!(field in value)) throw badRequest(`\`${end}.${field}\` is missing`);
    }
    ends[end] = value;
  }
  const end = (name: string): LinkEnd => ({ nodeId: nodeIdField(ends[name]?.node_id, `${name}.node_id`), resource: ends[name]?.resource });
  const from = end('from');
  const to = end('to');
  if (from.nodeId === to.nodeId) throw badRequest('A link cannot join a node to itself');
  return { from, to };
}

/** The graph copy, the output linked from and the input linked to. 404s as PLynx answers them. */
function linkEnds(graph: Graph, body: unknown) {
  const { from, to } = linkBody(body);
  const doc = parseGraph(graph);
  const fromNode = doc.nodes.find((node) => node._id === from.nodeId);
  const toNode = doc.nodes.find((node) => node._id === to.nodeId);
  if (!fromNode || !toNode) throw nodeNotFound();
  const output = fromNode.outputs.find((candidate) => candidate.name === from.resource);
  const input = toNode.inputs.find((candidate) => candidate.name === to.resource);
  if (!output || !input) throw new AppError('DOCUMENT_NOT_FOUND', 'Input or output not found');
  const isLink = (value: { node_id: string; output_id: string }) =>
    value.node_id.toLowerCase() === fromNode._id && value.output_id === output.name;
  return { doc, fromNode, output, input, isLink };
}

/**
 * create_link: links an output to an input. 400 `Incompatible types` unless the input takes the output's
 * file type (or any, `file`); 400 `Number of inputs reached the limit` when a positive `max_count` is full;
 * 400 `Link already exists`.
 */
export function createLink(graph: Graph, body: unknown): GraphDoc {
  const { doc, fromNode, output, input, isLink } = linkEnds(graph, body);
  if (!input.file_types.includes(output.file_type) && !input.file_types.includes('file')) throw badRequest('Incompatible types');
  if (input.max_count > 0 && input.values.length >= input.max_count) throw badRequest('Number of inputs reached the limit');
  if (input.values.some(isLink)) throw badRequest('Link already exists');
  input.values.push({ node_id: fromNode._id, output_id: output.name, resource_id: '' });
  return doc;
}

/** remove_link: removes the first link from the output to the input. 404 `Link not found`. */
export function removeLink(graph: Graph, body: unknown): GraphDoc {
  const { doc, input, isLink } = linkEnds(graph, body);
  const index = input.values.findIndex(isLink);
  if (index < 0) throw new AppError('DOCUMENT_NOT_FOUND', 'Link not found');
  input.values.splice(index, 1);
  return doc;
}
