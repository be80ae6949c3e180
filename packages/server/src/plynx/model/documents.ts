// Reading a graph or node the way PLynx's from_dict does: defaults for every missing or null field, the
// same coercions, unknown keys dropped, and keys in the order PLynx writes them (its answers are compared
// byte for byte by some clients). `insertion_date`/`update_date` are left to the storage layer.
import { AppError } from '../../errors.ts';
import {
  isPlainObject,
  toBool,
  toEnum,
  toInt,
  toList,
  toObject,
  toObjectIdOrNull,
  toStr,
  toStrElement,
  toStrOrNull,
} from './coerce.ts';
import { formatPlynxDate } from './dates.ts';
import {
  GRAPH_RUNNING_STATUSES,
  NODE_RUNNING_STATUSES,
  NODE_STATUSES,
  type GraphDoc,
  type InputDoc,
  type InputValueDoc,
  type NodeDoc,
  type OutputDoc,
} from './document-types.ts';
import { newObjectId } from './object-id.ts';
import { parseParameter } from './parameters.ts';
import type { Graph, Node, UserSummary } from './types.ts';

function parseInputValue(raw: unknown, field: string): InputValueDoc {
  const doc = toObject(raw, field);
  return {
    node_id: toStr(doc.node_id, `${field}.node_id`, ''),
    output_id: toStr(doc.output_id, `${field}.output_id`, ''),
    resource_id: toStr(doc.resource_id, `${field}.resource_id`, ''),
  };
}

/** An input with defaults `{name:'', file_types:[], values:[], min_count:1, max_count:1}`. */
export function parseInput(raw: unknown, field = 'input'): InputDoc {
  const doc = toObject(raw, field);
  return {
    name: toStr(doc.name, `${field}.name`, ''),
    file_types: toList(doc.file_types, `${field}.file_types`, toStrElement),
    values: toList(doc.values, `${field}.values`, parseInputValue),
    min_count: toInt(doc.min_count, `${field}.min_count`, 1),
    max_count: toInt(doc.max_count, `${field}.max_count`, 1),
  };
}

/** An output or log with defaults `{name:'', file_type:'', resource_id:null}`. */
export function parseOutput(raw: unknown, field = 'output'): OutputDoc {
  const doc = toObject(raw, field);
  return {
    name: toStr(doc.name, `${field}.name`, ''),
    file_type: toStr(doc.file_type, `${field}.file_type`, ''),
    resource_id: toStrOrNull(doc.resource_id, `${field}.resource_id`),
  };
}

function requireObject(raw: unknown, what: string): Record<string, unknown> {
  if (!isPlainObject(raw)) throw new AppError('INVALID_ARGUMENT', `The ${what} must be a JSON object`);
  return raw;
}

function nodeFields(doc: Record<string, unknown>, field: string): NodeDoc {
  const at = (name: string) => `${field}.${name}`;
  return {
    _id: toObjectIdOrNull(doc._id, at('_id')) ?? newObjectId(),
    title: toStr(doc.title, at('title'), 'Title'),
    description: toStr(doc.description, at('description'), 'Description'),
    base_node_name: toStr(doc.base_node_name, at('base_node_name'), 'bash_jinja2'),
    parent_node: toObjectIdOrNull(doc.parent_node, at('parent_node')),
    successor_node: toObjectIdOrNull(doc.successor_node, at('successor_node')),
    inputs: toList(doc.inputs, at('inputs'), parseInput),
    outputs: toList(doc.outputs, at('outputs'), parseOutput),
    parameters: toList(doc.parameters, at('parameters'), parseParameter),
    logs: toList(doc.logs, at('logs'), parseOutput),
    node_running_status: toEnum(doc.node_running_status, at('node_running_status'), NODE_RUNNING_STATUSES, 'CREATED'),
    node_status: toEnum(doc.node_status, at('node_status'), NODE_STATUSES, 'CREATED'),
    cache_url: toStr(doc.cache_url, at('cache_url'), ''),
    x: toInt(doc.x, at('x'), 0),
    y: toInt(doc.y, at('y'), 0),
    author: toObjectIdOrNull(doc.author, at('author')),
    starred: toBool(doc.starred, at('starred'), false),
  };
}

/**
 * PLynx's `Node.from_dict`: a node with every field present, defaults filled in (a missing `_id` gets a
 * new ObjectId), values coerced, unknown keys dropped and keys in PLynx's order. Nested inputs, outputs,
 * logs and parameters are normalised the same way. Bad input throws AppError INVALID_ARGUMENT naming
 * the field, e.g. `` `node.inputs[0].min_count` must be a whole number (got "abc") ``.
 */
export function parseNode(raw: unknown): NodeDoc {
  return nodeFields(requireObject(raw, 'node'), 'node');
}

/** PLynx's `Graph.from_dict`, with the same rules as {@link parseNode} for the graph and its nodes. */
export function parseGraph(raw: unknown): GraphDoc {
  const doc = requireObject(raw, 'graph');
  return {
    _id: toObjectIdOrNull(doc._id, 'graph._id') ?? newObjectId(),
    title: toStr(doc.title, 'graph.title', 'Title'),
    description: toStr(doc.description, 'graph.description', 'Description'),
    graph_running_status: toEnum(doc.graph_running_status, 'graph.graph_running_status', GRAPH_RUNNING_STATUSES, 'CREATED'),
    author: toObjectIdOrNull(doc.author, 'graph.author'),
    nodes: toList(doc.nodes, 'graph.nodes', (node, field) => nodeFields(toObject(node, field), field)),
  };
}

/** What the server adds to a document it answers; each is written only when given. */
export interface WireExtras {
  _readonly?: boolean;
  _user?: UserSummary[];
  insertion_date?: Date | string;
  update_date?: Date | string;
}

type ServerFields = Pick<Graph, '_readonly' | '_user' | 'insertion_date' | 'update_date'>;

/** The given extras in PLynx's order, leaving out those not given. */
function serverFields(extras: WireExtras): ServerFields {
  const fields: ServerFields = {};
  if (extras._readonly !== undefined) fields._readonly = extras._readonly;
  if (extras._user !== undefined) fields._user = extras._user;
  const date = (value: Date | string) => (typeof value === 'string' ? value : formatPlynxDate(value));
  if (extras.insertion_date !== undefined) fields.insertion_date = date(extras.insertion_date);
  if (extras.update_date !== undefined) fields.update_date = date(extras.update_date);
  return fields;
}

// Server fields the document already carries are dropped first so they always come last, in order.

/** A graph as answered: its fields, then `_readonly`, `_user`, `insertion_date`, `update_date` if given. */
export function graphToWire(graph: Graph, extras: WireExtras = {}): Graph {
  const { _readonly, _user, insertion_date, update_date, ...fields } = graph;
  return { ...fields, ...serverFields(extras) };
}

/** A node as answered: its fields, then `_readonly`, `_user`, `insertion_date`, `update_date` if given. */
export function nodeToWire(node: Node, extras: WireExtras = {}): Node {
  const { _readonly, _user, insertion_date, update_date, ...fields } = node;
  return { ...fields, ...serverFields(extras) };
}
