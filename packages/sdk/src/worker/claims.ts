/**
 * Asking for work: claim_jobs with the worker's free resources, following a restart of the workflow,
 * and recovering jobs that a claim whose answer was lost handed to this worker.
 *
 * With claim-ahead, a busy worker also claims a second allowance of jobs (at most its total resources,
 * so every job claimed fits it) and keeps them queued: a slot that frees starts the next one at once,
 * instead of waiting for a claim's answer (issue 15).
 * @module
 */
import { ApiError } from '../errors.js';
import type { WorkerContext } from './context.js';
import { MAX_BATCH } from './completions.js';
import { jobNeeds, ResourcePool } from './resources.js';
import { describeError, isTransient } from './retry.js';
import { keyOf, type JobSupervisor } from './running.js';
import type { CallPolicy, Job } from './torc-api.js';

/** What one claim did: how many jobs it started, out of how many it asked for. */
export interface ClaimRound {
  count: number;
  limit: number;
}

export interface ClaimsOptions {
  maxParallel: number;
  /** When the worker stops its jobs because its time is up (ms since the epoch), if it has a time limit. */
  terminateAt?: number;
  /** Whether finished jobs are still waiting to be reported (a restart is then followed later). */
  reporting: () => boolean;
  /** Claim jobs ahead of free slots and queue them (see the module comment); off by default. */
  claimAhead?: boolean;
}

export class Claims {
  /** A claim's answer may have been lost: jobs may be running on our node that we never heard of. */
  reconcileNeeded = false;
  /** Time spent waiting for claim answers with a slot free and no claimed job queued for it. */
  waitMs = 0;
  /** Claimed jobs not started yet, in the server's order. */
  private readonly queued: Job[] = [];
  /** The second allowance the queued jobs hold: they never need more than the worker offers in all. */
  private readonly ahead: ResourcePool;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly pool: ResourcePool,
    private readonly supervisor: JobSupervisor,
    private readonly options: ClaimsOptions,
  ) {
    this.ahead = new ResourcePool(pool.total);
    if (options.claimAhead) supervisor.onRoom = () => this.startQueued();
  }

  /** Jobs claimed and waiting for a slot. */
  get queuedCount(): number {
    return this.queued.length;
  }

  /** Whether a slot is free now and nothing claimed waits for it: a claim then starts its jobs at once. */
  private get slotsIdle(): boolean {
    return this.queued.length === 0 && this.supervisor.activeCount < this.options.maxParallel && this.pool.hasRoom;
  }

  /**
   * Whether to claim ahead: the queue is at most half full (so one claim brings several jobs, not one
   * per ended job) and the second allowance has room.
   */
  private get aheadWanted(): boolean {
    if (!this.options.claimAhead || this.ctx.stopping) return false;
    return this.ahead.hasRoom && this.ahead.freeCpuShare >= 0.5 && this.queued.length <= this.options.maxParallel / 2;
  }

  /** Whether a claim could hand out anything now. */
  get hasRoom(): boolean {
    return this.slotsIdle || this.aheadWanted;
  }

  /**
   * Starts queued jobs, in order, while the next one fits in the free resources. Called whenever a job
   * ends, so a free slot never waits for the server. A job that fits no part of a busy worker waits for
   * the others; on an idle worker it starts anyway (it fitted what the claim offered).
   */
  startQueued(): void {
    while (this.queued.length && !this.ctx.stopping) {
      const job = this.queued[0]!;
      const needs = jobNeeds(job);
      const busy = this.supervisor.activeCount > 0;
      if (busy && (this.supervisor.activeCount >= this.options.maxParallel || !this.pool.fits(needs))) return;
      this.queued.shift();
      this.ahead.give(needs);
      this.supervisor.start(job);
    }
  }

  private enqueue(jobs: readonly Job[]): void {
    for (const job of jobs) {
      this.queued.push(job);
      this.ahead.take(jobNeeds(job));
    }
    this.startQueued();
  }

  /** Empties the queue (the worker is stopping): the caller reports or hands back what it returns. */
  takeQueued(): Job[] {
    const jobs = this.queued.splice(0);
    for (const job of jobs) this.ahead.give(jobNeeds(job));
    return jobs;
  }

  /** Whether the job (at this revision) waits in the queue. */
  private isQueued(key: string, rev: unknown): boolean {
    return this.queued.some((j) => j._key === key && j._rev === rev);
  }

  /**
   * After an outage longer than the node lease, the server may have handed queued jobs to other workers
   * (their `_rev` changed): drop those, as running copies are dropped. Unreadable jobs stay queued.
   */
  async checkQueued(): Promise<void> {
    for (const job of [...this.queued]) {
      const key = keyOf(job);
      try {
        const now = await this.ctx.api.readJob(key, { giveUp: () => true });
        if (now._rev === job._rev && now.status === 'submitted') continue;
      } catch (e) {
        this.ctx.log('warn', `could not check queued job ${key} (${describeError(e)})`);
        continue;
      }
      const at = this.queued.indexOf(job);
      if (at < 0) continue;
      this.queued.splice(at, 1);
      this.ahead.give(jobNeeds(job));
      this.ctx.log('warn', `queued job ${key} was handed to another worker while this one was out of reach; dropping it`);
    }
  }

  /** Claims as many jobs as fit: starts them when slots were idle, else queues them. */
  async claim(): Promise<ClaimRound> {
    const { ctx } = this;
    const { terminateAt, maxParallel } = this.options;
    const remaining = terminateAt === undefined ? undefined : Math.floor((terminateAt - ctx.clock.now()) / 1000);
    if (remaining !== undefined && remaining <= 0) return { count: 0, limit: 0 };
    const idle = this.slotsIdle;
    const offer = idle ? this.pool : this.ahead;
    const limit = Math.min(MAX_BATCH, maxParallel - (idle ? this.supervisor.activeCount : this.queued.length));
    let uncertain = false;
    let answer;
    const asked = ctx.clock.now();
    try {
      answer = await ctx.api.claimJobs(ctx.node.key, {
        run_id: ctx.runId, limit, sort_method: ctx.config.prepare_jobs_sort_method ?? 'gpus_runtime_memory', resources: offer.free(remaining),
      }, {
        giveUp: () => ctx.stopping,
        onRetry: (error, attempt, delay) => {
          // Without an answer we cannot know whether the server handed us jobs.
          if (!(error instanceof ApiError)) uncertain = true;
          ctx.log(attempt === 1 ? 'warn' : 'debug', `claiming jobs failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`);
        },
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        await this.followRestart(e);
        return { count: 0, limit };
      }
      if (isTransient(e) && ctx.stopping) {
        this.reconcileNeeded ||= uncertain || !(e instanceof ApiError);
        return { count: 0, limit };
      }
      throw e;
    }
    if (idle) {
      this.waitMs += ctx.clock.now() - asked;
      for (const job of answer.jobs) this.supervisor.start(job);
    } else {
      this.enqueue(answer.jobs);
    }
    if (answer.jobs.length) ctx.log('debug', `claimed ${answer.jobs.length} job(s): ${answer.jobs.map((j) => j._key).join(', ')}`);
    if (uncertain) {
      this.reconcileNeeded = true;
      await this.reconcile();
    }
    return { count: answer.jobs.length, limit };
  }

  /** A claim was refused with 400: the workflow was restarted (new run_id), or something is wrong. */
  private async followRestart(refusal: ApiError): Promise<void> {
    const { ctx } = this;
    const status = await ctx.api.status();
    if (status.run_id === ctx.runId) throw refusal;
    if (this.supervisor.size > 0 || this.queued.length > 0 || this.options.reporting()) {
      ctx.log('warn', `the workflow was restarted (run ${ctx.runId} -> ${status.run_id}) while jobs of run ${ctx.runId} are running; waiting for them`);
      return;
    }
    ctx.log('info', `the workflow was restarted: now serving run ${status.run_id}`);
    ctx.runId = status.run_id;
  }

  /**
   * Jobs a claim whose answer was lost gave this worker: `submitted` in this run, their latest `executed`
   * edge from our compute node, and never started here. Undefined while the server is out of reach.
   */
  private async orphans(policy: CallPolicy): Promise<Job[] | undefined> {
    const { ctx } = this;
    try {
      return await this.findOrphans(policy);
    } catch (e) {
      if (isTransient(e)) return undefined;
      throw e;
    }
  }

  private async findOrphans(policy: CallPolicy): Promise<Job[]> {
    const { ctx } = this;
    const rows = (await ctx.api.executedJobs('submitted', policy)).items;
    // Rows come ordered by job, then edge: the last row of a job is its latest `executed` edge.
    const latest = new Map<string, { rev: unknown; from: string; runId: unknown }>();
    for (const row of rows) {
      const data: Record<string, unknown> = row.edge.data ?? {};
      if (typeof row.to._key === 'string') latest.set(row.to._key, { rev: row.to._rev, from: row.edge._from, runId: data.run_id });
    }
    const mine = [...latest].filter(([key, { rev, from, runId }]) =>
      from === ctx.node.id && (runId === undefined || runId === ctx.runId) && typeof rev === 'string' && !this.supervisor.wasStarted(key, rev) && !this.isQueued(key, rev));
    const jobs: Job[] = [];
    for (const [key, { rev }] of mine) {
      // The joined row is untyped; read the job itself, and only if it is still the one handed to us.
      const job = await ctx.api.readJob(key, policy);
      if (job._rev === rev && job.status === 'submitted') jobs.push(job);
    }
    return jobs;
  }

  /** A claim's answer was lost: run the jobs it handed us. */
  async reconcile(): Promise<void> {
    const jobs = await this.orphans({ giveUp: () => this.ctx.stopping });
    if (!jobs) return; // still out of reach: try again on the next pass
    this.reconcileNeeded = false;
    for (const job of jobs) this.ctx.log('warn', `job ${job._key} was claimed for this worker by a request whose answer was lost; running it now`);
    // With claim-ahead the lost answer may have been a claim ahead: its jobs wait for slots like any other.
    if (this.options.claimAhead) this.enqueue(jobs);
    else for (const job of jobs) this.supervisor.start(job);
  }

  /** Leaving with a claim's answer lost: hand its jobs back rather than leave them `submitted` on a node that is gone. */
  async releaseOrphans(): Promise<void> {
    const jobs = await this.orphans({ deadlineMs: 60_000 });
    for (const job of jobs ?? []) {
      if (!job._key || !job._rev) continue;
      await this.ctx.api.handBack({ _key: job._key, _rev: job._rev }, this.ctx.runId, { deadlineMs: 60_000 });
      this.ctx.log('info', `job ${job._key}, claimed by a request whose answer was lost, was handed back`);
    }
  }
}
