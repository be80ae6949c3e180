// The building blocks of `start`, `restart` and `cancel` (spec-and-worker.md §B) that only call the API: each is
// one step of what Torc's client does. The steps that read local files or run programs are in local-steps.ts.
import type { PipeloomClient } from '../client.js';
import { ApiError, unwrap } from '../errors.js';
import type { components } from '../generated/schema.js';
import { WorkflowCommandError } from './errors.js';
import { listAllItems } from './paging.js';

export type FileDoc = components['schemas']['file_model'];
export type JobDoc = components['schemas']['job_model'];
export type JobStatus = components['schemas']['job_status'];

/** Options every run-state function takes. */
export interface RunStateOptions {
  /** Directory that relative file paths and the startup script resolve against. Default: `process.cwd()`. */
  cwd?: string;
  /** Go on even when jobs are running (`submitted` or `submitted_pending`). Default: refuse. */
  force?: boolean;
  /** Do not check for missing user data and missing input files. Default: check, and refuse. */
  ignoreMissingData?: boolean;
  /** Do not run the workflow's `workflow_startup_script`. Default: run it. */
  skipStartupScript?: boolean;
  /** How many file checks and updates are in flight at once. Default: 8. */
  concurrency?: number;
  /** Page size for lists. Default: 10,000. */
  pageSize?: number;
  /** Called with a line of progress for people (what is being done). Default: silent. */
  log?: (message: string) => void;
}

/** The workflow, or a refusal when it is archived (archived workflows reject run-state changes). */
export async function writableWorkflow(client: PipeloomClient, key: string) {
  const workflow = await unwrap(client.GET('/torc-service/workflows/{key}', { params: { path: { key } } }));
  if (workflow.is_archived) {
    throw new WorkflowCommandError('WORKFLOW_ARCHIVED', `workflow ${key} is archived; unarchive it (PUT /workflows/${key} with is_archived false) before starting or restarting it`);
  }
  return workflow;
}

/** Refuses when jobs are running, as Torc's CLI does: resetting them would orphan their workers. */
export async function refuseRunningJobs(client: PipeloomClient, key: string): Promise<void> {
  const counts = await Promise.all((['submitted', 'submitted_pending'] as const).map(async (status) =>
    (await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key }, query: { status, limit: 1 } } }))).total_count));
  const running = counts.reduce((a, b) => a + b, 0);
  if (running > 0) {
    throw new WorkflowCommandError('JOBS_RUNNING', `workflow ${key} has ${running} running job(s); wait for them to finish or cancel the workflow first (or use --force / the force option)`, { running });
  }
}

/** Whether two stored modification times differ (null means "absent"); sub-microsecond noise is ignored. */
export function mtimeChanged(stored: number | null | undefined, current: number | null): boolean {
  const a = stored ?? null;
  if (a === null || current === null) return a !== current;
  return Math.abs(a - current) > 1e-6;
}

/** Increments the workflow's run_id as Torc's client does (GET status, run_id + 1, PUT status) and returns it. */
export async function bumpRunId(client: PipeloomClient, key: string): Promise<number> {
  const status = await unwrap(client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
  const { _oldRev: _, ...body } = status;
  const updated = await unwrap(client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { ...body, run_id: status.run_id + 1 } }));
  return updated.run_id;
}

/** Every file of the workflow, page by page. */
export function listFiles(client: PipeloomClient, key: string, pageSize?: number): Promise<FileDoc[]> {
  return listAllItems(({ skip, limit }) => unwrap(client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: key }, query: { skip, limit } } })), { pageSize });
}

/** Records a file's new modification time (null: gone), which changes its `_rev` and so the hash of every job that needs it. */
export async function putModificationTime(client: PipeloomClient, key: string, file: FileDoc, mtime: number | null): Promise<FileDoc> {
  const { _oldRev: _, ...body } = file;
  try {
    return await unwrap(client.PUT('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: key, key: file._key! } }, body: { ...body, st_mtime: mtime } }));
  } catch (e) {
    // Someone else wrote it since we listed it: take the current revision and write again.
    if (!(e instanceof ApiError) || e.status !== 409) throw e;
    const current = await unwrap(client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: key, key: file._key! } } }));
    const { _oldRev: __, ...fresh } = current;
    return unwrap(client.PUT('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: key, key: file._key! } }, body: { ...fresh, st_mtime: mtime } }));
  }
}

/** Adds a `workflow` event (`start`, `restart`, `cancel`) as Torc's client does. */
export async function addWorkflowEvent(client: PipeloomClient, key: string, type: string, runId: number | undefined, message: string): Promise<void> {
  await unwrap(client.POST('/torc-service/workflows/{workflow}/events', {
    params: { path: { workflow: key } },
    body: { category: 'workflow', type, key, ...(runId === undefined ? {} : { run_id: runId }), message },
  }));
}
