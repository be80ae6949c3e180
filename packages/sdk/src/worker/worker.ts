/**
 * The Pipeloom worker: runs a Torc workflow's jobs on this machine, following Torc's worker protocol with
 * Pipeloom's batched extensions (`claim_jobs`, `complete_jobs`) and leases (`heartbeat`). This file is
 * the loop that wires the modules: torc-api (every call, one retry policy), session (arrival and
 * departure), heartbeat, claims, running (supervision, through a {@link JobKind}), outputs and
 * completions.
 * @module
 */
import os from 'node:os';
import path from 'node:path';
import pidusage from 'pidusage';
import { systemClock } from './clock.js';
import { Claims } from './claims.js';
import { CompletionQueue } from './completions.js';
import { WorkerContext } from './context.js';
import { Heartbeat } from './heartbeat.js';
import type { JobRunOutcome } from './job-kind.js';
import { reportJobEnd } from './job-end.js';
import { workerResources, parseDurationSeconds, ResourcePool, type WorkerResources } from './resources.js';
import { describeError } from './retry.js';
import { JobSupervisor, type RunningJob } from './running.js';
import { arrive, markInactive, runWorkflowScript, workerEvent } from './session.js';
import { TorcWorkerApi } from './torc-api.js';
import type { WorkerExitReason, WorkerLog, WorkerOptions, WorkerSummary } from './types.js';

export type { WorkerExitReason, WorkerJobOutcome, WorkerLog, WorkerLogLevel, WorkerOptions, WorkerSummary } from './types.js';

const DEFAULT_POLL_MS = 10_000;

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
 * each job through the first of `jobKinds` that accepts it (by default: its command, without a shell, with
 * TORC_WORKFLOW_KEY, TORC_JOB_KEY, PIPELOOM_WORKFLOW_KEY, PIPELOOM_JOB_KEY and PIPELOOM_SERVER_URL in its
 * environment); checks that a successful job produced its output files and records their mtimes; and
 * reports results in batches. Network failures and 5xx answers are retried with backoff while the server
 * is out of reach; no result is dropped unless the server refuses it.
 *
 * @example
 * ```ts
 * import { createPipeloomClient, runWorker } from '@pipeloom/sdk/node';
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
  private readonly ctx: WorkerContext;
  private readonly hostname: string;
  private readonly resources: WorkerResources;
  private readonly pool: ResourcePool;
  private readonly startedAt: number;
  private readonly timeLimitSeconds?: number;
  private readonly supervisor: JobSupervisor;
  private readonly completions: CompletionQueue;
  private readonly heartbeat: Heartbeat;
  private claims?: Claims;
  private completionScriptRun = false;

  constructor(private readonly options: WorkerOptions) {
    const clock = options.clock ?? systemClock;
    const log = options.log ?? stderrLog;
    const cwd = path.resolve(options.cwd ?? process.cwd());
    const api = new TorcWorkerApi({ client: options.client, workflowKey: options.workflowKey, log, clock });
    const stdioDir = path.join(path.resolve(cwd, options.outputDir ?? 'output'), 'job-stdio');
    this.ctx = new WorkerContext(api, clock, log, options.workflowKey, cwd, stdioDir, options.serverUrl);
    this.startedAt = clock.now();
    this.hostname = options.hostname ?? os.hostname();
    this.resources = workerResources(options.resources);
    this.pool = new ResourcePool(this.resources);
    if (options.timeLimit) this.timeLimitSeconds = parseDurationSeconds(options.timeLimit);
    this.completions = new CompletionQueue(this.ctx);
    this.supervisor = new JobSupervisor(this.ctx, this.pool, options.jobKinds ?? [], (rj, outcome) => this.jobEnded(rj, outcome));
    this.heartbeat = new Heartbeat(this.ctx, this.supervisor);
  }

  async run(): Promise<WorkerSummary> {
    const { ctx } = this;
    const signal = this.options.signal;
    const onAbort = () => ctx.requestStop('signal', 'asked to stop: terminating running jobs');
    if (signal?.aborted) throw new Error('the worker was aborted before it started');
    signal?.addEventListener('abort', onAbort, { once: true });
    let timeLimit;
    try {
      timeLimit = await this.startUp();
      let reason: WorkerExitReason;
      try {
        reason = await this.mainLoop();
      } catch (e) {
        this.supervisor.killAll();
        throw e;
      } finally {
        await this.shutDown();
      }
      return this.summary(reason);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      ctx.clock.clearTimeout(timeLimit);
      this.heartbeat.stop();
    }
  }

  private async startUp() {
    const { ctx } = this;
    const giveUp = () => this.options.signal?.aborted === true;
    await arrive(ctx, { hostname: this.hostname, pid: process.pid, startedAt: this.startedAt, resources: this.resources, timeLimitSeconds: this.timeLimitSeconds, giveUp });
    let terminateAt: number | undefined;
    let timer;
    if (this.timeLimitSeconds !== undefined) {
      // Stop jobs early enough that those which support termination can wind down before the time is up.
      terminateAt = this.startedAt + this.timeLimitSeconds * 1000 - ctx.graceMs;
      timer = ctx.clock.setTimeout(() => ctx.requestStop('time-limit', 'time limit reached: terminating running jobs'), Math.max(0, terminateAt - ctx.clock.now()));
    }
    const maxParallel = this.options.maxParallelJobs && this.options.maxParallelJobs > 0 ? this.options.maxParallelJobs : Infinity;
    this.claims = new Claims(ctx, this.pool, this.supervisor, { maxParallel, terminateAt, reporting: () => this.completions.busy });
    await this.heartbeat.begin(giveUp);
    await workerEvent(ctx, this.hostname, 'start', `Started worker ${this.hostname}:${process.pid} (compute node ${ctx.node.key}) with ${this.resources.cpus} CPUs, ${this.resources.memoryGb} GiB, ${this.resources.gpus} GPUs`);
    ctx.log('info', `worker started for workflow ${ctx.workflowKey}, run ${ctx.runId}, as compute node ${ctx.node.key}; heartbeat every ${this.heartbeat.intervalMs} ms`);
    if (ctx.config.worker_startup_script) await runWorkflowScript(ctx, 'worker_startup_script', ctx.config.worker_startup_script);
    return timer;
  }

  private async mainLoop(): Promise<WorkerExitReason> {
    const { ctx } = this;
    const claims = this.claims!;
    const ignoreCompletion = ctx.config.compute_node_ignore_workflow_completion === true;
    const waitForNewJobsMs = (ctx.config.compute_node_wait_for_new_jobs_seconds ?? 0) * 1000;
    const pollMs = this.options.pollIntervalMs ?? DEFAULT_POLL_MS;
    let completeSince: number | undefined;
    for (;;) {
      if (ctx.fatal) throw ctx.fatal;
      if (ctx.stopCause) return this.stopEverything(ctx.stopCause);
      if (claims.reconcileNeeded) await claims.reconcile();
      if (claims.hasRoom) {
        const { count, limit } = await claims.claim();
        if (count > 0) completeSince = undefined;
        // A full batch: more may be waiting. Otherwise nothing else fits until something changes.
        if (count > 0 && count === limit) continue;
      }
      let waitMs = pollMs;
      if (this.supervisor.size === 0 && !this.completions.busy && !ctx.stopping) {
        const state = await ctx.api.isComplete();
        if (state.is_canceled) {
          ctx.requestStop('canceled', 'the workflow was canceled');
          continue;
        }
        if (state.needs_to_run_completion_script && !this.completionScriptRun && ctx.config.workflow_completion_script) {
          this.completionScriptRun = true;
          await runWorkflowScript(ctx, 'workflow_completion_script', ctx.config.workflow_completion_script);
        }
        if (state.is_complete && !ignoreCompletion) {
          completeSince ??= ctx.clock.now();
          const left = completeSince + waitForNewJobsMs - ctx.clock.now();
          if (left <= 0) {
            ctx.log('info', `workflow ${ctx.workflowKey} is complete`);
            return 'complete';
          }
          waitMs = Math.min(waitMs, left);
        } else {
          completeSince = undefined;
        }
      }
      await ctx.waitForWake(waitMs);
    }
  }

  /** Stops every job, reports them, and says why the worker leaves. */
  private async stopEverything(cause: 'canceled' | 'signal' | 'time-limit'): Promise<WorkerExitReason> {
    await this.supervisor.stopAll(cause === 'canceled' ? 'canceled' : 'terminated');
    await this.completions.drain();
    if (this.ctx.fatal) throw this.ctx.fatal;
    return cause;
  }

  /** A job ended: check its outputs, queue its completion, record its statistics. */
  private async jobEnded(rj: RunningJob, outcome: JobRunOutcome): Promise<void> {
    await reportJobEnd(this.ctx, this.completions, rj, outcome);
  }

  private async shutDown(): Promise<void> {
    const { ctx } = this;
    await this.completions.drain().catch(() => {});
    if (this.claims?.reconcileNeeded) {
      await this.claims.releaseOrphans().catch((e: unknown) => ctx.log('warn', `jobs claimed by a lost answer may stay submitted until this node's lease expires (${describeError(e)})`));
    }
    this.heartbeat.stop();
    if (ctx.config.compute_node_resource_stats?.process) pidusage.clear();
    const duration = (ctx.clock.now() - this.startedAt) / 1000;
    await markInactive(ctx, duration);
    await workerEvent(ctx, this.hostname, 'stop', `Stopped worker ${this.hostname}:${process.pid} (compute node ${ctx.node.key}) after ${duration.toFixed(1)} s`);
  }

  private summary(reason: WorkerExitReason): WorkerSummary {
    const { ctx } = this;
    const counts = this.completions.counts();
    ctx.log('info', `worker leaving (${reason}): ${JSON.stringify(counts)}`);
    return {
      workflowKey: ctx.workflowKey, computeNodeKey: ctx.node.key, runId: ctx.runId, reason, durationSeconds: (ctx.clock.now() - this.startedAt) / 1000,
      claimWaitSeconds: (this.claims?.waitMs ?? 0) / 1000, jobs: this.completions.outcomes, counts,
    };
  }
}
