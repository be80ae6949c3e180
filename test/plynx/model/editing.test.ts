// The graph-node sub-API as pure operations: each change, and each error with PLynx's message and an honest code.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../packages/server/src/errors.ts';
import {
  changeParameter,
  createLink,
  editBody,
  insertNode,
  insertNodeBody,
  removeLink,
  removeNode,
} from '../../../packages/server/src/plynx/model/editing.ts';
import type { Graph } from '../../../packages/server/src/plynx/model/types.ts';

const FILE = '5d30000000000000000000a1';
const GREP = '5d30000000000000000000b1';
const SUM = '5d30000000000000000000c1';
const LIBRARY = '5d2d4b1dc36682386f559e02';

const graph: Graph = {
  _id: '5d3000000000000000000001',
  nodes: [
    { _id: FILE, base_node_name: 'file', outputs: [{ name: 'out', file_type: 'csv' }, { name: 'pdf', file_type: 'pdf' }] },
    {
      _id: GREP,
      inputs: [{ name: 'input', file_types: ['csv'], max_count: 2, values: [{ node_id: FILE, output_id: 'out' }] }],
      outputs: [{ name: 'output', file_type: 'csv' }],
      parameters: [
        { name: 'template', parameter_type: 'str', value: '^1', widget: { alias: 'T' } },
        { name: 'count', parameter_type: 'int', value: 1 },
      ],
    },
    { _id: SUM, outputs: [{ name: 'total', file_type: 'csv' }], inputs: [{ name: 'any', file_types: ['file'], max_count: -1 }, { name: 'one', file_types: ['csv'], max_count: 1, values: [{ node_id: GREP, output_id: 'output' }] }] },
  ],
};

function fails(action: () => unknown, code: string, message: string | RegExp): void {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code });
    expect((error as AppError).message).toMatch(message);
    return;
  }
  throw new Error('expected an AppError');
}

const link = (from: string, output: string, to: string, input: string) => ({ from: { node_id: from, resource: output }, to: { node_id: to, resource: input } });

describe('editBody and insertNodeBody', () => {
  it('require a body, and an object', () => {
    fails(() => editBody(undefined), 'INVALID_ARGUMENT', 'Empty body');
    fails(() => editBody([1]), 'INVALID_ARGUMENT', 'The body must be a JSON object');
    expect(editBody({})).toEqual({});
  });

  it('read node_id and a position defaulting to 0', () => {
    expect(insertNodeBody({ node_id: LIBRARY.toUpperCase(), x: '30' })).toEqual({ nodeId: LIBRARY, x: 30, y: 0 });
    fails(() => insertNodeBody({ x: 1 }), 'INVALID_ARGUMENT', '`node_id` is missing');
    fails(() => insertNodeBody({ node_id: 'bash_jinja2' }), 'INVALID_ARGUMENT', /`node_id` must be a 24-digit hexadecimal ObjectId/);
    fails(() => insertNodeBody({ node_id: LIBRARY, y: 'top' }), 'INVALID_ARGUMENT', /`y` must be a whole number/);
  });
});

describe('insertNode', () => {
  it('appends a copy of the library node with a new _id, its parent and position', () => {
    const { graph: changed, node } = insertNode(graph, { _id: LIBRARY, title: 'Grep', node_status: 'READY' }, 282, '80');
    expect(node).toMatchObject({ title: 'Grep', parent_node: LIBRARY, x: 282, y: 80, node_status: 'READY' });
    expect(node._id).not.toBe(LIBRARY);
    expect(changed.nodes.at(-1)).toEqual(node);
    expect(changed.nodes).toHaveLength(4);
    expect(graph.nodes).toHaveLength(3);
  });
});

describe('removeNode', () => {
  it('removes the node and every link reading from it', () => {
    const changed = removeNode(graph, FILE);
    expect(changed.nodes.map((node) => node._id)).toEqual([GREP, SUM]);
    expect(changed.nodes[0]?.inputs[0]?.values).toEqual([]);
  });

  it('answers 404 for an unknown node and 400 for a bad id', () => {
    fails(() => removeNode(graph, '5d30000000000000000000ff'), 'DOCUMENT_NOT_FOUND', 'Node was not found');
    fails(() => removeNode(graph, 'nope'), 'INVALID_ARGUMENT', /`node_id` must be a 24-digit hexadecimal ObjectId/);
  });
});

describe('changeParameter', () => {
  it('sets the named parameter, re-typed to its parameter type', () => {
    const changed = changeParameter(graph, GREP, 'count', '12');
    expect(changed.nodes[1]?.parameters.map((parameter) => parameter.value)).toEqual(['^1', 12]);
    expect(Object.keys(changed.nodes[1]?.parameters[1] ?? {})).toEqual(['name', 'parameter_type', 'value', 'mutable_type', 'removable', 'publicable', 'widget']);
  });

  it('does nothing for an unknown parameter name', () => {
    expect(changeParameter(graph, GREP, 'nope', 'x').nodes[1]?.parameters).toEqual(changeParameter(graph, GREP, 'nope', 'y').nodes[1]?.parameters);
  });

  it('checks name and value before the node, and refuses a value of the wrong type', () => {
    fails(() => changeParameter(graph, 'bad', null, 1), 'INVALID_ARGUMENT', 'No parameter name');
    fails(() => changeParameter(graph, 'bad', 'count', null), 'INVALID_ARGUMENT', 'No parameter value');
    fails(() => changeParameter(graph, SUM.replace('c1', 'ff'), 'count', 1), 'DOCUMENT_NOT_FOUND', 'Node was not found');
    fails(() => changeParameter(graph, GREP, 'count', 'many'), 'INVALID_ARGUMENT', /`parameter_value` must be a whole number/);
  });
});

describe('createLink', () => {
  it('links an output to an input that takes its type, or any type', () => {
    expect(createLink(graph, link(SUM, 'total', GREP, 'input')).nodes[1]?.inputs[0]?.values).toEqual([
      { node_id: FILE, output_id: 'out', resource_id: '' },
      { node_id: SUM, output_id: 'total', resource_id: '' },
    ]);
    const changed = createLink(graph, link(FILE, 'pdf', SUM, 'any'));
    expect(changed.nodes[2]?.inputs[0]?.values).toEqual([{ node_id: FILE, output_id: 'pdf', resource_id: '' }]);
  });

  it.each([
    [{}, 'INVALID_ARGUMENT', '`from` is missing'],
    [{ from: { node_id: FILE } }, 'INVALID_ARGUMENT', '`from.resource` is missing'],
    [{ from: { resource: 'out' } }, 'INVALID_ARGUMENT', '`from.node_id` is missing'],
    [{ from: { node_id: FILE, resource: 'out' } }, 'INVALID_ARGUMENT', '`to` is missing'],
    [{ from: 'x', to: {} }, 'INVALID_ARGUMENT', '`from` must be an object'],
    [link('zz', 'out', GREP, 'input'), 'INVALID_ARGUMENT', /`from.node_id` must be a 24-digit hexadecimal ObjectId/],
    [link(GREP, 'output', GREP, 'input'), 'INVALID_ARGUMENT', 'A link cannot join a node to itself'],
    [link('5d30000000000000000000ff', 'out', GREP, 'input'), 'DOCUMENT_NOT_FOUND', 'Node was not found'],
    [link(FILE, 'nope', GREP, 'input'), 'DOCUMENT_NOT_FOUND', 'Input or output not found'],
    [link(FILE, 'out', GREP, 'nope'), 'DOCUMENT_NOT_FOUND', 'Input or output not found'],
    [link(FILE, 'pdf', GREP, 'input'), 'INVALID_ARGUMENT', 'Incompatible types'],
    [link(FILE, 'out', GREP, 'input'), 'INVALID_ARGUMENT', 'Link already exists'],
    [link(FILE, 'out', SUM, 'one'), 'INVALID_ARGUMENT', 'Number of inputs reached the limit'],
  ])('When the body is %j, then it fails with %s: %s', (body, code, message) => {
    fails(() => createLink(graph, body), code, message);
  });

  it('refuses a missing body', () => {
    fails(() => createLink(graph, undefined), 'INVALID_ARGUMENT', 'Empty body');
  });
});

describe('removeLink', () => {
  it('removes the link and answers 404 when there is none', () => {
    expect(removeLink(graph, link(FILE.toUpperCase(), 'out', GREP, 'input')).nodes[1]?.inputs[0]?.values).toEqual([]);
    fails(() => removeLink(graph, link(FILE, 'out', SUM, 'any')), 'DOCUMENT_NOT_FOUND', 'Link not found');
  });
});
