// PLynx's validation rules, codes and order, for nodes and graphs.
import { describe, expect, it } from 'vitest';
import type { Node } from '../../../packages/server/src/plynx/model/types.ts';
import { validateGraph, validateNode } from '../../../packages/server/src/plynx/model/validation.ts';

const NODE_ID = '5d30000000000000000000b1';
const GRAPH_ID = '5d3000000000000000000001';
const input = (name: string, min_count: number, max_count: number, links = 0) => ({
  name,
  min_count,
  max_count,
  values: Array.from({ length: links }, () => ({ node_id: '5d30000000000000000000a1', output_id: 'out' })),
});
const issue = (target: string, object_id: string, validation_code: string) => ({ target, object_id, validation_code, children: [] });

describe('validateNode', () => {
  it('accepts a titled node with sound inputs', () => {
    expect(validateNode({ _id: NODE_ID, title: 'Sum', inputs: [input('a', 1, -1)] })).toBeNull();
  });

  it('reports each input rule with its code, in PLynx order, under the node', () => {
    const error = validateNode({ _id: NODE_ID, title: '', inputs: [input('neg', -1, 1), input('minmax', 3, 2), input('zero', 0, 0)] });
    expect(error).toEqual({
      target: 'NODE', object_id: NODE_ID, validation_code: 'IN_DEPENDENTS',
      children: [
        issue('PROPERTY', 'title', 'MISSING_PARAMETER'),
        issue('INPUT', 'neg', 'MINIMUM_COUNT_MUST_NOT_BE_NEGATIVE'),
        issue('INPUT', 'minmax', 'MINIMUM_COUNT_MUST_BE_GREATER_THAN_MAXIMUM'),
        issue('INPUT', 'zero', 'MAXIMUM_COUNT_MUST_NOT_BE_ZERO'),
      ],
    });
  });

  it('does not compare the minimum with an unlimited maximum', () => {
    expect(validateNode({ _id: NODE_ID, title: 'T', inputs: [input('any', 5, -1)] })).toBeNull();
  });

  it('checks links and deprecation only for nodes that are not drafts', () => {
    const draft: Node = { _id: NODE_ID, title: 'T', node_status: 'CREATED', inputs: [input('in', 2, -1, 1)] };
    expect(validateNode(draft)).toBeNull();
    expect(validateNode({ ...draft, node_status: 'READY' })?.children).toEqual([issue('INPUT', 'in', 'MISSING_INPUT')]);
    expect(validateNode({ ...draft, node_status: 'MANDATORY_DEPRECATED' })?.children).toEqual([
      issue('INPUT', 'in', 'MISSING_INPUT'),
      issue('NODE', NODE_ID, 'DEPRECATED_NODE'),
    ]);
    expect(validateNode({ ...draft, node_status: 'DEPRECATED', inputs: [input('in', 1, 1, 1)] })).toBeNull();
  });
});

describe('validateGraph', () => {
  it('accepts a titled, described graph of valid nodes', () => {
    expect(validateGraph({ _id: GRAPH_ID, title: 'G', description: 'D', nodes: [{ _id: NODE_ID, title: 'N' }] })).toBeNull();
  });

  it('reports empty title, description and graph, then each faulty node', () => {
    expect(validateGraph({ _id: GRAPH_ID, title: '', description: '', nodes: [] })).toEqual({
      target: 'GRAPH', object_id: GRAPH_ID, validation_code: 'IN_DEPENDENTS',
      children: [issue('PROPERTY', 'title', 'MISSING_PARAMETER'), issue('PROPERTY', 'description', 'MISSING_PARAMETER'), issue('PROPERTY', GRAPH_ID, 'EMPTY_GRAPH')],
    });
    const error = validateGraph({ _id: GRAPH_ID, nodes: [{ _id: NODE_ID, title: '', node_status: 'READY' }, { title: 'ok' }] });
    expect(error?.children).toEqual([
      { target: 'NODE', object_id: NODE_ID, validation_code: 'IN_DEPENDENTS', children: [issue('PROPERTY', 'title', 'MISSING_PARAMETER')] },
    ]);
  });
});
