/**
 * Asking for work: claim_jobs with the worker's free resources, following a restart of the workflow,
 * and recovering jobs that a claim whose answer was lost handed to this worker.
 * @module
 */
import { ApiError } from '../errors.js';
import type { WorkerContext } from './context.js';
import { MAX_BATCH } from './completions.js';
import type { ResourcePool } from './resources.js';
import { describeError, isTransient } from './retry.js';
import type { JobSupervisor } from './running.js';
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
}

/**
 * How many jobs to ask for: what `maxParallel` leaves room for, and no more than the free CPUs (a job needs
 * one unless it says otherwise). On PostgreSQL the server locks up to `limit` candidate jobs while it packs
 * them and concurrent claims skip locked rows, so asking for far more than fits starves every other worker.
 * A claim that comes back full is repeated at once, so jobs that need no CPU still flow.
 */
export function claimLimit(maxParallel: number, active: number, freeCpus: number): number {
  return Math.max(0, Math.min(MAX_BATCH, maxParallel - active, Math.max(1, freeCpus)));
}

export class Claims {
  /** A claim's answer may have been lost: jobs may be running on our node that we never heard of. */
  reconcileNeeded = false;
  /** Time spent waiting for claim answers. */
  waitMs = 0;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly pool: ResourcePool,
    private readonly supervisor: JobSupervisor,
    private readonly options: ClaimsOptions,
  ) {}

  /** Whether a claim could hand out anything now. */
  get hasRoom(): boolean {
    return this.supervisor.activeCount < this.options.maxParallel && this.pool.hasRoom;
  }

  /** Claims as many jobs as fit and starts them. */
  async claim(): Promise<ClaimRound> {
    const { ctx } = this;
    const { terminateAt, maxParallel } = this.options;
    const remaining = terminateAt === undefined ? undefined : Math.floor((terminateAt - ctx.clock.now()) / 1000);
    if (remaining !== undefined && remaining <= 0) return { count: 0, limit: 0 };
    const resources = this.pool.free(remaining);
    const limit = claimLimit(maxParallel, this.supervisor.activeCount, resources.num_cpus);
    let uncertain = false;
    let answer;
    const asked = ctx.clock.now();
    try {
      answer = await ctx.api.claimJobs(ctx.node.key, {
        run_id: ctx.runId, limit, sort_method: ctx.config.prepare_jobs_sort_method ?? 'gpus_runtime_memory', resources,
      }, {
        giveUp: () => ctx.stopping,
        onRetry: (error, attempt, delay) => {
          // Without an answer we cannot know whether the server handed us jobs; nor after a 5xx, which may
          // come after the claim committed (the database connection was cut while it acknowledged COMMIT).
          if (!(error instanceof ApiError) || error.status >= 500) uncertain = true;
          ctx.log(attempt === 1 ? 'warn' : 'debug', `claiming jobs failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`);
        },
      });
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        await this.followRestart(e);
        return { count: 0, limit };
      }
      if (isTransient(e) && ctx.stopping) {
        this.reconcileNeeded ||= uncertain || !(e instanceof ApiError) || e.status >= 500;
        return { count: 0, limit };
      }
      throw e;
    }
    this.waitMs += ctx.clock.now() - asked;
    for (const job of answer.jobs) this.supervisor.start(job);
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
    if (this.supervisor.size > 0 || this.options.reporting()) {
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
      from === ctx.node.id && (runId === undefined || runId === ctx.runId) && typeof rev === 'string' && !this.supervisor.wasStarted(key, rev));
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
    for (const job of jobs) {
      this.ctx.log('warn', `job ${job._key} was claimed for this worker by a request whose answer was lost; running it now`);
      this.supervisor.start(job);
    }
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
