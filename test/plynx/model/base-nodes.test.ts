// The templates of the base node kinds, each with a fresh _id.
import { describe, expect, it } from 'vitest';
import { BASE_NODE_NAMES, nodeTemplate } from '../../../packages/server/src/plynx/model/base-nodes.ts';
import { parseNode } from '../../../packages/server/src/plynx/model/documents.ts';

const logs = ['stderr', 'stdout', 'worker'].map((name) => ({ name, file_type: 'file', resource_id: null }));

describe('nodeTemplate', () => {
  it('knows the four base node names and nothing else', () => {
    expect(BASE_NODE_NAMES).toEqual(['bash_jinja2', 'python', 'file', 'get_resource']);
    expect(nodeTemplate('bash')).toBeNull();
    expect(nodeTemplate('5d30000000000000000000a1')).toBeNull();
  });

  it.each(['bash_jinja2', 'python'])('%s is an untitled draft with cmd, cacheable, _timeout and three logs', (name) => {
    const node = nodeTemplate(name);
    expect(node).toMatchObject({ title: '', description: '', base_node_name: name, node_status: 'CREATED', node_running_status: 'CREATED', inputs: [], outputs: [], logs });
    expect(node?.parameters).toEqual([
      { name: 'cmd', parameter_type: 'code', value: { value: 'set -e\n\n', mode: 'sh' }, mutable_type: false, removable: false, publicable: false, widget: null },
      { name: 'cacheable', parameter_type: 'bool', value: true, mutable_type: false, removable: false, publicable: false, widget: null },
      { name: '_timeout', parameter_type: 'int', value: 600, mutable_type: false, removable: false, publicable: true, widget: null },
    ]);
  });

  it('file is a ready, static File with one output `out`', () => {
    expect(nodeTemplate('file')).toMatchObject({
      title: 'File', description: 'Custom file', base_node_name: 'file', node_status: 'READY', node_running_status: 'STATIC',
      parameters: [], logs: [], outputs: [{ name: 'out', file_type: 'file', resource_id: null }],
    });
  });

  it('get_resource takes a resource_id and publishes it as `out`', () => {
    expect(nodeTemplate('get_resource')).toMatchObject({
      base_node_name: 'get_resource', node_status: 'CREATED',
      parameters: [{ name: 'resource_id', parameter_type: 'str', value: '', mutable_type: false, removable: false, publicable: true, widget: null }],
      outputs: [{ name: 'out', file_type: 'file', resource_id: null }],
    });
  });

  it('gives each template a new _id and already has the parsed shape and key order', () => {
    for (const name of BASE_NODE_NAMES) {
      const first = nodeTemplate(name);
      expect(first?._id).not.toBe(nodeTemplate(name)?._id);
      expect(JSON.stringify(parseNode(first))).toBe(JSON.stringify(first));
    }
  });
});
