// Where a node's files live in its work directory, as PLynx lays it out: inputs `i_<k>_<name>`, outputs
// `o_<name>`, logs `l_<name>`. A preview shows the paths a fresh run would get (k below the input's
// min_count); a run has one path per linked resource. cloud-storage resources also get a cloud path.
import type { NodeShape } from './node-shape.js';

/** Resource kind (`input`, `cloud_input`, `output`, `cloud_output`) → resource name → path(s). */
export type ResourceDicts = Map<string, Map<string, string | string[]>>;

/** What the script of a node sees: its inputs, outputs and logs by name. */
export interface ScriptResources {
  inputs: ResourceDicts;
  outputs: ResourceDicts;
  logs: Map<string, string>;
}

export const CLOUD_STORAGE = 'cloud-storage';

/** The path of the k-th resource of an input. */
export function inputPath(workdir: string, name: string, k: number): string {
  return `${workdir}/i_${k}_${name}`;
}

export function outputPath(workdir: string, name: string): string {
  return `${workdir}/o_${name}`;
}

export function logPath(workdir: string, name: string): string {
  return `${workdir}/l_${name}`;
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

/** How a layout names cloud-storage paths. */
export interface CloudPaths {
  /** The cloud path of the k-th resource of an input (for a run: the path its file names). */
  input(name: string, k: number): string;
  /** The cloud path an output is to be written to. */
  output(name: string): string;
}

/** Only the cloud-storage type adds a cloud path; inputs without a file type count as plain files. */
function resourcePaths(kind: 'input' | 'output', fileType: string | undefined, path: string, cloud: () => string): Record<string, string> {
  return fileType === CLOUD_STORAGE ? { [kind]: path, [`cloud_${kind}`]: cloud() } : { [kind]: path };
}

/**
 * The dicts a script sees. `inputCount` says how many resources an input has: its min_count in a
 * preview, its linked resources in a run. An input taking exactly one resource is a path, any other a list.
 */
export function scriptResources(
  shape: NodeShape,
  workdir: string,
  cloud: CloudPaths,
  inputCount: (input: NodeShape['inputs'][number]) => number,
): ScriptResources {
  const inputs: ResourceDicts = new Map();
  for (const input of shape.inputs) {
    const isList = !(input.minCount === 1 && input.maxCount === 1);
    const count = inputCount(input);
    for (let k = 0; k < count; k += 1) {
      const paths = resourcePaths('input', input.fileTypes[0], inputPath(workdir, input.name, k), () => cloud.input(input.name, k));
      append(inputs, paths, input.name, isList);
    }
  }
  const outputs: ResourceDicts = new Map();
  for (const output of shape.outputs) {
    append(outputs, resourcePaths('output', output.fileType, outputPath(workdir, output.name), () => cloud.output(output.name)), output.name, false);
  }
  const logs = new Map(shape.logs.map((name) => [name, logPath(workdir, name)]));
  return { inputs, outputs, logs };
}
