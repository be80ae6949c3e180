import type { PipeloomClient } from '../client.js';
import { ApiError, unwrap } from '../errors.js';
import { listAllItems, mapConcurrent } from './paging.js';
import {
  addWorkflowEvent, bumpRunId, listFiles, mtimeChanged, putModificationTime, refuseRunningJobs, writableWorkflow, type JobDoc, type JobStatus, type RunStateOptions,
} from './steps.js';
import { checkInputs, modificationTime, runStartupScript } from './local-steps.js';

/** Options of {@link restartWorkflow}. */
export interface RestartWorkflowOptions extends RunStateOptions {
  /**
   * Initialize only jobs that are `uninitialized` (`initialize_jobs?only_uninitialized=true`), leaving
   * the others as they are. Default: false, as in Torc.
   */
  onlyUninitialized?: boolean;
}

/** A file whose modification time changed since it was last recorded. */
export interface ChangedFile {
  key: string;
  name?: string;
  path: string;
  /** The recorded time before the restart (seconds; null: absent). */
  previous_st_mtime: number | null;
  /** The time found now (null: the file is gone). */
  st_mtime: number | null;
}

/** What {@link restartWorkflow} did. */
export interface RestartWorkflowResult {
  /** Key of the workflow. */
  key: string;
  /** The run the workflow is now in. */
  run_id: number;
  /** Files that changed or vanished since their time was last recorded. */
  changed_files: ChangedFile[];
  /**
   * Keys of the complete jobs this call reset to `uninitialized` itself: `done` or `canceled` jobs that
   * need a changed file, and `done` jobs whose output file is missing. The server resets their
   * descendants with them.
   */
  reset_jobs: string[];
  /** Keys the server reset because a job's command or inputs changed (`process_changed_job_inputs`). */
  reinitialized_jobs: string[];
}

const CONSUMER_STATUSES: ReadonlySet<JobStatus> = new Set(['done', 'canceled']);
const PRODUCER_STATUSES: ReadonlySet<JobStatus> = new Set(['done']);

/**
 * Restarts a workflow so that exactly the jobs affected by changes run again, doing what Torc's
 * `torc workflows restart` does (spec-and-worker.md §B): refuses an archived workflow or one with running
 * jobs; runs the `workflow_startup_script`; checks user data and input files; bumps run_id and resets the
 * workflow's status. Then, for every file whose modification time on disk differs from the recorded one
 * (or that vanished), it records the new time (or null) and resets each `done` or `canceled` job that
 * needs the file; it resets each `done` job whose output file is missing; it asks the server to reset
 * jobs whose command or inputs changed (`process_changed_job_inputs`). Each reset takes the job's
 * descendants with it. Finally it initializes the jobs (`ready` or `blocked`; done jobs stay done) and
 * adds a `workflow`/`restart` event.
 *
 * Failed jobs (done with a non-zero return code) rerun only when reset first
 * (`POST reset_job_status?failed_only=true`), as in Torc.
 *
 * Unlike Torc, the checks run before run_id is bumped, so a refused restart changes nothing on the server.
 *
 * @throws {@link WorkflowCommandError} when the workflow cannot restart, {@link ApiError} when the server
 *   refuses a call.
 * @example
 * ```ts
 * import { createPipeloomClient, restartWorkflow } from '@pipeloom/sdk/node';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const result = await restartWorkflow(client, '42');
 * console.log(`run ${result.run_id}: ${result.changed_files.length} files changed`);
 * ```
 */
export async function restartWorkflow(client: PipeloomClient, key: string, options: RestartWorkflowOptions = {}): Promise<RestartWorkflowResult> {
  const cwd = options.cwd ?? process.cwd();
  const log = options.log ?? (() => {});
  const concurrency = options.concurrency ?? 8;
  const pageSize = options.pageSize;
  await writableWorkflow(client, key);
  if (!options.force) await refuseRunningJobs(client, key);
  if (!options.skipStartupScript) await runStartupScript(client, key, cwd, log);
  if (!options.ignoreMissingData) await checkInputs(client, key, cwd);

  const runId = await bumpRunId(client, key);
  await unwrap(client.POST('/torc-service/workflows/{key}/reset_status', { params: { path: { key } }, body: {} }));

  // Files: record what changed on disk.
  const files = await listFiles(client, key, pageSize);
  const now = await mapConcurrent(files, concurrency, (file) => modificationTime(file.path, cwd));
  const changed = files.map((file, i) => ({ file, mtime: now[i]! })).filter(({ file, mtime }) => mtimeChanged(file.st_mtime, mtime));
  await mapConcurrent(changed, concurrency, ({ file, mtime }) => putModificationTime(client, key, file, mtime));
  if (changed.length > 0) log(`${changed.length} file(s) changed: ${changed.map(({ file }) => file.name ?? file._key).join(', ')}`);

  const resetKeys: string[] = [];
  /** Resets a complete job to uninitialized (and, on the server, its descendants), re-reading it when an earlier reset touched it. */
  const reset = async (job: JobDoc, allowed: ReadonlySet<JobStatus>) => {
    let current = job;
    for (let attempt = 1; ; attempt++) {
      if (!current.status || !allowed.has(current.status)) return;
      try {
        await unwrap(client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/manage_status_change/{status}/{rev}/{run_id}', {
          params: { path: { workflow: key, key: current._key!, status: 'uninitialized', rev: current._rev!, run_id: runId } }, body: {},
        }));
        resetKeys.push(current._key!);
        return;
      } catch (e) {
        if (!(e instanceof ApiError) || (e.status !== 409 && e.status !== 400) || attempt >= 3) throw e;
        current = await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: key, key: current._key! } } }));
      }
    }
  };

  // Jobs that need a changed file.
  for (const { file } of changed) {
    const consumers = await listAllItems(({ skip, limit }) => unwrap(client.GET('/torc-service/workflows/{workflow}/jobs/find_by_needs_file/{key}', {
      params: { path: { workflow: key, key: file._key! }, query: { skip, limit } },
    })), { pageSize });
    for (const job of consumers) await reset(job, CONSUMER_STATUSES);
  }

  // Done jobs whose output is missing.
  const missing = new Set(files.filter((_, i) => now[i] === null).map((f) => f._id!));
  if (missing.size > 0) {
    const produces = await listAllItems(({ skip, limit }) => unwrap(client.GET('/torc-service/workflows/{workflow}/edges/{name}', {
      params: { path: { workflow: key, name: 'produces' }, query: { skip, limit } },
    })), { pageSize });
    const producers = new Set(produces.filter((e) => missing.has(e._to)).map((e) => e._from));
    if (producers.size > 0) {
      const done = await listAllItems(({ skip, limit }) => unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', {
        params: { path: { workflow: key }, query: { status: 'done', skip, limit } },
      })), { pageSize });
      for (const job of done) if (producers.has(job._id!)) await reset(job, PRODUCER_STATUSES);
    }
  }
  if (resetKeys.length > 0) log(`Reset ${resetKeys.length} job(s) whose input changed or whose output is missing, with their descendants`);

  const { reinitialized_jobs } = await unwrap(client.POST('/torc-service/workflows/{key}/process_changed_job_inputs', { params: { path: { key } }, body: {} }));
  if (reinitialized_jobs.length > 0) log(`Reset ${reinitialized_jobs.length} job(s) whose command or inputs changed`);
  await unwrap(client.POST('/torc-service/workflows/{key}/initialize_jobs', {
    params: { path: { key }, query: { only_uninitialized: options.onlyUninitialized ?? false } }, body: {},
  }));
  await addWorkflowEvent(client, key, 'restart', runId, `Restarted workflow ${key} (run ${runId})`);
  return {
    key,
    run_id: runId,
    changed_files: changed.map(({ file, mtime }) => ({ key: file._key!, ...(file.name === undefined ? {} : { name: file.name }), path: file.path, previous_st_mtime: file.st_mtime ?? null, st_mtime: mtime })),
    reset_jobs: resetKeys,
    reinitialized_jobs,
  };
}
