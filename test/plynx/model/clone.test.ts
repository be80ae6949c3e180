// CLONE: a fresh draft copy owned by the caller, with earlier results forgotten.
import { describe, expect, it } from 'vitest';
import { cloneGraph } from '../../../packages/server/src/plynx/model/clone.ts';
import type { Graph } from '../../../packages/server/src/plynx/model/types.ts';

const graph: Graph = {
  _id: '5d3000000000000000000001',
  title: 'Run',
  graph_running_status: 'SUCCESS',
  author: '5d0686aa52691468eaef391c',
  nodes: [
    { _id: '5d30000000000000000000a1', base_node_name: 'file', node_running_status: 'STATIC', outputs: [{ name: 'out', file_type: 'csv', resource_id: 'data' }] },
    {
      _id: '5d30000000000000000000b1',
      node_running_status: 'SUCCESS',
      inputs: [{ name: 'in', values: [{ node_id: '5d30000000000000000000a1', output_id: 'out', resource_id: 'data' }] }],
      outputs: [{ name: 'result', file_type: 'csv', resource_id: 'r1' }],
      logs: [{ name: 'stdout', file_type: 'file', resource_id: 'log1' }],
      cache_url: 'http://x',
    },
  ],
};

describe('cloneGraph', () => {
  it('makes a CREATED copy with a new _id owned by the caller, keeping node ids', () => {
    const clone = cloneGraph(graph, { id: '65f2c0de9a1b4c0012ab0001' });
    expect(clone._id).not.toBe(graph._id);
    expect(clone).toMatchObject({ title: 'Run', graph_running_status: 'CREATED', author: '65f2c0de9a1b4c0012ab0001' });
    expect(clone.nodes.map((node) => node._id)).toEqual(['5d30000000000000000000a1', '5d30000000000000000000b1']);
  });

  it('resets run results but keeps static files and their data', () => {
    const [file, operation] = cloneGraph(graph, { id: '65f2c0de9a1b4c0012ab0001' }).nodes;
    expect(file).toMatchObject({ node_running_status: 'STATIC', outputs: [{ resource_id: 'data' }] });
    expect(operation).toMatchObject({
      node_running_status: 'CREATED',
      outputs: [{ name: 'result', resource_id: null }],
      logs: [{ name: 'stdout', resource_id: null }],
      inputs: [{ values: [{ node_id: '5d30000000000000000000a1', output_id: 'out', resource_id: null }] }],
    });
  });

  it('leaves the original untouched', () => {
    cloneGraph(graph, { id: '65f2c0de9a1b4c0012ab0001' });
    expect(graph.nodes?.[1]?.outputs?.[0]?.resource_id).toBe('r1');
  });
});
