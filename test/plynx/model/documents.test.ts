// Parsing graphs and nodes the way PLynx reads them: defaults, coercion, key order and 400s naming the field.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../packages/server/src/errors.ts';
import { graphToWire, nodeToWire, parseGraph, parseNode } from '../../../packages/server/src/plynx/model/documents.ts';

const ID = '5d30000000000000000000a1';
const NODE_KEYS = [
  '_id', 'title', 'description', 'base_node_name', 'parent_node', 'successor_node', 'inputs', 'outputs', 'parameters',
  'logs', 'node_running_status', 'node_status', 'cache_url', 'x', 'y', 'author', 'starred',
];

function invalidArgument(action: () => unknown, message: RegExp): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
    expect((error as AppError).message).toMatch(message);
    return;
  }
  throw new Error('expected an AppError');
}

describe('parseGraph', () => {
  it('fills every default of an empty graph, with a new ObjectId, in PLynx key order', () => {
    const graph = parseGraph({});
    expect(Object.keys(graph)).toEqual(['_id', 'title', 'description', 'graph_running_status', 'author', 'nodes']);
    expect(graph).toEqual({ _id: expect.stringMatching(/^[0-9a-f]{24}$/), title: 'Title', description: 'Description', graph_running_status: 'CREATED', author: null, nodes: [] });
  });

  it('treats null like a missing field and drops unknown and server-owned keys', () => {
    const graph = parseGraph({ _id: ID.toUpperCase(), title: null, extra: 1, _readonly: true, insertion_date: 'x', update_date: 'y' });
    expect(graph._id).toBe(ID);
    expect(graph.title).toBe('Title');
    expect(graph).not.toHaveProperty('extra');
    expect(graph).not.toHaveProperty('_readonly');
    expect(graph).not.toHaveProperty('insertion_date');
  });

  it('normalises nested nodes, inputs, values, outputs, logs and parameters with their key orders', () => {
    const graph = parseGraph({
      nodes: [{
        _id: ID,
        x: '12', y: 3.9, starred: 1,
        inputs: [{ name: 'in', values: [{ node_id: 'abc' }], min_count: '2' }],
        outputs: [{ name: 'out' }],
        logs: [{ name: 'stderr', file_type: 'file' }],
        parameters: [{ name: 'n', parameter_type: 'int', value: '5' }],
      }],
    });
    const [node] = graph.nodes;
    expect(Object.keys(node ?? {})).toEqual(NODE_KEYS);
    expect(node).toMatchObject({ x: 12, y: 3, starred: true, cache_url: '', parent_node: null, node_status: 'CREATED' });
    expect(node?.inputs).toEqual([{ name: 'in', file_types: [], values: [{ node_id: 'abc', output_id: '', resource_id: '' }], min_count: 2, max_count: 1 }]);
    expect(Object.keys(node?.inputs[0] ?? {})).toEqual(['name', 'file_types', 'values', 'min_count', 'max_count']);
    expect(node?.outputs).toEqual([{ name: 'out', file_type: '', resource_id: null }]);
    expect(node?.logs).toEqual([{ name: 'stderr', file_type: 'file', resource_id: null }]);
    expect(node?.parameters).toEqual([{ name: 'n', parameter_type: 'int', value: 5, mutable_type: true, removable: true, publicable: true, widget: null }]);
    expect(Object.keys(node?.parameters[0] ?? {})).toEqual(['name', 'parameter_type', 'value', 'mutable_type', 'removable', 'publicable', 'widget']);
  });

  it('gives every node without an _id its own new ObjectId', () => {
    const graph = parseGraph({ nodes: [{}, {}] });
    expect(graph.nodes[0]?._id).not.toBe(graph.nodes[1]?._id);
  });

  it('prints scalars in string fields as Python would', () => {
    expect(parseGraph({ title: 5, description: true }).title).toBe('5');
    expect(parseGraph({ title: 5, description: true }).description).toBe('True');
  });

  it.each([
    [[], /graph must be a JSON object/],
    [{ _id: 'nope' }, /`graph._id` must be a 24-digit hexadecimal ObjectId \(got "nope"\)/],
    [{ author: 12 }, /`graph.author` must be a 24-digit hexadecimal ObjectId/],
    [{ title: { a: 1 } }, /`graph.title` must be a string \(got an object\)/],
    [{ graph_running_status: 'DONE' }, /`graph.graph_running_status` must be one of CREATED, READY/],
    [{ nodes: {} }, /`graph.nodes` must be a list/],
    [{ nodes: [{ x: 'abc' }] }, /`graph.nodes\[0\].x` must be a whole number \(got "abc"\)/],
    [{ nodes: [{ starred: 'yes' }] }, /`graph.nodes\[0\].starred` must be true or false/],
    [{ nodes: [{ inputs: [{ file_types: 'csv' }] }] }, /`graph.nodes\[0\].inputs\[0\].file_types` must be a list/],
    [{ nodes: [{ parameters: [{ parameter_type: 'float' }] }] }, /`graph.nodes\[0\].parameters\[0\].parameter_type` must be one of str, int/],
    [{ nodes: [{ parameters: [{ parameter_type: 'int', value: 'x' }] }] }, /`graph.nodes\[0\].parameters\[0\].value` must be a whole number/],
    [{ nodes: [{ parameters: [{ widget: 'w' }] }] }, /`graph.nodes\[0\].parameters\[0\].widget` must be an object or null/],
  ])('When the graph is %j, then it is refused with a 400 naming the field', (raw, message) => {
    invalidArgument(() => parseGraph(raw), message);
  });
});

describe('parseNode', () => {
  it('fills PLynx node defaults in key order', () => {
    const node = parseNode({ _id: ID });
    expect(Object.keys(node)).toEqual(NODE_KEYS);
    expect(node).toEqual({
      _id: ID, title: 'Title', description: 'Description', base_node_name: 'bash_jinja2', parent_node: null, successor_node: null,
      inputs: [], outputs: [], parameters: [], logs: [], node_running_status: 'CREATED', node_status: 'CREATED', cache_url: '',
      x: 0, y: 0, author: null, starred: false,
    });
  });

  it('refuses a value that is not an object and a bad nested field', () => {
    invalidArgument(() => parseNode('node'), /node must be a JSON object/);
    invalidArgument(() => parseNode({ node_status: 'GONE' }), /`node.node_status` must be one of CREATED, READY, DEPRECATED, MANDATORY_DEPRECATED/);
    invalidArgument(() => parseNode({ inputs: [{ min_count: 1.5e300 }] }), /`node.inputs\[0\].min_count` must be a whole number/);
  });
});

describe('graphToWire and nodeToWire', () => {
  it('put the server fields after the model fields, in order, only when given', () => {
    const graph = parseGraph({ _id: ID });
    const wire = graphToWire({ ...graph, _readonly: false }, { update_date: new Date('2019-11-07T21:04:42.123Z'), _readonly: true, insertion_date: '2019-01-01 00:00:00.000000' });
    expect(Object.keys(wire)).toEqual(['_id', 'title', 'description', 'graph_running_status', 'author', 'nodes', '_readonly', 'insertion_date', 'update_date']);
    expect(wire).toMatchObject({ _readonly: true, update_date: '2019-11-07 21:04:42.123000' });
    expect(Object.keys(nodeToWire(parseNode({}), { _user: [] }))).toEqual([...NODE_KEYS, '_user']);
    expect(Object.keys(nodeToWire(parseNode({})))).toEqual(NODE_KEYS);
  });
});
