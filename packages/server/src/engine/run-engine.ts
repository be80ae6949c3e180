// The one job lifecycle engine as other families see it. A PLynx graph run (and, next, a Dioptra job) is a
// run of this engine: a workflow of jobs with dependencies on a named queue, claimed and run by
// `pipeloom worker --queue`. Families start, read and cancel runs through this interface only; the engine
// is the Torc lifecycle, and its workflows stay visible (read-only in structure) through the Torc API.
import type { DbTx } from '../db/transaction.ts';

/** One job of a run. */
export interface RunJobSpec {
  /** Unique within the run; families use it to find their own object again (a PLynx node's `_id`). */
  name: string;
  /** What the worker runs; a job kind of the worker recognises it (`plynx-node <graph> <node>`). */
  command: string;
  /** Names of jobs of the same run that must end first; when one of them fails, this job is canceled. */
  after: string[];
}

export interface RunSpec {
  /** The family that owns the run; the Torc API refuses to change the structure of an owned workflow. */
  owner: string;
  name: string;
  description?: string;
  /** The Torc user that owns the workflow; queue workers signed in as them (or an administrator) run it. */
  user: string;
  /** Other users whose queue workers may run it (shared with them to run). */
  runners?: string[];
  /** The named queue whose workers run the jobs. */
  queue: string;
  jobs: RunJobSpec[];
}

export interface StartedRun {
  /** The Torc workflow key of the run. */
  workflowKey: string;
}

/** Where a job is in its life, as the Torc API names it. */
export type RunJobStatus =
  | 'uninitialized' | 'blocked' | 'ready' | 'scheduled' | 'submitted_pending' | 'submitted'
  | 'done' | 'canceled' | 'terminated' | 'disabled';

export interface RunJobState {
  name: string;
  status: RunJobStatus;
  /** The return code of the job's latest result; null until it has one. */
  returnCode: number | null;
  /** The compute node (worker session) holding the job while it is submitted_pending or submitted. */
  computeNodeKey: string | null;
}

export interface RunState {
  /** True once the run was canceled (by its family or through the Torc API). */
  canceled: boolean;
  jobs: RunJobState[];
}

/** A run that was just canceled, as its owner's cancel listener is told. */
export interface CanceledRun {
  workflowKey: string;
  /** The name of every job of the run. */
  jobNames: string[];
}

/** What a family does, inside the cancelling transaction, when one of its runs is canceled. */
export type CancelListener = (tx: DbTx, run: CanceledRun) => Promise<void>;

/** A worker process serving runs of an owner, as master_state shows it. */
export interface RunWorker {
  /** Stable for the worker process: its host and process id. */
  workerId: string;
  host: string;
  /** The jobs it holds now (submitted_pending or submitted), with their run's workflow key. */
  running: { workflowKey: string; jobName: string }[];
  /** Jobs it completed since `since`. */
  finishedSince: number;
}

export interface RunEngine {
  /**
   * Creates the run's workflow, jobs and dependencies on `spec.queue`, and starts it (jobs without
   * unfinished dependencies become ready), all inside `tx`: when the caller's transaction rolls back, no
   * trace of the run is left.
   */
  startRun(tx: DbTx, spec: RunSpec): Promise<StartedRun>;
  /** The run's jobs now; null when the workflow does not exist. */
  runState(workflowKey: string): Promise<RunState | null>;
  /** Whether the job `jobName` of the run is held by a worker right now (submitted_pending or submitted). */
  isClaimed(workflowKey: string, jobName: string): Promise<boolean>;
  /** Whether a worker signed in as `user` may run the run's jobs: the run's user, or one it was shared with to run. */
  mayRun(workflowKey: string, user: string): Promise<boolean>;
  /**
   * Cancels the run inside `tx`: every job that has not ended is canceled, and workers holding one are told
   * to kill it. Cancelling a run that has ended changes nothing.
   */
  cancelRun(tx: DbTx, workflowKey: string): Promise<void>;
  /**
   * Registers what `owner` does when one of its runs is canceled, by the family itself or through the Torc
   * API's cancel_workflow: called inside the cancelling transaction, so the family's own records follow the
   * run in the same commit. One listener per owner; a later one replaces it.
   */
  onCancel(owner: string, listener: CancelListener): void;
  /** The workers holding or having recently run jobs of runs owned by `owner`. */
  workers(owner: string, since: Date): Promise<RunWorker[]>;
}
