// The files of a run in its work directory: inputs downloaded (and made executable or unpacked as their
// type asks), output locations prepared, and outputs packed for upload afterwards.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { NodeShape } from './node-shape.js';
import type { PlynxRunIo } from './run-types.js';
import { CLOUD_STORAGE, inputPath, outputPath, type CloudPaths } from './workspace.js';
import type { WorkerLog } from './worker-log.js';
import { unzipSafely, zipDirectory, type ArchiveLimits } from './zip-archive.js';

const EXECUTABLE = 'executable';
const DIRECTORY = 'directory';

/** A run cannot start: an input is missing, cannot be fetched or cannot be unpacked, or a name is unusable. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** The script ended well but an output is missing or unusable. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

/** Resource names become file names: they must not reach outside the work directory. */
export function checkNames(shape: NodeShape): void {
  const named = [...shape.inputs.map((i) => ['input', i.name]), ...shape.outputs.map((o) => ['output', o.name]), ...shape.logs.map((l) => ['log', l])];
  for (const [what, name] of named) {
    if (name === undefined || name.includes('/') || name.includes('\0')) throw new InputError(`the ${what} name ${JSON.stringify(name)} cannot be a file name`);
  }
}

/** The cloud path a cloud-storage resource file names (`{"path": ...}`). */
async function cloudPathIn(file: string): Promise<string> {
  try {
    const doc: unknown = JSON.parse(await fs.promises.readFile(file, 'utf8'));
    const found = typeof doc === 'object' && doc !== null ? (doc as { path?: unknown }).path : undefined;
    if (typeof found === 'string') return found;
  } catch {
    // reported below
  }
  throw new InputError('a cloud-storage input does not hold a {"path": ...} document');
}

export interface PreparedInputs {
  /** Cloud paths of cloud-storage inputs, by `<name>/<k>`. */
  cloudInputs: Map<string, string>;
}

/**
 * Downloads every linked resource of every input to `i_<k>_<name>`: `executable` ones are made
 * executable, `directory` ones (zip archives) are unpacked into a directory of that name.
 */
export async function prepareInputs(shape: NodeShape, workdir: string, io: PlynxRunIo, log: WorkerLog, limits: ArchiveLimits | undefined, signal?: AbortSignal): Promise<PreparedInputs> {
  const cloudInputs = new Map<string, string>();
  for (const input of shape.inputs) {
    const fileType = input.fileTypes[0];
    for (const [k, resourceId] of input.resourceIds.entries()) {
      signal?.throwIfAborted();
      if (!resourceId) throw new InputError(`input \`${input.name}\` has no resource for its link ${k}`);
      const target = inputPath(workdir, input.name, k);
      const download = fileType === DIRECTORY ? `${target}.zip` : target;
      try {
        await io.download(resourceId, download);
      } catch (error) {
        throw new InputError(`could not download resource ${resourceId} of input \`${input.name}\`: ${error instanceof Error ? error.message : String(error)}`);
      }
      log.write(`downloaded ${resourceId} to ${target}`);
      if (fileType === EXECUTABLE) await fs.promises.chmod(target, 0o755);
      if (fileType === DIRECTORY) {
        try {
          await unzipSafely(download, target, limits);
        } catch (error) {
          throw new InputError(`directory input \`${input.name}\` (resource ${resourceId}) was refused: ${error instanceof Error ? error.message : String(error)}`);
        } finally {
          await fs.promises.rm(download, { force: true });
        }
      }
      if (fileType === CLOUD_STORAGE) cloudInputs.set(`${input.name}/${k}`, await cloudPathIn(target));
    }
  }
  return { cloudInputs };
}

/** Cloud paths for a run: inputs name theirs in their files, outputs get a fresh one under `prefix`. */
export function runCloudPaths(prepared: PreparedInputs, prefix: string): CloudPaths & { outputs: Map<string, string> } {
  const outputs = new Map<string, string>();
  return {
    outputs,
    input: (name, k) => prepared.cloudInputs.get(`${name}/${k}`) ?? '',
    output: (name) => {
      const cloud = `${prefix}/${randomUUID()}`;
      outputs.set(name, cloud);
      return cloud;
    },
  };
}

/** `directory` outputs are directories the script fills; other outputs are files it writes. */
export async function prepareOutputs(shape: NodeShape, workdir: string): Promise<void> {
  for (const output of shape.outputs) {
    if (output.fileType === DIRECTORY) await fs.promises.mkdir(outputPath(workdir, output.name));
  }
}

/**
 * The file to upload for each output: a `directory` output packed as a zip, a cloud-storage output's
 * `{"path": ...}` document (written when the script left none). A missing output is an error.
 */
export async function collectOutputs(shape: NodeShape, workdir: string, cloudOutputs: Map<string, string>): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const output of shape.outputs) {
    const produced = outputPath(workdir, output.name);
    if (output.fileType === CLOUD_STORAGE && !fs.existsSync(produced)) {
      await fs.promises.writeFile(produced, JSON.stringify({ path: cloudOutputs.get(output.name) ?? '' }));
    }
    const stat = await fs.promises.stat(produced).catch(() => undefined);
    if (output.fileType === DIRECTORY) {
      if (!stat?.isDirectory()) throw new OutputError(`the directory output \`${output.name}\` was removed`);
      const zipped = `${produced}.zip`;
      await zipDirectory(produced, zipped);
      files.set(output.name, zipped);
    } else {
      if (!stat?.isFile()) throw new OutputError(`the output \`${output.name}\` was not written`);
      files.set(output.name, produced);
    }
  }
  return files;
}
