// The PLynx documents after parsing: every field present, every value of its declared type. The contract's
// generated types leave fields optional because clients may omit them; these are what the server holds.
// Each is assignable to the matching contract type, so a parsed document can be answered as is.
import type { GraphRunningStatus, NodeRunningStatus, NodeStatus } from './types.ts';

export const GRAPH_RUNNING_STATUSES = [
  'CREATED', 'READY', 'RUNNING', 'SUCCESS', 'FAILED', 'CANCELED', 'FAILED_WAITING',
] as const satisfies readonly GraphRunningStatus[];

export const NODE_RUNNING_STATUSES = [
  'STATIC', 'CREATED', 'IN_QUEUE', 'RUNNING', 'SUCCESS', 'RESTORED', 'FAILED', 'CANCELED',
] as const satisfies readonly NodeRunningStatus[];

export const NODE_STATUSES = ['CREATED', 'READY', 'DEPRECATED', 'MANDATORY_DEPRECATED'] as const satisfies readonly NodeStatus[];

export interface InputValueDoc {
  node_id: string;
  output_id: string;
  resource_id: string | null;
}

export interface InputDoc {
  name: string;
  file_types: string[];
  values: InputValueDoc[];
  min_count: number;
  max_count: number;
}

/** An output, and also the shape of a log. */
export interface OutputDoc {
  name: string;
  file_type: string;
  resource_id: string | null;
}

export interface WidgetDoc {
  alias: string;
}

export interface EnumValueDoc {
  values: string[];
  /** -1 by default; any posted index is kept as its string form, as PLynx does. */
  index: number | string;
}

export interface CodeValueDoc {
  value: string;
  mode: string;
}

/** The value each parameter type holds once parsed. */
export interface ParameterValueByType {
  str: string;
  int: number;
  bool: boolean;
  text: string;
  enum: EnumValueDoc;
  list_str: string[];
  list_int: number[];
  code: CodeValueDoc;
}

export type ParameterType = keyof ParameterValueByType;

export const PARAMETER_TYPES = [
  'str', 'int', 'bool', 'text', 'enum', 'list_str', 'list_int', 'code',
] as const satisfies readonly ParameterType[];

/** A parameter whose `value` matches its `parameter_type`. */
export type ParameterDoc = {
  [T in ParameterType]: {
    name: string;
    parameter_type: T;
    value: ParameterValueByType[T];
    mutable_type: boolean;
    removable: boolean;
    publicable: boolean;
    widget: WidgetDoc | null;
  };
}[ParameterType];

export interface NodeDoc {
  _id: string;
  title: string;
  description: string;
  base_node_name: string;
  parent_node: string | null;
  successor_node: string | null;
  inputs: InputDoc[];
  outputs: OutputDoc[];
  parameters: ParameterDoc[];
  logs: OutputDoc[];
  node_running_status: NodeRunningStatus;
  node_status: NodeStatus;
  cache_url: string;
  x: number;
  y: number;
  author: string | null;
  starred: boolean;
}

export interface GraphDoc {
  _id: string;
  title: string;
  description: string;
  graph_running_status: GraphRunningStatus;
  author: string | null;
  nodes: NodeDoc[];
}
