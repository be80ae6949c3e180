/**
 * The worker's public types: its options, its log, and the summary it resolves with.
 * @module
 */
import type { PipeloomClient } from '../client.js';
import type { components } from '../generated/schema.js';
import type { Clock } from './clock.js';
import type { JobKind } from './job-kind.js';
import type { WorkerResources } from './resources.js';

/** Severity of a worker log line. */
export type WorkerLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives the worker's log lines. */
export type WorkerLog = (level: WorkerLogLevel, message: string) => void;

/** How a job ended, as reported to the server. */
export type CompletionStatus = components['schemas']['job_completion']['status'];

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** A client for the server, e.g. from `createPipeloomClient`. */
  client: PipeloomClient;
  /** `_key` of the workflow whose jobs to run. It must have been started (run_id > 0). */
  workflowKey: string;
  /** What this worker offers; anything left out is detected (all CPUs, all RAM, no GPUs). */
  resources?: Partial<WorkerResources>;
  /** How long the worker may run, as an ISO 8601 duration (`P0DT4H`). Jobs that would not finish in time are not claimed. */
  timeLimit?: string;
  /** Most jobs running at once (default: as many as the resources allow). */
  maxParallelJobs?: number;
  /** Where job output goes: `<outputDir>/job-stdio/<job_key>_<run_id>.o` and `.e` (default `output`). */
  outputDir?: string;
  /** How often an idle worker asks for new jobs, in ms (default 10,000; 1,000 for a queue worker). A worker with free room after a job ends asks at once. */
  pollIntervalMs?: number;
  /** Aborting it stops the worker as SIGTERM would: jobs are terminated and reported, then the worker leaves. */
  signal?: AbortSignal;
  /** Receives log lines (default: info and above on stderr). */
  log?: WorkerLog;
  /** The server's URL, passed to jobs as PIPELOOM_SERVER_URL. */
  serverUrl?: string;
  /** Directory jobs run in and relative output paths are resolved against (default: the current directory). */
  cwd?: string;
  /** Host name reported to the server (default `os.hostname()`). */
  hostname?: string;
  /**
   * What running a job means, tried in order; the first whose `matches` accepts the job runs it. The
   * shell-command kind, which accepts every job, is always tried last. See {@link JobKind}.
   */
  jobKinds?: JobKind[];
  /** Where the worker reads the time and sets its timers (default: the real clock; tests pass a manual one). */
  clock?: Clock;
}

/** What happened to one job this worker ran. */
export interface WorkerJobOutcome {
  job_key: string;
  name?: string;
  status: CompletionStatus;
  return_code: number;
  /** Whether the server accepted the completion (false: it was refused, e.g. the job had been handed to another worker). */
  accepted: boolean;
}

/** Why the worker left. */
export type WorkerExitReason = 'complete' | 'canceled' | 'signal' | 'time-limit';

/** What {@link runWorker} resolves with. */
export interface WorkerSummary {
  workflowKey: string;
  computeNodeKey: string;
  runId: number;
  reason: WorkerExitReason;
  durationSeconds: number;
  /** Seconds spent waiting for claim_jobs answers: free slots idle because of the server. */
  claimWaitSeconds: number;
  jobs: WorkerJobOutcome[];
  counts: { done: number; failed: number; canceled: number; terminated: number; rejected: number };
}

/** Options of {@link runQueueWorker}: those of {@link WorkerOptions} but the workflow, plus the queues. */
export interface QueueWorkerOptions extends Omit<WorkerOptions, 'workflowKey'> {
  /** Names of the queues whose started workflows this worker serves, asked in this order. */
  queues: string[];
  /**
   * How long the worker stays once nothing is left to do on its queues (no job running, none ready,
   * blocked or running elsewhere), in seconds, before it leaves (default 0; `Infinity`: it never leaves).
   */
  waitForNewJobsSeconds?: number;
}

/** What one job a queue worker ran became, and its workflow. */
export interface QueueWorkerJobOutcome extends WorkerJobOutcome {
  workflow_key: string;
}

/** What {@link runQueueWorker} resolves with. `complete` means nothing was left to do on its queues. */
export interface QueueWorkerSummary {
  queues: string[];
  /** Each workflow the worker ran jobs of, its compute node there, and the run it served last. */
  workflows: { workflowKey: string; computeNodeKey: string; runId: number }[];
  reason: Exclude<WorkerExitReason, 'canceled'>;
  durationSeconds: number;
  claimWaitSeconds: number;
  jobs: QueueWorkerJobOutcome[];
  counts: WorkerSummary['counts'];
}
