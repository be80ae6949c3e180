import type { PipeloomClient } from '../client.js';
import { unwrap } from '../errors.js';
import { WorkflowCommandError } from './errors.js';
import { iterateItems } from './paging.js';
import type { JobStatus } from './steps.js';

/** Every job status, in the order a workflow moves through them. */
export const JOB_STATUSES: readonly JobStatus[] = ['uninitialized', 'disabled', 'blocked', 'ready', 'scheduled', 'submitted_pending', 'submitted', 'done', 'canceled', 'terminated'];

/** Job counts as people read them. */
export interface JobCounts {
  /** `done` with return code 0 (or no result) in the current run. */
  done: number;
  /** `done` with a non-zero return code in the current run's result. */
  failed: number;
  canceled: number;
  terminated: number;
  /** `submitted` + `submitted_pending`: handed to a worker. */
  running: number;
  ready: number;
  /** Ready, with a compute node requested for it. */
  scheduled: number;
  blocked: number;
  uninitialized: number;
  disabled: number;
}

/** A snapshot of a workflow's progress; see {@link getWorkflowProgress}. */
export interface WorkflowProgress {
  /** Key of the workflow. */
  workflow: string;
  /** Current run. */
  run_id: number;
  /** Number of jobs. */
  total: number;
  /** Jobs that will not change any more: done (failed ones included), canceled, terminated, disabled. */
  finished: number;
  /** Counts by what they mean: `done` leaves out the failed jobs, which are counted under `failed`. */
  jobs: JobCounts;
  /** Counts by raw job status (`done` includes failed jobs). */
  by_status: Record<JobStatus, number>;
  /** Keys of the failed jobs (at most 100). */
  failed_jobs: string[];
  /** No job is outside done, canceled, terminated and disabled. */
  is_complete: boolean;
  /** The workflow was canceled. */
  is_canceled: boolean;
}

const COMPLETE: ReadonlySet<JobStatus> = new Set(['done', 'canceled', 'terminated', 'disabled']);

/**
 * Reads how far a workflow has got: job counts per status, failed jobs, whether it is complete or
 * canceled. Counts come from one small query per status (the lists' `total_count`), so this is cheap on
 * workflows of any size; failed jobs are found from the current run's results, read page by page only
 * when some result has a non-zero return code.
 *
 * Completion is worked out here from the counts, not with `GET is_complete`: that call hands out the
 * one-time "run the completion script" flag, which belongs to the workers.
 *
 * @example
 * ```ts
 * import { createPipeloomClient, getWorkflowProgress } from '@pipeloom/sdk';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const p = await getWorkflowProgress(client, '42');
 * console.log(`${p.finished}/${p.total} finished, ${p.jobs.failed} failed, ${p.jobs.running} running`);
 * ```
 */
export async function getWorkflowProgress(client: PipeloomClient, key: string, options: { pageSize?: number } = {}): Promise<WorkflowProgress> {
  const workflow = key;
  const [status, counts] = await Promise.all([
    unwrap(client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } })),
    Promise.all(JOB_STATUSES.map(async (s) =>
      (await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow }, query: { status: s, limit: 1 } } }))).total_count)),
  ]);
  const byStatus = Object.fromEntries(JOB_STATUSES.map((s, i) => [s, counts[i]!])) as Record<JobStatus, number>;
  const runId = status.run_id;
  const failedJobs = byStatus.done > 0 ? await failedJobKeys(client, key, runId, options.pageSize) : [];
  const failed = failedJobs.length;
  const total = counts.reduce((a, b) => a + b, 0);
  const finished = JOB_STATUSES.filter((s) => COMPLETE.has(s)).reduce((n, s) => n + byStatus[s], 0);
  return {
    workflow,
    run_id: runId,
    total,
    finished,
    jobs: {
      done: byStatus.done - failed,
      failed,
      canceled: byStatus.canceled,
      terminated: byStatus.terminated,
      running: byStatus.submitted + byStatus.submitted_pending,
      ready: byStatus.ready,
      scheduled: byStatus.scheduled,
      blocked: byStatus.blocked,
      uninitialized: byStatus.uninitialized,
      disabled: byStatus.disabled,
    },
    by_status: byStatus,
    failed_jobs: failedJobs.slice(0, 100),
    is_complete: finished === total,
    is_canceled: status.is_canceled,
  };
}

/** Keys of `done` jobs whose latest result in run `runId` has a non-zero return code. */
async function failedJobKeys(client: PipeloomClient, workflow: string, runId: number, pageSize?: number): Promise<string[]> {
  const count = async (query: { return_code?: number }) =>
    (await unwrap(client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow }, query: { run_id: runId, limit: 1, ...query } } }))).total_count;
  const [all, ok] = await Promise.all([count({}), count({ return_code: 0 })]);
  if (all === ok) return [];
  // Some result of this run failed: find the latest result of each job, then keep the jobs still done.
  const latest = new Map<string, { key: number; rc: number }>();
  for await (const r of iterateItems(({ skip, limit }) => unwrap(client.GET('/torc-service/workflows/{workflow}/results', {
    params: { path: { workflow }, query: { run_id: runId, skip, limit } },
  })), { pageSize })) {
    const order = Number(r._key);
    const seen = latest.get(r.job_key);
    if (!seen || order > seen.key) latest.set(r.job_key, { key: order, rc: r.return_code });
  }
  const candidates = new Set([...latest].filter(([, r]) => r.rc !== 0).map(([job]) => job));
  if (candidates.size === 0) return [];
  const failed: string[] = [];
  for await (const job of iterateItems(({ skip, limit }) => unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', {
    params: { path: { workflow }, query: { status: 'done', skip, limit } },
  })), { pageSize })) {
    if (candidates.has(job._key!)) failed.push(job._key!);
  }
  return failed;
}

/** Options of {@link watchWorkflowProgress}. */
export interface WatchWorkflowOptions {
  /** Seconds between two reads. Default: 2. */
  intervalSeconds?: number;
  /** Give up after this many seconds (throws a `TIMEOUT` {@link WorkflowCommandError}). Default: never. */
  timeoutSeconds?: number;
  /** Called with every snapshot, the first one included. */
  onProgress?: (progress: WorkflowProgress, previous: WorkflowProgress | undefined) => void;
  /** Stops the watch; the promise then resolves with the last snapshot. */
  signal?: AbortSignal;
  /** Page size for the failed-job lists. */
  pageSize?: number;
}

/**
 * Polls {@link getWorkflowProgress} until the workflow is complete or canceled, and returns the last
 * snapshot. `onProgress` sees every snapshot; compare it with the previous one to report changes.
 *
 * @example
 * ```ts
 * import { watchWorkflowProgress } from '@pipeloom/sdk';
 *
 * const last = await watchWorkflowProgress(client, '42', {
 *   onProgress: (p) => console.log(`${p.finished}/${p.total} finished, ${p.jobs.failed} failed`),
 * });
 * process.exitCode = last.jobs.failed > 0 ? 1 : 0;
 * ```
 */
export async function watchWorkflowProgress(client: PipeloomClient, key: string, options: WatchWorkflowOptions = {}): Promise<WorkflowProgress> {
  const interval = Math.max(0.05, options.intervalSeconds ?? 2) * 1000;
  const deadline = options.timeoutSeconds === undefined ? Infinity : Date.now() + options.timeoutSeconds * 1000;
  let previous: WorkflowProgress | undefined;
  for (;;) {
    const progress = await getWorkflowProgress(client, key, { pageSize: options.pageSize });
    options.onProgress?.(progress, previous);
    previous = progress;
    if (progress.is_complete || progress.is_canceled || options.signal?.aborted) return progress;
    if (Date.now() + interval > deadline) {
      throw new WorkflowCommandError('TIMEOUT', `workflow ${key} did not complete within ${options.timeoutSeconds} s (${progress.finished}/${progress.total} jobs finished)`, progress);
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, interval);
      function done() {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', done);
        resolve();
      }
      options.signal?.addEventListener('abort', done, { once: true });
    });
    if (options.signal?.aborted) return previous;
  }
}

/**
 * One line summing up a snapshot, as `pipeloom workflow status` prints it.
 *
 * @example
 * ```ts
 * console.log(formatWorkflowProgress(await getWorkflowProgress(client, '42')));
 * // workflow 42 (run 1): 3/10 jobs finished | done 2, failed 1, running 2, ready 1, blocked 4
 * ```
 */
export function formatWorkflowProgress(p: WorkflowProgress): string {
  const parts = (Object.entries(p.jobs) as [keyof JobCounts, number][])
    .filter(([name, n]) => n > 0 || name === 'done' || name === 'failed' || name === 'running')
    .map(([name, n]) => `${name} ${n}`);
  const state = p.is_canceled ? ' | canceled' : p.is_complete ? ' | complete' : '';
  return `workflow ${p.workflow} (run ${p.run_id}): ${p.finished}/${p.total} jobs finished | ${parts.join(', ')}${state}`;
}
