import JSON5 from 'json5';
import { parse as parseYaml } from 'yaml';
import type { PipeloomClient } from '../client.js';
import { unwrap } from '../errors.js';
import type { components } from '../generated/schema.js';
import { WorkflowCommandError } from './errors.js';

/** A workflow specification as `POST /torc-service/workflow_specifications` takes it. */
export type WorkflowSpecification = components['schemas']['workflow_specification_model'];
/** A workflow document as the server returns it. */
export type Workflow = components['schemas']['workflow_model'];

/** File name endings {@link readWorkflowSpecification} understands, and the parser each one uses. */
export const SPECIFICATION_FORMATS = { '.json': 'JSON', '.json5': 'JSON5', '.yaml': 'YAML', '.yml': 'YAML' } as const;

/** The ending of a file name (`.json5`), or `format` itself when it is an ending; as `path.extname`, without Node. */
function fileEnding(format: string): string {
  if (format.startsWith('.') && !format.includes('/')) return format.toLowerCase();
  const name = format.slice(Math.max(format.lastIndexOf('/'), format.lastIndexOf('\\')) + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
}

/**
 * Parses the text of a workflow specification: JSON, JSON5 or YAML, chosen by `format` (a file name or
 * an ending such as `.json5`). Nothing is checked beyond the syntax; the server validates the content.
 *
 * @example
 * ```ts
 * import { parseWorkflowSpecification } from '@pipeloom/sdk';
 *
 * const spec = parseWorkflowSpecification('name: demo\njobs:\n  - {name: hello, command: echo hello}\n', 'spec.yaml');
 * ```
 */
export function parseWorkflowSpecification(text: string, format: string): Record<string, unknown> {
  const ext = fileEnding(format);
  let data: unknown;
  try {
    if (ext === '.json') data = JSON.parse(text);
    else if (ext === '.json5') data = JSON5.parse(text);
    else if (ext === '.yaml' || ext === '.yml') data = parseYaml(text);
    else {
      throw new WorkflowCommandError('UNSUPPORTED_SPECIFICATION_FORMAT',
        `cannot tell the format of ${format}: use a file ending in ${Object.keys(SPECIFICATION_FORMATS).join(', ')}`);
    }
  } catch (e) {
    if (e instanceof WorkflowCommandError) throw e;
    throw new WorkflowCommandError('INVALID_SPECIFICATION', `${format} is not valid ${SPECIFICATION_FORMATS[ext as keyof typeof SPECIFICATION_FORMATS]}: ${(e as Error).message}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new WorkflowCommandError('INVALID_SPECIFICATION', `${format} must hold one object (a workflow specification)`);
  }
  return data as Record<string, unknown>;
}

const DATABASE_KEYS = ['_key', '_id', '_rev', '_oldRev'];
const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/**
 * Cleans a specification the way Torc's `workflows create-from-json-file` does, so that documents
 * exported from a server (or Torc's template) load again: database keys (`_key`, `_id`, `_rev`) are
 * dropped from the workflow, config and list entries, empty lists and `null` fields are dropped, and an
 * `input_files`/`output_files` entry written as `{name, cli_arg}` becomes its name, with
 * ` <cli_arg>=<path>` appended to the job's command. Returns a new object; the input is not changed.
 *
 * @example
 * ```ts
 * const spec = sanitizeWorkflowSpecification({
 *   files: [{ name: 'in', path: 'data/in.csv' }],
 *   jobs: [{ name: 'work', command: 'python work.py', input_files: [{ name: 'in', cli_arg: '--input' }] }],
 * });
 * // spec.jobs[0].command === 'python work.py --input=data/in.csv'
 * ```
 */
export function sanitizeWorkflowSpecification(data: Record<string, unknown>): WorkflowSpecification {
  const spec = structuredClone(data);
  const clean = (item: Record<string, unknown>) => {
    for (const key of DATABASE_KEYS) delete item[key];
    for (const [k, v] of Object.entries(item)) if (v === null) delete item[k];
  };
  clean(spec);
  for (const [key, value] of Object.entries(spec)) {
    if (Array.isArray(value)) {
      if (value.length === 0) delete spec[key];
      else for (const item of value) if (isObject(item)) clean(item);
    }
  }
  if (isObject(spec.config)) clean(spec.config);
  if (isObject(spec.schedulers)) {
    const schedulers = spec.schedulers;
    for (const [kind, list] of Object.entries(schedulers)) {
      if (list === null || (Array.isArray(list) && list.length === 0)) delete schedulers[kind];
      else if (Array.isArray(list)) for (const item of list) if (isObject(item)) clean(item);
    }
    if (Object.keys(schedulers).length === 0) delete spec.schedulers;
  }
  const paths = new Map<unknown, unknown>();
  if (Array.isArray(spec.files)) for (const f of spec.files) if (isObject(f)) paths.set(f.name, f.path);
  if (Array.isArray(spec.jobs)) {
    for (const job of spec.jobs) {
      if (!isObject(job)) continue;
      const args: string[] = [];
      for (const field of ['input_files', 'output_files']) {
        const list = job[field];
        if (!Array.isArray(list)) continue;
        job[field] = list.map((entry) => {
          if (!isObject(entry)) return entry;
          if (typeof entry.cli_arg === 'string' && entry.cli_arg) {
            if (!paths.has(entry.name)) throw new WorkflowCommandError('INVALID_SPECIFICATION', `job ${String(job.name)} refers to file ${String(entry.name)}, which the specification does not list`);
            args.push(`${entry.cli_arg}=${String(paths.get(entry.name))}`);
          }
          return entry.name;
        });
        if ((job[field] as unknown[]).length === 0) delete job[field];
      }
      for (const field of ['blocked_by', 'input_user_data', 'output_user_data']) {
        if (Array.isArray(job[field]) && (job[field] as unknown[]).length === 0) delete job[field];
      }
      if (args.length > 0 && typeof job.command === 'string') job.command = `${job.command} ${args.join(' ')}`;
    }
  }
  return spec as WorkflowSpecification;
}

/** The name of the user running this process, as Torc's CLI takes it (`getpass.getuser()`). */
export function currentUser(): string {
  // Read through globalThis so that this module imports nothing from Node: in a browser it answers 'unknown'.
  const runtime = globalThis.process as NodeJS.Process | undefined;
  for (const name of ['LOGNAME', 'USER', 'LNAME', 'USERNAME']) {
    const value = runtime?.env?.[name];
    if (value) return value;
  }
  try {
    return runtime?.getBuiltinModule?.('node:os').userInfo().username ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export interface CreateWorkflowOptions {
  /** Owner of the new workflow. Default: the specification's `user`, else the OS user. */
  user?: string;
}

/**
 * Creates a workflow from a specification object in one call (`POST /workflow_specifications`), after
 * {@link sanitizeWorkflowSpecification}. The owner is `options.user`, else the specification's `user`,
 * else the OS user (in a browser: `unknown`; Torc's CLI always overwrites it with the OS user; Pipeloom keeps a `user` the
 * specification names). The workflow is created but not started: call {@link startWorkflow} next.
 *
 * @example
 * ```ts
 * import { createPipeloomClient, createWorkflow } from '@pipeloom/sdk';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const workflow = await createWorkflow(client, { name: 'demo', jobs: [{ name: 'hello', command: 'echo hello' }] });
 * console.log(workflow._key);
 * ```
 */
export async function createWorkflow(client: PipeloomClient, specification: Record<string, unknown>, options: CreateWorkflowOptions = {}): Promise<Workflow> {
  const body = sanitizeWorkflowSpecification(specification);
  body.user = options.user ?? (typeof body.user === 'string' && body.user ? body.user : currentUser());
  return unwrap(client.POST('/torc-service/workflow_specifications', { body }));
}
