/**
 * The Pipeloom worker: runs a Torc workflow's jobs on this machine, following Torc's worker protocol
 * (spec-and-worker.md §C) with Pipeloom's batched extensions (`claim_jobs`, `complete_jobs`) and leases
 * (`heartbeat`).
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pidusage from 'pidusage';
import type { PipeloomClient } from '../client.js';
import { ApiError, toApiError } from '../errors.js';
import type { components } from '../generated/schema.js';
import { JobProcess, splitCommand, type ProcessExit } from './process-runner.js';
import { detectResources, formatDuration, jobNeeds, parseDurationSeconds, ResourcePool, type JobNeeds, type WorkerResources } from './resources.js';
import { describeError, isTransient, withRetry, type RetryPolicy } from './retry.js';

type Job = components['schemas']['job_model'];
type Config = components['schemas']['workflow_config_model'];
type ComputeNode = components['schemas']['compute_node_model'];
type JobCompletion = components['schemas']['job_completion'];
type CompletionStatus = JobCompletion['status'];

/** Severity of a worker log line. */
export type WorkerLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives the worker's log lines. */
export type WorkerLog = (level: WorkerLogLevel, message: string) => void;

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
  /** How often an idle worker asks for new jobs, in ms (default 10,000). A worker with free room after a job ends asks at once. */
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

interface RunningJob {
  job: Job;
  needs: JobNeeds;
  process?: JobProcess;
  startedAt: number;
  stopReason?: 'canceled' | 'terminated';
  /** This worker's lease on the job was lost; another worker has it. Its process is killed and not reported. */
  lost?: boolean;
  timers: NodeJS.Timeout[];
  /** Resolves once the job's completion is queued (or it was dropped). */
  settled: Promise<void>;
}

interface PendingCompletion {
  job: Job;
  status: CompletionStatus;
  returnCode: number;
  execMinutes: number;
  completionTime: string;
  /** Read the job's `_rev` right before sending (a cancel changed it). */
  freshRev: boolean;
}

const DEFAULT_POLL_MS = 10_000;
/** Longest grace a job that supports termination gets between SIGTERM and SIGKILL. */
const MAX_GRACE_SECONDS = 30;
/** Largest batch complete_jobs accepts. */
const MAX_BATCH = 1000;

const stderrLog: WorkerLog = (level, message) => {
  if (level !== 'debug') process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
};

/**
 * Runs a workflow's jobs on this machine until the workflow is complete (or canceled, or the time limit
 * or `signal` stops it), and resolves with what it did. Several workers, on one machine or many, can serve
 * one workflow: the server never hands a job to two of them.
 *
 * The worker registers a compute node and keeps its lease alive with heartbeats; claims as many ready jobs
 * as its free CPUs, memory, GPUs and `maxParallelJobs` allow, and claims again as soon as a job ends; runs
 * each job's command without a shell, with TORC_WORKFLOW_KEY, TORC_JOB_KEY, PIPELOOM_WORKFLOW_KEY,
 * PIPELOOM_JOB_KEY and PIPELOOM_SERVER_URL in its environment; checks that a successful job produced its
 * output files and records their mtimes; and reports results in batches. Every call is retried with
 * backoff while the server is unreachable, and no result is dropped unless the server refuses it.
 *
 * @example
 * ```ts
 * import { createPipeloomClient, runWorker } from '@pipeloom/sdk';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const stop = new AbortController();
 * process.once('SIGTERM', () => stop.abort());
 * const summary = await runWorker({
 *   client,
 *   workflowKey: '17',
 *   resources: { cpus: 4, memoryGb: 8, gpus: 0 },
 *   outputDir: 'output',
 *   signal: stop.signal,
 * });
 * console.log(summary.reason, summary.counts); // complete { done: 4, failed: 0, ... }
 * ```
 */
export async function runWorker(options: WorkerOptions): Promise<WorkerSummary> {
  return new Worker(options).run();
}

class Worker {
  private readonly client: PipeloomClient;
  private readonly key: string;
  private readonly log: WorkerLog;
  private readonly hostname: string;
  private readonly cwd: string;
  private readonly outputDir: string;
  private readonly stdioDir: string;
  private readonly pollMs: number;
  private readonly maxParallel: number;
  private readonly resources: WorkerResources;
  private readonly pool: ResourcePool;
  private readonly startedAt = Date.now();
  private readonly timeLimitSeconds?: number;

  private config: Config = {};
  private runId = 0;
  private node!: ComputeNode & { _key: string; _id: string };
  private graceMs = MAX_GRACE_SECONDS * 1000;
  /** When the worker stops its jobs because its time is up (ms since the epoch). */
  private terminateAt?: number;
  private healthyDeadlineMs = 20 * 60_000;
  private heartbeatMs = 5_000;
  private nodeLeaseMs = 120_000;

  private claimWaitMs = 0;
  private readonly running = new Map<string, RunningJob>();
  /** `<key>@<rev>` of every job this worker started: a job still `submitted` may just be waiting for its completion to be accepted. */
  private readonly started = new Set<string>();
  private processes = 0;
  private readonly queue: PendingCompletion[] = [];
  private flushing?: Promise<void>;
  private readonly outcomes: WorkerJobOutcome[] = [];
  private canceled = false;
  private stopReason?: 'signal' | 'time-limit';
  private fatal?: unknown;
  private leaving = false;
  /** A claim's answer may have been lost: jobs may be running on our node that we never heard of. */
  private reconcileNeeded = false;
  private completionScriptRun = false;

  private wakeUp?: () => void;
  private woken = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(private readonly options: WorkerOptions) {
    this.client = options.client;
    this.key = options.workflowKey;
    this.log = options.log ?? stderrLog;
    this.hostname = options.hostname ?? os.hostname();
    this.cwd = path.resolve(options.cwd ?? process.cwd());
    this.outputDir = path.resolve(this.cwd, options.outputDir ?? 'output');
    this.stdioDir = path.join(this.outputDir, 'job-stdio');
    this.pollMs = options.pollIntervalMs ?? DEFAULT_POLL_MS;
    this.maxParallel = options.maxParallelJobs && options.maxParallelJobs > 0 ? options.maxParallelJobs : Infinity;
    const detected = detectResources();
    this.resources = {
      cpus: options.resources?.cpus ?? detected.cpus,
      memoryGb: options.resources?.memoryGb ?? detected.memoryGb,
      gpus: options.resources?.gpus ?? detected.gpus,
    };
    this.pool = new ResourcePool(this.resources);
    if (options.timeLimit) this.timeLimitSeconds = parseDurationSeconds(options.timeLimit);
  }

  // ---- plumbing ----

  private retry(what: string, extra: RetryPolicy = {}): RetryPolicy {
    return {
      deadlineMs: this.healthyDeadlineMs,
      onRetry: (error, attempt, delay) =>
        this.log(attempt === 1 ? 'warn' : 'debug', `${what} failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`),
      ...extra,
    };
  }

  /** Wakes the main loop: a job ended, a completion was accepted, the worker was told to stop. */
  private wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private waitForWake(ms: number): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private get stopping(): boolean {
    return this.canceled || this.stopReason !== undefined || this.fatal !== undefined;
  }

  // ---- the run ----

  async run(): Promise<WorkerSummary> {
    const signal = this.options.signal;
    const onAbort = () => {
      if (!this.stopReason) this.log('info', 'asked to stop: terminating running jobs');
      this.stopReason ??= 'signal';
      this.wake();
    };
    if (signal?.aborted) throw new Error('the worker was aborted before it started');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await this.startUp();
      let reason: WorkerExitReason;
      try {
        reason = await this.mainLoop();
      } catch (e) {
        // Leave nothing running behind; the server hands the jobs out again once the node lease expires.
        for (const job of this.running.values()) job.process?.kill('SIGKILL');
        throw e;
      } finally {
        await this.shutDown();
      }
      return this.summary(reason);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const t of this.timers) clearTimeout(t);
      clearTimeout(this.heartbeatTimer);
    }
  }

  private async startUp(): Promise<void> {
    const giveUp = () => this.options.signal?.aborted === true;
    await withRetry((s) => this.client.GET('/torc-service/ping', { signal: s }), this.retry('ping', { giveUp }));
    const status = await withRetry((s) => this.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: this.key } }, signal: s }), this.retry('reading the workflow status', { giveUp }));
    if (!(status.run_id > 0)) throw new Error(`workflow ${this.key} has not been started (its run_id is ${status.run_id}); start it before running workers`);
    this.runId = status.run_id;
    this.config = await withRetry((s) => this.client.GET('/torc-service/workflows/{key}/config', { params: { path: { key: this.key } }, signal: s }), this.retry('reading the workflow config', { giveUp }));
    // How long every call keeps retrying while the server is out of reach (at least a minute).
    this.healthyDeadlineMs = Math.max(1, this.config.compute_node_wait_for_healthy_database_minutes ?? 20) * 60_000;
    const buffer = this.config.compute_node_expiration_buffer_seconds ?? 120;
    this.graceMs = Math.max(0, Math.min(buffer, MAX_GRACE_SECONDS)) * 1000;
    if (this.timeLimitSeconds !== undefined) {
      // Stop jobs early enough that those which support termination can wind down before the time is up.
      const grace = Math.min(this.graceMs, (this.timeLimitSeconds * 1000) / 4);
      this.graceMs = grace;
      this.terminateAt = this.startedAt + this.timeLimitSeconds * 1000 - grace;
      this.timers.push(setTimeout(() => {
        if (!this.stopReason) this.log('info', 'time limit reached: terminating running jobs');
        this.stopReason ??= 'time-limit';
        this.wake();
      }, Math.max(0, this.terminateAt - Date.now())));
    }
    fs.mkdirSync(this.stdioDir, { recursive: true });

    const node = await withRetry((s) => this.client.POST('/torc-service/workflows/{workflow}/compute_nodes', {
      params: { path: { workflow: this.key } },
      body: {
        hostname: this.hostname,
        pid: process.pid,
        start_time: new Date(this.startedAt).toISOString(),
        is_active: true,
        resources: { num_cpus: this.resources.cpus, memory_gb: this.resources.memoryGb, num_gpus: this.resources.gpus, num_nodes: 1, time_limit: this.timeLimitSeconds === undefined ? null : formatDuration(this.timeLimitSeconds), scheduler_config_id: '' },
        scheduler: {},
      },
      signal: s,
    }), this.retry('registering the compute node', { giveUp }));
    this.node = node as ComputeNode & { _key: string; _id: string };
    const lease = await withRetry((s) => this.heartbeatCall(s), this.retry('the first heartbeat', { giveUp }));
    this.nodeLeaseMs = lease.node_lease_seconds * 1000;
    // Well under the lease: a worker survives two lost heartbeats in a row.
    this.heartbeatMs = Math.max(250, Math.min(5_000, this.nodeLeaseMs / 4));
    this.scheduleHeartbeat();
    await this.event('start', `Started worker ${this.hostname}:${process.pid} (compute node ${this.node._key}) with ${this.resources.cpus} CPUs, ${this.resources.memoryGb} GiB, ${this.resources.gpus} GPUs`);
    this.log('info', `worker started for workflow ${this.key}, run ${this.runId}, as compute node ${this.node._key}; heartbeat every ${this.heartbeatMs} ms`);
    if (this.config.worker_startup_script) await this.runScript('worker_startup_script', this.config.worker_startup_script);
  }

  private heartbeatCall(signal: AbortSignal) {
    return this.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', { params: { path: { workflow: this.key, key: this.node._key } }, body: {}, signal });
  }

  /** Keeps the node's lease alive; notices a cancel; checks the jobs after an outage longer than the lease. */
  private scheduleHeartbeat(lastOk = Date.now()): void {
    this.heartbeatTimer = setTimeout(async () => {
      if (this.leaving) return;
      try {
        const { data, error, response } = await this.heartbeatCall(AbortSignal.timeout(Math.max(5_000, this.heartbeatMs * 2)));
        if (!response.ok) throw toApiError(response, error);
        const gap = Date.now() - lastOk;
        lastOk = Date.now();
        if (data?.is_canceled && !this.canceled) {
          this.log('info', 'the workflow was canceled: killing running jobs');
          this.canceled = true;
          this.wake();
        }
        if (gap > this.nodeLeaseMs && this.running.size) await this.checkLeases();
      } catch (e) {
        this.log('warn', `heartbeat failed (${describeError(e)})`);
      }
      if (!this.leaving) this.scheduleHeartbeat(lastOk);
    }, this.heartbeatMs);
  }

  /**
   * After an outage longer than the node lease the server may have handed our running jobs to other
   * workers (their `_rev` changed). Those copies are stopped and never reported; the other worker runs them.
   */
  private async checkLeases(): Promise<void> {
    for (const rj of [...this.running.values()]) {
      if (rj.stopReason || rj.lost || !rj.process) continue;
      try {
        const now = await withRetry((s) => this.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: this.key, key: rj.job._key! } }, signal: s }), this.retry(`reading job ${rj.job._key}`));
        if (now._rev !== rj.job._rev && now.status !== 'canceled') {
          this.log('warn', `job ${rj.job._key} was handed to another worker while this one was out of reach; stopping this copy`);
          rj.lost = true;
          rj.process.kill('SIGKILL');
        }
      } catch (e) {
        this.log('warn', `could not check job ${rj.job._key} (${describeError(e)})`);
      }
    }
  }

  private async mainLoop(): Promise<WorkerExitReason> {
    const ignoreCompletion = this.config.compute_node_ignore_workflow_completion === true;
    const waitForNewJobsMs = (this.config.compute_node_wait_for_new_jobs_seconds ?? 0) * 1000;
    let completeSince: number | undefined;
    for (;;) {
      if (this.fatal) throw this.fatal;
      if (this.canceled) {
        await this.stopAll('canceled');
        if (this.fatal) throw this.fatal;
        return 'canceled';
      }
      if (this.stopReason) {
        await this.stopAll('terminated');
        if (this.fatal) throw this.fatal;
        return this.stopReason;
      }
      if (this.reconcileNeeded) await this.reconcile();
      if (this.processes < this.maxParallel && this.pool.hasRoom) {
        const { count, limit } = await this.claim();
        if (count > 0) completeSince = undefined;
        // A full batch: more may be waiting. Otherwise nothing else fits until something changes.
        if (count > 0 && count === limit) continue;
      }
      let waitMs = this.pollMs;
      if (this.running.size === 0 && this.queue.length === 0 && !this.flushing && !this.stopping) {
        const state = await withRetry((s) => this.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: this.key } }, signal: s }), this.retry('asking whether the workflow is complete'));
        if (state.is_canceled) {
          this.log('info', 'the workflow was canceled');
          this.canceled = true;
          continue;
        }
        if (state.needs_to_run_completion_script && !this.completionScriptRun && this.config.workflow_completion_script) {
          this.completionScriptRun = true;
          await this.runScript('workflow_completion_script', this.config.workflow_completion_script);
        }
        if (state.is_complete && !ignoreCompletion) {
          completeSince ??= Date.now();
          const left = completeSince + waitForNewJobsMs - Date.now();
          if (left <= 0) {
            this.log('info', `workflow ${this.key} is complete`);
            return 'complete';
          }
          waitMs = Math.min(waitMs, left);
        } else {
          completeSince = undefined;
        }
      }
      await this.waitForWake(waitMs);
    }
  }

  // ---- claiming and starting ----

  private async claim(): Promise<{ count: number; limit: number }> {
    const remaining = this.terminateAt === undefined ? undefined : Math.floor((this.terminateAt - Date.now()) / 1000);
    if (remaining !== undefined && remaining <= 0) return { count: 0, limit: 0 };
    const limit = Math.min(MAX_BATCH, this.maxParallel - this.processes);
    let uncertain = false;
    let answer;
    const asked = performance.now();
    try {
      answer = await withRetry((s) => this.client.POST('/torc-service/workflows/{key}/claim_jobs', {
        params: { path: { key: this.key } },
        body: { compute_node_key: this.node._key, run_id: this.runId, limit, sort_method: this.config.prepare_jobs_sort_method ?? 'gpus_runtime_memory', resources: this.pool.free(remaining) },
        signal: s,
      }), this.retry('claiming jobs', {
        giveUp: () => this.stopping,
        onRetry: (error, attempt, delay) => {
          // Without an answer we cannot know whether the server handed us jobs.
          if (!(error instanceof ApiError)) uncertain = true;
          this.log(attempt === 1 ? 'warn' : 'debug', `claiming jobs failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`);
        },
      }));
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        await this.checkRunId(e);
        return { count: 0, limit };
      }
      if (isTransient(e) && this.stopping) {
        this.reconcileNeeded ||= uncertain || !(e instanceof ApiError);
        return { count: 0, limit };
      }
      throw e;
    }
    this.claimWaitMs += performance.now() - asked;
    for (const job of answer.jobs) this.startJob(job);
    if (answer.jobs.length) this.log('debug', `claimed ${answer.jobs.length} job(s): ${answer.jobs.map((j) => j._key).join(', ')}`);
    if (uncertain) {
      this.reconcileNeeded = true;
      await this.reconcile();
    }
    return { count: answer.jobs.length, limit };
  }

  /** A claim was refused with 400: the workflow was restarted (new run_id), or something is wrong. */
  private async checkRunId(refusal: ApiError): Promise<void> {
    const status = await withRetry((s) => this.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: this.key } }, signal: s }), this.retry('reading the workflow status'));
    if (status.run_id === this.runId) throw refusal;
    if (this.running.size > 0 || this.queue.length > 0) {
      this.log('warn', `the workflow was restarted (run ${this.runId} -> ${status.run_id}) while jobs of run ${this.runId} are running; waiting for them`);
      return;
    }
    this.log('info', `the workflow was restarted: now serving run ${status.run_id}`);
    this.runId = status.run_id;
  }

  /**
   * Jobs a claim whose answer was lost gave this worker: `submitted` in this run, their latest `executed`
   * edge from our compute node, and never started here. Undefined while the server is out of reach.
   */
  private async orphans(policy: RetryPolicy): Promise<Job[] | undefined> {
    let rows;
    try {
      rows = (await withRetry((s) => this.client.POST('/torc-service/workflows/{key}/join_by_inbound_edge/{collection}/{edge}', {
        params: { path: { key: this.key, collection: 'jobs', edge: 'executed' } },
        body: { status: 'submitted' },
        signal: s,
      }), policy)).items;
    } catch (e) {
      if (isTransient(e)) return undefined;
      throw e;
    }
    // Rows come ordered by job, then edge: the last row of a job is its latest `executed` edge.
    const latest = new Map<string, { job: Job; from: string; runId: unknown }>();
    for (const row of rows) {
      const job = row.to as Job;
      latest.set(job._key!, { job, from: row.edge._from, runId: (row.edge.data as { run_id?: unknown } | undefined)?.run_id });
    }
    return [...latest.values()]
      .filter(({ job, from, runId }) => from === this.node._id && (runId === undefined || runId === this.runId) && !this.started.has(`${job._key}@${job._rev}`))
      .map(({ job }) => job);
  }

  /** A claim's answer was lost: run the jobs it handed us. */
  private async reconcile(): Promise<void> {
    const jobs = await this.orphans(this.retry('looking for jobs claimed by a lost answer', { giveUp: () => this.stopping }));
    if (!jobs) return; // still out of reach: try again on the next pass
    this.reconcileNeeded = false;
    for (const job of jobs) {
      this.log('warn', `job ${job._key} was claimed for this worker by a request whose answer was lost; running it now`);
      this.startJob(job);
    }
  }

  /** Leaving with a claim's answer lost: hand its jobs back rather than leave them `submitted` on a node that is gone. */
  private async releaseOrphans(): Promise<void> {
    const jobs = await this.orphans(this.retry('looking for jobs claimed by a lost answer', { deadlineMs: 60_000 }));
    for (const job of jobs ?? []) {
      await withRetry((s) => this.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/manage_status_change/{status}/{rev}/{run_id}', {
        params: { path: { workflow: this.key, key: job._key!, status: 'ready', rev: job._rev!, run_id: this.runId } },
        body: {},
        signal: s,
      }), this.retry(`handing job ${job._key} back`, { deadlineMs: 60_000 }));
      this.log('info', `job ${job._key}, claimed by a request whose answer was lost, was handed back`);
    }
  }

  private startJob(job: Job): void {
    const key = job._key!;
    const needs = jobNeeds(job);
    this.started.add(`${key}@${job._rev}`);
    this.pool.take(needs);
    this.processes++;
    let settle!: () => void;
    const rj: RunningJob = { job, needs, startedAt: Date.now(), timers: [], settled: new Promise((r) => (settle = r)) };
    this.running.set(key, rj);
    let exited: Promise<ProcessExit>;
    try {
      const args = splitCommand(job.command, job.invocation_script || undefined, (op) =>
        this.log('warn', `job ${key}: commands run without a shell, so "${op}" is passed to the program as an argument`));
      rj.process = new JobProcess({
        args,
        cwd: this.cwd,
        env: {
          ...process.env,
          TORC_WORKFLOW_KEY: this.key,
          TORC_JOB_KEY: key,
          PIPELOOM_WORKFLOW_KEY: this.key,
          PIPELOOM_JOB_KEY: key,
          ...(this.options.serverUrl ? { PIPELOOM_SERVER_URL: this.options.serverUrl } : {}),
        },
        stdoutPath: path.join(this.stdioDir, `${key}_${this.runId}.o`),
        stderrPath: path.join(this.stdioDir, `${key}_${this.runId}.e`),
        statsIntervalMs: this.config.compute_node_resource_stats?.process ? (this.config.compute_node_resource_stats.interval ?? 10) * 1000 : undefined,
      });
      exited = rj.process.exited;
      const line = job.command.replace(/\s+/g, ' ').trim();
      this.log('info', `started job ${key} (${job.name ?? ''}): ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
    } catch (e) {
      this.log('error', `job ${key} could not be started: ${describeError(e)}`);
      exited = Promise.resolve({ returnCode: 1, signal: null, spawnError: describeError(e) });
    }
    if (needs.runtimeSeconds !== undefined) {
      rj.timers.push(setTimeout(() => {
        // A job without resource requirements has Torc's default runtime (one minute), which says nothing
        // about the job: only a runtime someone set is enforced. One request, only when the limit is hit.
        void this.hasOwnRuntime(key).then((own) => {
          if (!own || rj.stopReason) return;
          this.log('warn', `job ${key} ran longer than its runtime of ${needs.runtimeSeconds} s: terminating it`);
          this.stopJob(rj, 'terminated');
        });
      }, needs.runtimeSeconds * 1000));
    }
    exited
      .then((exit) => this.onExit(rj, exit))
      .catch((e) => {
        this.fatal ??= e;
      })
      .finally(() => {
        settle();
        this.wake();
      });
  }

  /** Whether the job has resource requirements of its own (the server answers a default without `_key`). */
  private async hasOwnRuntime(key: string): Promise<boolean> {
    try {
      const rr = await withRetry((s) => this.client.GET('/torc-service/workflows/{workflow}/jobs/{key}/resource_requirements', { params: { path: { workflow: this.key, key } }, signal: s }), this.retry(`reading the resource requirements of job ${key}`));
      return rr._key !== undefined;
    } catch {
      return true;
    }
  }

  /** Stops a job: SIGTERM then SIGKILL after the grace period if it supports termination, else SIGKILL. */
  private stopJob(rj: RunningJob, reason: 'canceled' | 'terminated'): void {
    if (rj.stopReason === 'canceled' || rj.stopReason === reason) return;
    rj.stopReason = reason;
    if (!rj.process) return;
    if (reason === 'terminated' && rj.job.supports_termination && this.graceMs > 0) {
      rj.process.kill('SIGTERM');
      rj.timers.push(setTimeout(() => rj.process!.kill('SIGKILL'), this.graceMs));
    } else {
      rj.process.kill('SIGKILL');
    }
  }

  private async stopAll(reason: 'canceled' | 'terminated'): Promise<void> {
    for (const rj of this.running.values()) this.stopJob(rj, reason);
    await Promise.all([...this.running.values()].map((rj) => rj.settled));
    await this.drain();
  }

  // ---- finishing jobs ----

  private async onExit(rj: RunningJob, exit: ProcessExit): Promise<void> {
    const key = rj.job._key!;
    for (const t of rj.timers) clearTimeout(t);
    this.processes--;
    this.pool.give(rj.needs);
    this.wake(); // room for more work now, before the paperwork below
    try {
      if (rj.lost) return;
      const status: CompletionStatus = rj.stopReason ?? 'done';
      let returnCode = exit.returnCode;
      const execMinutes = (Date.now() - rj.startedAt) / 60_000;
      if (status === 'done' && returnCode === 0) {
        try {
          returnCode = await this.recordOutputs(rj.job);
        } catch (e) {
          if (!(e instanceof ApiError) || isTransient(e)) throw e;
          // Outputs that cannot be checked do not count as produced.
          this.log('warn', `the outputs of job ${key} could not be checked (${describeError(e)}): it failed`);
          returnCode = 1;
        }
      }
      this.log(status === 'done' && returnCode === 0 ? 'info' : 'warn', `job ${key} (${rj.job.name ?? ''}) ended: ${status}, return code ${returnCode}`);
      this.enqueue({ job: rj.job, status, returnCode, execMinutes, completionTime: new Date().toISOString(), freshRev: status === 'canceled' });
      if (rj.process && this.config.compute_node_resource_stats?.process) await this.postStats(rj);
    } finally {
      this.running.delete(key);
    }
  }

  /** Checks a successful job's outputs and records their mtimes; 1 when one is missing, else 0. */
  private async recordOutputs(job: Job): Promise<number> {
    const files: components['schemas']['file_model'][] = [];
    for (let skip = 0; ;) {
      const page = await withRetry((s) => this.client.GET('/torc-service/workflows/{workflow}/files/produced_by_job/{key}', { params: { path: { workflow: this.key, key: job._key! }, query: { skip } }, signal: s }), this.retry(`listing the outputs of job ${job._key}`));
      files.push(...(page.items ?? []));
      skip += page.count ?? page.items?.length ?? 0;
      if (!page.has_more || !page.items?.length) break;
    }
    const stats = files.map((f) => {
      try {
        return fs.statSync(path.resolve(this.cwd, f.path));
      } catch {
        return undefined;
      }
    });
    const missing = files.filter((_, i) => !stats[i]);
    if (missing.length) {
      this.log('warn', `job ${job._key} did not produce ${missing.map((f) => f.path).join(', ')}: it failed`);
      return 1;
    }
    for (const [i, file] of files.entries()) await this.putMtime(file, stats[i]!.mtimeMs / 1000);
    return 0;
  }

  /** PUTs a file's new st_mtime; a 409 means someone else wrote it meanwhile, so read it again and retry. */
  private async putMtime(file: components['schemas']['file_model'], mtime: number): Promise<void> {
    let current = file;
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await withRetry((s) => this.client.PUT('/torc-service/workflows/{workflow}/files/{key}', {
          params: { path: { workflow: this.key, key: current._key! } },
          body: { _key: current._key, _rev: current._rev, name: current.name, path: current.path, st_mtime: mtime },
          signal: s,
        }), this.retry(`recording the mtime of ${file.path}`));
        return;
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 409)) throw e;
        current = await withRetry((s) => this.client.GET('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow: this.key, key: file._key! } }, signal: s }), this.retry(`reading file ${file._key}`));
      }
    }
    this.log('warn', `could not record the mtime of ${file.path}: it kept changing`);
  }

  private async postStats(rj: RunningJob): Promise<void> {
    const s = rj.process!.stats();
    if (s.numSamples === 0) return; // ended before the first sample: nothing worth recording
    try {
      const stored = await withRetry((signal) => this.client.POST('/torc-service/workflows/{workflow}/job_process_stats', {
        params: { path: { workflow: this.key } },
        body: {
          job_key: rj.job._key!, run_id: this.runId, avg_cpu_percent: s.avgCpuPercent, max_cpu_percent: s.maxCpuPercent,
          avg_rss: s.avgRss, max_rss: s.maxRss, num_samples: s.numSamples, timestamp: new Date().toISOString(),
        },
        signal,
      }), this.retry(`recording the process stats of job ${rj.job._key}`));
      // As Torc does: an edge process_used from the job to its statistics.
      await withRetry((signal) => this.client.POST('/torc-service/workflows/{workflow}/edges/{name}', {
        params: { path: { workflow: this.key, name: 'process_used' } },
        body: { _from: rj.job._id!, _to: stored._id! },
        signal,
      }), this.retry(`linking the process stats of job ${rj.job._key}`));
    } catch (e) {
      this.log('warn', `the process stats of job ${rj.job._key} were not recorded (${describeError(e)})`);
    }
  }

  // ---- completions ----

  private enqueue(c: PendingCompletion): void {
    this.queue.push(c);
    if (this.flushing) return;
    this.flushing = (async () => {
      // Let the jobs that ended together join one batch.
      await new Promise((r) => setImmediate(r));
      while (this.queue.length) await this.send(this.queue.splice(0, MAX_BATCH));
    })()
      .catch((e) => {
        this.fatal ??= e;
      })
      .finally(() => {
        this.flushing = undefined;
        this.wake();
      });
  }

  private async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private readJob(key: string): Promise<Job> {
    return withRetry((s) => this.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: this.key, key } }, signal: s }), this.retry(`reading job ${key}`));
  }

  private completion(c: PendingCompletion): JobCompletion {
    return {
      job_key: c.job._key!, rev: c.job._rev!, status: c.status,
      result: { job_key: c.job._key!, run_id: this.runId, return_code: c.returnCode, exec_time_minutes: c.execMinutes, completion_time: c.completionTime, status: c.status },
    };
  }

  /** Sends completions until the server accepts or refuses each one; network failures are retried. */
  private async send(batch: PendingCompletion[]): Promise<void> {
    const ready: PendingCompletion[] = [];
    for (const c of batch) {
      if (c.freshRev) {
        try {
          c.job = { ...c.job, _rev: (await this.readJob(c.job._key!))._rev };
        } catch (e) {
          if (!(e instanceof ApiError) || isTransient(e)) throw e;
          this.refusedFor(c, e);
          continue;
        }
      }
      ready.push(c);
    }
    if (!ready.length) return;
    try {
      await withRetry((s) => this.client.POST('/torc-service/workflows/{key}/complete_jobs', {
        params: { path: { key: this.key } },
        body: { compute_node_key: this.node._key, run_id: this.runId, completions: ready.map((c) => this.completion(c)) },
        signal: s,
      }), this.retry(`reporting ${ready.length} completion(s)`));
      for (const c of ready) this.record(c, true);
    } catch (e) {
      if (!(e instanceof ApiError) || isTransient(e)) throw e;
      // All or nothing: find out which completion the server refused by sending them one at a time.
      if (ready.length > 1) for (const c of ready) await this.send([c]);
      else await this.refused(ready[0]!, e);
    }
  }

  /** The server refused one completion. Work out whether it is already recorded, or no longer ours. */
  private async refused(c: PendingCompletion, error: ApiError): Promise<void> {
    const key = c.job._key!;
    if (error.status === 409) {
      try {
        const stored = await withRetry((s) => this.client.GET('/torc-service/workflows/{workflow}/results/find_by_job/{key}', { params: { path: { workflow: this.key, key } }, signal: s }), this.retry(`reading the result of job ${key}`))
          .catch((e: unknown) => {
            if (e instanceof ApiError && e.status === 404) return undefined;
            throw e;
          });
        if (stored && stored.completion_time === c.completionTime && stored.return_code === c.returnCode) {
          // An earlier attempt went through and only its answer was lost.
          this.log('info', `the completion of job ${key} was already recorded`);
          this.record(c, true);
          return;
        }
        if (!stored && !c.freshRev && (await this.readJob(key)).status === 'canceled') {
          // The workflow was canceled while the job was ending: report it as canceled, Torc's outcome.
          this.log('info', `job ${key} was canceled while it ended; reporting it as canceled`);
          await this.send([{ ...c, status: 'canceled', freshRev: true }]);
          return;
        }
      } catch (e) {
        if (!(e instanceof ApiError) || isTransient(e)) throw e;
      }
    }
    this.refusedFor(c, error);
  }

  private refusedFor(c: PendingCompletion, error: ApiError): void {
    this.log('warn', `the server refused the completion of job ${c.job._key} (${describeError(error)}); it was probably handed to another worker after this worker's lease expired, or the workflow was restarted. Dropping it.`);
    this.record(c, false);
  }

  private record(c: PendingCompletion, accepted: boolean): void {
    this.outcomes.push({ job_key: c.job._key!, name: c.job.name, status: c.status, return_code: c.returnCode, accepted });
  }

  // ---- scripts, events, leaving ----

  /** Runs a worker or workflow script (no shell), its output next to the jobs'; failures are logged. */
  private async runScript(name: string, command: string): Promise<void> {
    this.log('info', `running the ${name}: ${command}`);
    try {
      const proc = new JobProcess({
        args: splitCommand(command),
        cwd: this.cwd,
        env: { ...process.env, TORC_WORKFLOW_KEY: this.key, PIPELOOM_WORKFLOW_KEY: this.key, ...(this.options.serverUrl ? { PIPELOOM_SERVER_URL: this.options.serverUrl } : {}) },
        stdoutPath: path.join(this.stdioDir, `${name}_${this.key}_${this.runId}.o`),
        stderrPath: path.join(this.stdioDir, `${name}_${this.key}_${this.runId}.e`),
      });
      const exit = await proc.exited;
      this.log(exit.returnCode === 0 ? 'info' : 'warn', `the ${name} exited with ${exit.returnCode}`);
    } catch (e) {
      this.log('error', `the ${name} could not be run: ${describeError(e)}`);
    }
  }

  /** Posts a worker event; an event that cannot be posted is not worth failing for. */
  private async event(type: 'start' | 'stop', message: string): Promise<void> {
    try {
      await withRetry((s) => this.client.POST('/torc-service/workflows/{workflow}/events', {
        params: { path: { workflow: this.key } },
        body: { category: 'worker', type, node_name: this.hostname, compute_node_key: this.node._key, message },
        signal: s,
      }), this.retry(`posting the worker ${type} event`, { deadlineMs: Math.min(this.healthyDeadlineMs, 60_000) }));
    } catch (e) {
      this.log('warn', `the worker ${type} event was not recorded (${describeError(e)})`);
    }
  }

  private async shutDown(): Promise<void> {
    await this.drain().catch(() => {});
    if (this.reconcileNeeded) await this.releaseOrphans().catch((e) => this.log('warn', `jobs claimed by a lost answer may stay submitted until this node's lease expires (${describeError(e)})`));
    this.leaving = true;
    clearTimeout(this.heartbeatTimer);
    if (this.config.compute_node_resource_stats?.process) pidusage.clear();
    const duration = (Date.now() - this.startedAt) / 1000;
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        const current = await withRetry((s) => this.client.GET('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow: this.key, key: this.node._key } }, signal: s }), this.retry('reading the compute node', { deadlineMs: 60_000 }));
        const { _oldRev: _, ...rest } = current as ComputeNode & { _oldRev?: string };
        const put = await this.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}', {
          params: { path: { workflow: this.key, key: this.node._key } },
          body: { ...rest, is_active: false, duration_seconds: duration },
        });
        if (put.response.status !== 409) break;
      }
    } catch (e) {
      this.log('warn', `the compute node was not marked inactive (${describeError(e)})`);
    }
    await this.event('stop', `Stopped worker ${this.hostname}:${process.pid} (compute node ${this.node._key}) after ${duration.toFixed(1)} s`);
  }

  private summary(reason: WorkerExitReason): WorkerSummary {
    const counts = { done: 0, failed: 0, canceled: 0, terminated: 0, rejected: 0 };
    for (const o of this.outcomes) {
      if (!o.accepted) counts.rejected++;
      else if (o.status === 'done') o.return_code === 0 ? counts.done++ : counts.failed++;
      else counts[o.status]++;
    }
    const summary = { workflowKey: this.key, computeNodeKey: this.node._key, runId: this.runId, reason, durationSeconds: (Date.now() - this.startedAt) / 1000, claimWaitSeconds: this.claimWaitMs / 1000, jobs: this.outcomes, counts };
    this.log('info', `worker leaving (${reason}): ${JSON.stringify(counts)}`);
    return summary;
  }
}
