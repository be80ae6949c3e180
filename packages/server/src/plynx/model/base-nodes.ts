// The templates `GET /nodes/<base node name>` answers: a new, unsaved node of each kind with a fresh _id.
import type { NodeDoc, OutputDoc, ParameterDoc } from './document-types.ts';
import { newObjectId } from './object-id.ts';
import type { TypedParameterValue } from './parameters.ts';

export const BASE_NODE_NAMES = ['bash_jinja2', 'python', 'file', 'get_resource'] as const;
export type BaseNodeName = (typeof BASE_NODE_NAMES)[number];

export const isBaseNodeName = (name: string): name is BaseNodeName => BASE_NODE_NAMES.some((base) => base === name);

/** A node with PLynx's defaults; the templates below change only what differs. */
function defaultNode(overrides: Partial<NodeDoc>): NodeDoc {
  return {
    _id: newObjectId(),
    title: 'Title',
    description: 'Description',
    base_node_name: 'bash_jinja2',
    parent_node: null,
    successor_node: null,
    inputs: [],
    outputs: [],
    parameters: [],
    logs: [],
    node_running_status: 'CREATED',
    node_status: 'CREATED',
    cache_url: '',
    x: 0,
    y: 0,
    author: null,
    starred: false,
    ...overrides,
  };
}

const fileOutput = (name: string): OutputDoc => ({ name, file_type: 'file', resource_id: null });

/** A parameter the editor may neither retype nor remove, not exposed on graph nodes. */
function fixedParameter(typed: TypedParameterValue & { name: string }, publicable: boolean): ParameterDoc {
  const { name, ...value } = typed;
  return { name, ...value, mutable_type: false, removable: false, publicable, widget: null };
}

/** Operations run a script: `cmd` (the script; the editor mode is `sh` for python too, as in PLynx), whether
 *  results may be reused, and a timeout in minutes; the three logs every run writes. */
function operation(baseNodeName: 'bash_jinja2' | 'python'): NodeDoc {
  const parameters = [
    fixedParameter({ name: 'cmd', parameter_type: 'code', value: { value: 'set -e\n\n', mode: 'sh' } }, false),
    fixedParameter({ name: 'cacheable', parameter_type: 'bool', value: true }, false),
    fixedParameter({ name: '_timeout', parameter_type: 'int', value: 600 }, true),
  ];
  return defaultNode({
    title: '',
    description: '',
    base_node_name: baseNodeName,
    parameters,
    logs: [fileOutput('stderr'), fileOutput('stdout'), fileOutput('worker')],
  });
}

/**
 * A get_resource operation publishes an existing resource as its output `out`. PLynx's own template cannot
 * be built (it answers 500), so this one is ours: a `resource_id` str parameter (exposable, not removable)
 * naming the resource, and one output `out` of type `file`.
 */
function getResource(): NodeDoc {
  return defaultNode({
    title: '',
    description: '',
    base_node_name: 'get_resource',
    parameters: [
      fixedParameter({ name: 'resource_id', parameter_type: 'str', value: '' }, true),
    ],
    outputs: [fileOutput('out')],
  });
}

/** A file holds uploaded data: ready to use, static (never runs), one output `out`. */
function file(): NodeDoc {
  return defaultNode({
    title: 'File',
    description: 'Custom file',
    base_node_name: 'file',
    node_running_status: 'STATIC',
    node_status: 'READY',
    outputs: [fileOutput('out')],
  });
}

/** The template for a base node name with a fresh `_id`, or null for any other name. */
export function nodeTemplate(name: string): NodeDoc | null {
  if (!isBaseNodeName(name)) return null;
  switch (name) {
    case 'bash_jinja2':
    case 'python':
      return operation(name);
    case 'file':
      return file();
    case 'get_resource':
      return getResource();
  }
}
