// UPGRADE_NODES: graph nodes follow their library node's successor chain and keep what the user set.
import { describe, expect, it } from 'vitest';
import type { Graph, Node } from '../../../packages/server/src/plynx/model/types.ts';
import { upgradeNodes } from '../../../packages/server/src/plynx/model/upgrade.ts';

const id = (n: number) => `5d2d4b1dc36682386f5590${String(n).padStart(2, '0')}`;
const link = { node_id: '5d30000000000000000000a1', output_id: 'out', resource_id: '' };

const library: Record<string, Node> = {
  [id(1)]: { _id: id(1), title: 'v1', node_status: 'DEPRECATED', successor_node: id(2) },
  [id(2)]: { _id: id(2), title: 'v2', node_status: 'MANDATORY_DEPRECATED', successor_node: id(3) },
  [id(3)]: {
    _id: id(3),
    title: 'v3',
    description: 'library description',
    node_status: 'READY',
    inputs: [
      { name: 'in', file_types: ['csv', 'json'], max_count: -1 },
      { name: 'narrow', file_types: ['csv'], max_count: 1 },
      { name: 'typed', file_types: ['json'], max_count: -1 },
    ],
    parameters: [
      { name: 'p', parameter_type: 'int', value: 1, widget: { alias: 'P' } },
      { name: 'hidden', parameter_type: 'str', value: 'template' },
      { name: 'retyped', parameter_type: 'str', value: 'template', widget: { alias: 'R' } },
    ],
  },
  [id(4)]: { _id: id(4), title: 'current', node_status: 'READY' },
  [id(5)]: { _id: id(5), node_status: 'DEPRECATED', successor_node: id(6) },
  [id(6)]: { _id: id(6), node_status: 'DEPRECATED', successor_node: id(5) },
  [id(7)]: { _id: id(7), node_status: 'DEPRECATED', successor_node: id(99) },
};

const loaded: string[] = [];
const loadNode = async (nodeId: string) => {
  loaded.push(nodeId);
  return library[nodeId] ?? null;
};

const oldNode: Node = {
  _id: '5d30000000000000000000b1',
  title: 'v1',
  description: 'my description',
  parent_node: id(1),
  x: 10,
  y: 20,
  inputs: [
    { name: 'in', file_types: ['csv'], max_count: 3, values: [link] },
    { name: 'narrow', file_types: ['csv'], max_count: 2, values: [link, link] },
    { name: 'typed', file_types: ['csv'], max_count: 1, values: [link] },
  ],
  parameters: [
    { name: 'p', parameter_type: 'int', value: 7, widget: { alias: 'P' } },
    { name: 'hidden', parameter_type: 'str', value: 'mine' },
    { name: 'retyped', parameter_type: 'int', value: 3, widget: { alias: 'R' } },
  ],
};

const graph: Graph = {
  _id: '5d3000000000000000000001',
  nodes: [
    oldNode,
    { _id: '5d30000000000000000000b2', parent_node: id(1) },
    { _id: '5d30000000000000000000c1', parent_node: id(4), title: 'untouched' },
    { _id: '5d30000000000000000000d1', parent_node: id(98), title: 'orphan' },
    { _id: '5d30000000000000000000e1', parent_node: id(5) },
    { _id: '5d30000000000000000000f1', parent_node: id(7), title: 'broken chain' },
  ],
};

describe('upgradeNodes', () => {
  it('replaces nodes along the successor chain up to a READY node and counts them', async () => {
    loaded.length = 0;
    const { graph: upgraded, count } = await upgradeNodes(graph, loadNode);
    expect(count).toBe(3);
    expect(upgraded.nodes.map((node) => node.parent_node)).toEqual([id(3), id(3), id(4), id(98), id(6), id(7)]);
    expect(upgraded.nodes.map((node) => node._id)).toEqual(graph.nodes?.map((node) => node._id));
    // Each library node is looked up once however many graph nodes use it.
    expect(loaded.filter((nodeId) => nodeId === id(1))).toHaveLength(1);
  });

  it('keeps the graph node id, description, position, fitting links and exposed values of the same type', async () => {
    const { graph: upgraded } = await upgradeNodes(graph, loadNode);
    const node = upgraded.nodes[0];
    expect(node).toMatchObject({ _id: oldNode._id, title: 'v3', description: 'my description', x: 10, y: 20, node_status: 'READY' });
    expect(node?.inputs.map((input) => [input.name, input.values.length])).toEqual([['in', 1], ['narrow', 0], ['typed', 0]]);
    expect(node?.parameters.map((parameter) => [parameter.name, parameter.value])).toEqual([['p', 7], ['hidden', 'template'], ['retyped', 'template']]);
  });

  it('leaves nodes alone when their library node is current or missing', async () => {
    const { graph: upgraded } = await upgradeNodes(graph, loadNode);
    expect(upgraded.nodes[2]).toMatchObject({ title: 'untouched', parent_node: id(4) });
    expect(upgraded.nodes[3]).toMatchObject({ title: 'orphan', parent_node: id(98) });
    expect(upgraded.nodes[5]).toMatchObject({ title: 'broken chain', parent_node: id(7) });
  });
});
