// The names a previewed script sees. PLynx previews by running the node's script builder in preview mode:
// every input, output and log gets the path it would have in a fresh working directory `/tmp/<uuid>`
// (inputs `i_<k>_<name>` for k below min_count, outputs `o_<name>`, logs `l_<name>`), and cloud-storage
// resources also get a cloud path `<prefix>/<uuid>`.
import { randomUUID } from 'node:crypto';
import type { NodeDoc, ParameterDoc } from '../model/document-types.ts';
import type { PyValue } from './python-repr.ts';

export interface PreviewOptions {
  /** The working directory shown in paths; a new `/tmp/<uuid>` by default. */
  workdir?: string;
  /** Prefix of cloud-storage paths; PLynx's default is `gs://sample`. */
  cloudPrefix?: string;
  /** Makes the unique part of cloud-storage paths (a UUID by default). */
  uniqueId?: () => string;
}

/** Resource kind (`input`, `cloud_input`, `output`, `cloud_output`) → resource name → path(s). */
export type ResourceDicts = Map<string, Map<string, string | string[]>>;

const CLOUD_STORAGE = 'cloud-storage';

interface Workspace {
  workdir: string;
  cloudPath: () => string;
}

function workspace(options: PreviewOptions): Workspace {
  const uniqueId = options.uniqueId ?? randomUUID;
  const prefix = options.cloudPrefix ?? 'gs://sample';
  return { workdir: options.workdir ?? `/tmp/${randomUUID()}`, cloudPath: () => `${prefix}/${uniqueId()}` };
}

/** Adds one resource's paths; list resources collect every path, single ones keep the last. */
function append(dicts: ResourceDicts, paths: Record<string, string>, name: string, isList: boolean): void {
  for (const [kind, path] of Object.entries(paths)) {
    const byName = dicts.get(kind) ?? new Map<string, string | string[]>();
    dicts.set(kind, byName);
    if (!isList) {
      byName.set(name, path);
      continue;
    }
    const list = byName.get(name);
    if (Array.isArray(list)) list.push(path);
    else byName.set(name, [path]);
  }
}

/** Only the cloud-storage type adds a cloud path; PLynx fails on inputs without a file type, treated as files here. */
function resourcePaths(kind: 'input' | 'output', fileType: string | undefined, path: string, space: Workspace): Record<string, string> {
  return fileType === CLOUD_STORAGE ? { [kind]: path, [`cloud_${kind}`]: space.cloudPath() } : { [kind]: path };
}

/** The dicts a script sees for inputs and outputs, and the log paths. */
export function previewResources(node: NodeDoc, options: PreviewOptions) {
  const space = workspace(options);
  const inputs: ResourceDicts = new Map();
  for (const input of node.inputs) {
    // An input taking exactly one file is a path; any other is a list of paths.
    const isList = !(input.min_count === 1 && input.max_count === 1);
    for (let k = 0; k < input.min_count; k += 1) {
      append(inputs, resourcePaths('input', input.file_types[0], `${space.workdir}/i_${k}_${input.name}`, space), input.name, isList);
    }
  }
  const outputs: ResourceDicts = new Map();
  for (const output of node.outputs) {
    append(outputs, resourcePaths('output', output.file_type, `${space.workdir}/o_${output.name}`, space), output.name, false);
  }
  const logs = new Map(node.logs.map((log) => [log.name, `${space.workdir}/l_${log.name}`]));
  return { inputs, outputs, logs };
}

function enumChoice(values: string[], index: number | string): string {
  const parsed = typeof index === 'number' ? index : Number.parseInt(index, 10);
  const clamped = Math.max(0, Math.min(values.length - 1, Number.isNaN(parsed) ? 0 : parsed));
  return values[clamped] ?? '';
}

function parameterValue(parameter: ParameterDoc): PyValue {
  switch (parameter.parameter_type) {
    case 'enum':
      return enumChoice(parameter.value.values, parameter.value.index);
    case 'code':
      return parameter.value.value;
    default:
      return parameter.value;
  }
}

/** Parameter name → the value a script sees: the chosen enum entry, a code parameter's text, else the value. */
export function previewParameters(node: NodeDoc): Map<string, PyValue> {
  return new Map(node.parameters.map((parameter) => [parameter.name, parameterValue(parameter)]));
}
