// Library nodes as GET /nodes/{id} answers them, for the unit tests: a file, an operation with every
// parameter type, and a sum with a list input.
import type { PlynxNode } from '@pipeloom/sdk/plynx';

export const IDS = { file: '5d2d4b1dc36682386f559e01', grep: '5d2d4b1dc36682386f559e02', sum: '5d2d4b1dc36682386f559e03' };

const logs = ['stderr', 'stdout', 'worker'].map((name) => ({ name, file_type: 'file', resource_id: null }));
const cmd = (value: string) => ({ name: 'cmd', parameter_type: 'code' as const, value: { mode: 'sh', value }, mutable_type: false, removable: false, publicable: false, widget: null });

export const LIBRARY: Record<string, PlynxNode> = {
  [IDS.file]: {
    _id: IDS.file, title: 'seq 100', description: 'numbers', base_node_name: 'file', parent_node: null, successor_node: null,
    inputs: [], outputs: [{ name: 'out', file_type: 'file', resource_id: 'r-seq' }], parameters: [], logs: [],
    node_running_status: 'STATIC', node_status: 'READY', cache_url: '', x: 0, y: 0, author: 'a0', starred: false,
  },
  [IDS.grep]: {
    _id: IDS.grep, title: 'Grep', description: 'Keeps matching lines', base_node_name: 'bash_jinja2', parent_node: null, successor_node: null,
    inputs: [{ name: 'input', file_types: ['file'], values: [], min_count: 1, max_count: 1 }],
    outputs: [{ name: 'output', file_type: 'file', resource_id: null }],
    parameters: [
      cmd("grep \"{{ param['template'] }}\" {{ input['input'] }} > {{ output['output'] }}\n"),
      { name: 'template', parameter_type: 'str', value: '', mutable_type: true, removable: true, publicable: true, widget: { alias: 'template' } },
      { name: 'mode', parameter_type: 'enum', value: { values: ['fast', 'exact'], index: 0 }, mutable_type: true, removable: true, publicable: true, widget: { alias: 'mode' } },
      { name: 'script', parameter_type: 'code', value: { value: 'cat', mode: 'sh' }, mutable_type: true, removable: true, publicable: true, widget: { alias: 'script' } },
      { name: 'max-count', parameter_type: 'int', value: 10, mutable_type: true, removable: true, publicable: true, widget: { alias: 'max' } },
      { name: 'invert.match', parameter_type: 'bool', value: false, mutable_type: true, removable: true, publicable: true, widget: { alias: 'invert' } },
      { name: 'columns', parameter_type: 'list_str', value: [], mutable_type: true, removable: true, publicable: true, widget: { alias: 'columns' } },
      { name: 'cacheable', parameter_type: 'bool', value: true, mutable_type: false, removable: false, publicable: false, widget: null },
    ],
    logs, node_running_status: 'CREATED', node_status: 'READY', cache_url: '', x: 5, y: 7, author: 'a0', starred: false,
  },
  [IDS.sum]: {
    _id: IDS.sum, title: 'Sum', description: 'Adds numbers', base_node_name: 'bash_jinja2', parent_node: null, successor_node: null,
    inputs: [{ name: 'input', file_types: ['file'], values: [], min_count: 1, max_count: -1 }],
    outputs: [{ name: 'output', file_type: 'file', resource_id: null }],
    parameters: [cmd("cat {{ input['input'] | join(' ') }} | paste -sd+ | bc > {{ output['output'] }}\n")],
    logs, node_running_status: 'CREATED', node_status: 'READY', cache_url: '', x: 0, y: 0, author: 'a0', starred: false,
  },
};
