// The node cache key: equal for nodes that would produce the same outputs, different otherwise.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { NodeDoc } from '../../packages/server/src/plynx/model/document-types.ts';
import { nodeCacheKey, stableJson } from '../../packages/server/src/plynx/runs/cache-key.ts';

type KeyedNode = Pick<NodeDoc, 'parent_node' | 'inputs' | 'parameters'>;

const param = (name: string, value: string | number | boolean | { value: string; mode: string }): NodeDoc['parameters'][number] => {
  const base = { mutable_type: true, removable: true, publicable: true, widget: null };
  if (typeof value === 'object') return { ...base, name, parameter_type: 'code', value };
  if (typeof value === 'boolean') return { ...base, name, parameter_type: 'bool', value };
  if (typeof value === 'number') return { ...base, name, parameter_type: 'int', value };
  return { ...base, name, parameter_type: 'str', value };
};

const input = (name: string, ids: string[]): NodeDoc['inputs'][number] =>
  ({ name, file_types: ['file'], min_count: 1, max_count: -1, values: ids.map((id, i) => ({ node_id: `n${i}`, output_id: 'out', resource_id: id })) });

const node: KeyedNode = {
  parent_node: '65f2c0de9a1b4c0012ab3001',
  inputs: [input('lines', ['r2', 'r1']), input('config', ['c1'])],
  parameters: [param('pattern', 'x'), param('cmd', { value: 'grep', mode: 'sh' }), param('_timeout', 5), param('cacheable', true)],
};

describe('nodeCacheKey', () => {
  it('is upstream\'s sha256 of parent;sorted inputs with sorted ids;sorted parameters without cmd and _timeout', () => {
    const text = '65f2c0de9a1b4c0012ab3001;config:c1,lines:r1,r2;cacheable:true,pattern:"x"';
    expect(nodeCacheKey(node)).toBe(crypto.createHash('sha256').update(text).digest('hex'));
    expect(nodeCacheKey(node)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on the order of inputs, resource ids or parameters, nor on cmd and _timeout', () => {
    const shuffled: KeyedNode = {
      ...node,
      inputs: [input('config', ['c1']), input('lines', ['r1', 'r2'])],
      parameters: [param('cacheable', true), param('_timeout', 600), param('cmd', { value: 'other', mode: 'sh' }), param('pattern', 'x')],
    };
    expect(nodeCacheKey(shuffled)).toBe(nodeCacheKey(node));
  });

  it('changes with the parent operation, an input resource or a parameter value', () => {
    const key = nodeCacheKey(node);
    expect(nodeCacheKey({ ...node, parent_node: '65f2c0de9a1b4c0012ab3002' })).not.toBe(key);
    expect(nodeCacheKey({ ...node, inputs: [input('lines', ['r1', 'r3']), input('config', ['c1'])] })).not.toBe(key);
    expect(nodeCacheKey({ ...node, parameters: [param('pattern', 'y'), param('cacheable', true)] })).not.toBe(key);
  });

  it('writes values as JSON with sorted keys', () => {
    expect(stableJson({ mode: 'sh', value: 'a' })).toBe(stableJson({ value: 'a', mode: 'sh' }));
    expect(stableJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  });
});
