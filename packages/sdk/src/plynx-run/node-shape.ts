// A node's inputs, outputs, logs and parameter values with PLynx's defaults filled in. Nodes reach the
// renderer from a server that has already parsed them and from clients that may leave fields out; both
// must render the same way, so missing fields take the defaults PLynx's from_dict gives them.
import type { PlynxNode, PlynxParameter } from '../plynx-graph/types.js';
import { TemplateError } from './errors.js';

/** The values a script sees: what PLynx's parameters and paths hold, printed as Python would. */
export type PyValue = string | number | boolean | null | readonly PyValue[];

export interface NodeInput {
  name: string;
  fileTypes: string[];
  /** The resource ids linked into this input, in order ('' when not filled in yet). */
  resourceIds: string[];
  minCount: number;
  maxCount: number;
}

export interface NodeOutput {
  name: string;
  fileType: string;
}

/** The parts of a node that decide its script and work files. */
export interface NodeShape {
  kind: string;
  inputs: NodeInput[];
  outputs: NodeOutput[];
  logs: string[];
  parameters: Map<string, PyValue>;
}

/** PLynx clamps an enum index into range; a missing or unreadable index picks the first entry. */
function enumChoice(values: readonly unknown[], index: unknown): string {
  const parsed = typeof index === 'number' ? index : typeof index === 'string' ? Number.parseInt(index, 10) : Number.NaN;
  const clamped = Math.max(0, Math.min(values.length - 1, Number.isNaN(parsed) ? 0 : parsed));
  const choice = values[clamped];
  return typeof choice === 'string' ? choice : choice === undefined || choice === null ? '' : String(choice);
}

function isPyValue(value: unknown): value is PyValue {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return true;
  return Array.isArray(value) && value.every(isPyValue);
}

/** The value a script sees: the chosen enum entry, a code parameter's text, else the value itself. */
export function parameterValue(parameter: PlynxParameter): PyValue {
  const value: unknown = parameter.value;
  switch (parameter.parameter_type) {
    case 'enum': {
      const doc = typeof value === 'object' && value !== null ? (value as { values?: unknown; index?: unknown }) : {};
      return enumChoice(Array.isArray(doc.values) ? doc.values : [], doc.index);
    }
    case 'code': {
      const text = typeof value === 'object' && value !== null ? (value as { value?: unknown }).value : undefined;
      return typeof text === 'string' ? text : '';
    }
    default:
      return isPyValue(value) ? value : null;
  }
}

/** The shape of `node`, with PLynx's defaults for whatever is missing. */
export function nodeShape(node: PlynxNode): NodeShape {
  return {
    kind: node.base_node_name ?? 'bash_jinja2',
    inputs: (node.inputs ?? []).map((input) => ({
      name: input.name ?? '',
      fileTypes: input.file_types ?? [],
      resourceIds: (input.values ?? []).map((value) => value.resource_id ?? ''),
      minCount: input.min_count ?? 1,
      maxCount: input.max_count ?? 1,
    })),
    outputs: (node.outputs ?? []).map((output) => ({ name: output.name ?? '', fileType: output.file_type ?? '' })),
    logs: (node.logs ?? []).map((log) => log.name ?? ''),
    parameters: new Map((node.parameters ?? []).map((parameter) => [parameter.name ?? '', parameterValue(parameter)])),
  };
}

/** The script text: a `code` parameter's value, or a `text` one's (older nodes stored `cmd` as text). */
export function commandText(node: PlynxNode): string {
  const cmd = (node.parameters ?? []).find((parameter) => parameter.name === 'cmd');
  if (!cmd) throw new TemplateError('The node has no `cmd` parameter');
  if (cmd.parameter_type === 'code') return typeof cmd.value?.value === 'string' ? cmd.value.value : '';
  if (cmd.parameter_type === 'text') return cmd.value ?? '';
  throw new TemplateError('`cmd` must be a code or text parameter');
}
