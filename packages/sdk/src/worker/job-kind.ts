/**
 * The seam for "what running a job means". The worker claims, supervises and reports jobs; a
 * {@link JobKind} decides how one job is actually run. Running a shell command is the default kind; a
 * PLynx node or a Dioptra entry point is another kind plugged into the same worker.
 * @module
 */
import type { components } from '../generated/schema.js';
import type { ProcessStats } from './process-runner.js';
import type { WorkerLog } from './types.js';

/** A job as claim_jobs hands it out. */
export type ClaimedJob = components['schemas']['job_model'];

/** Why the worker wants a job to stop; the `reason` of {@link JobRunContext.stop}. */
export type JobStopReason = 'canceled' | 'terminated' | 'abandoned';

/** Everything a {@link JobKind} needs to run one job. */
export interface JobRunContext {
  workflowKey: string;
  runId: number;
  /** Directory the job runs in; relative paths of its files resolve against it. */
  cwd: string;
  /** The environment for the job: the worker's, plus TORC_/PIPELOOM_ workflow and job keys and the server URL. */
  env: NodeJS.ProcessEnv;
  /** Files that must receive the job's standard output and error (Torc's `<key>_<run_id>.o` / `.e`). */
  stdoutPath: string;
  stderrPath: string;
  /**
   * Aborted when the worker wants the job to stop, with a {@link JobStopReason} as `reason`. A job that
   * supports termination (`supports_termination`) should wind down; any other should end at once.
   */
  stop: AbortSignal;
  /** Aborted when the job must end now: the grace period is over, the workflow was canceled, or the worker is failing. */
  kill: AbortSignal;
  /** Sample CPU and memory this often, in ms, and return the figures as `stats`; undefined: do not sample. */
  statsIntervalMs?: number;
  log: WorkerLog;
}

/** How a job run ended. */
export interface JobRunOutcome {
  /** 0 for success. A negative number is a signal (Python's convention, which Torc reports). */
  returnCode: number;
  /** CPU and memory figures, when `statsIntervalMs` asked for them. */
  stats?: ProcessStats;
}

/**
 * One way of running jobs. The worker asks each kind in turn whether it `matches` a claimed job and
 * hands the job to the first that does; `run` resolves once the job has ended (a rejection counts as
 * return code 1). Resources, runtime limits, output files, completions and retries stay the worker's
 * business, so a kind only runs the job and honours `stop` and `kill`.
 *
 * @example
 * ```ts
 * import { runWorker, type JobKind } from '@pipeloom/sdk/node';
 *
 * // Jobs whose command is `render-report <name>` render a report in-process (PLynx nodes are the
 * // built-in kind plynxNodeJobKind; every other job is a shell command).
 * const renderReport: JobKind = {
 *   name: 'render-report',
 *   matches: (job) => job.command.startsWith('render-report '),
 *   async run(job, ctx) {
 *     const ok = await renderReportFile(job.command.slice('render-report '.length), { cwd: ctx.cwd, signal: ctx.stop });
 *     return { returnCode: ok ? 0 : 1 };
 *   },
 * };
 * await runWorker({ client, workflowKey: '17', jobKinds: [renderReport] });
 * ```
 */
export interface JobKind {
  /** A short name for logs, e.g. `shell-command`. */
  readonly name: string;
  /** Whether this kind runs `job`. */
  matches(job: ClaimedJob): boolean;
  /** Runs `job` to its end. */
  run(job: ClaimedJob, context: JobRunContext): Promise<JobRunOutcome>;
}

/** The first kind in `kinds` that matches `job`, or undefined. */
export function selectJobKind(kinds: readonly JobKind[], job: ClaimedJob): JobKind | undefined {
  return kinds.find((kind) => kind.matches(job));
}
