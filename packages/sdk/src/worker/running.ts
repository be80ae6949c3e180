/**
 * Supervising running jobs: handing each claimed job to its {@link JobKind}, holding its resources,
 * enforcing its runtime, stopping it (with a grace period when it supports termination), and telling the
 * worker when it has ended.
 * @module
 */
import type { TimerHandle } from './clock.js';
import { commandEnvironment } from './command-line.js';
import type { WorkerContext } from './context.js';
import { selectJobKind, type JobKind, type JobRunOutcome, type JobStopReason } from './job-kind.js';
import { jobNeeds, type JobNeeds, type ResourcePool } from './resources.js';
import { describeError } from './retry.js';
import { shellCommandJobKind } from './shell-job.js';
import type { Job } from './torc-api.js';

/** One job this worker started and has not finished reporting. */
export interface RunningJob {
  job: Job;
  key: string;
  needs: JobNeeds;
  startedAt: number;
  /** Set when the worker stopped the job; it is then reported with this status. */
  stopReason?: 'canceled' | 'terminated';
  /** This worker's lease on the job was lost and another worker has it: it is killed and not reported. */
  lost: boolean;
  stop: AbortController;
  kill: AbortController;
  timers: TimerHandle[];
  /** Resolves once the job's end has been handled (its completion queued, or dropped). */
  settled: Promise<void>;
}

/** Told about every job that ended (not lost), after its resources were given back. */
export type OnJobEnded = (job: RunningJob, outcome: JobRunOutcome) => Promise<void>;

/** The `_key` of a job the server handed out; the contract marks it optional because clients may omit it on create. */
export function keyOf(job: Job): string {
  if (!job._key) throw new Error(`the server handed out a job without a _key (${job.name ?? 'unnamed'})`);
  return job._key;
}

export class JobSupervisor {
  private readonly running = new Map<string, RunningJob>();
  /** `<key>@<rev>` of every job this worker started: a job still `submitted` may just be waiting for its completion to be accepted. */
  private readonly started = new Set<string>();
  /** Jobs whose process (or run) has not ended yet; `running` also holds jobs whose paperwork is in progress. */
  private active = 0;
  private readonly kinds: JobKind[];

  constructor(
    private readonly ctx: WorkerContext,
    private readonly pool: ResourcePool,
    kinds: readonly JobKind[],
    private readonly onEnded: OnJobEnded,
  ) {
    this.kinds = [...kinds, shellCommandJobKind];
  }

  /** Jobs still running or being reported. */
  get size(): number {
    return this.running.size;
  }

  /** Jobs whose run has not ended. */
  get activeCount(): number {
    return this.active;
  }

  jobs(): RunningJob[] {
    return [...this.running.values()];
  }

  wasStarted(key: string, rev: string | undefined): boolean {
    return this.started.has(`${key}@${rev}`);
  }

  start(job: Job): void {
    const { ctx } = this;
    const key = keyOf(job);
    const needs = jobNeeds(job);
    this.started.add(`${key}@${job._rev}`);
    this.pool.take(needs);
    this.active++;
    let settle!: () => void;
    const rj: RunningJob = {
      job, key, needs, startedAt: ctx.clock.now(), lost: false, stop: new AbortController(), kill: new AbortController(), timers: [],
      settled: new Promise((resolve) => (settle = resolve)),
    };
    this.running.set(key, rj);
    const kind = selectJobKind(this.kinds, job) ?? shellCommandJobKind;
    const stats = ctx.config.compute_node_resource_stats;
    const line = job.command.replace(/\s+/g, ' ').trim();
    ctx.log('info', `started job ${key} (${job.name ?? ''}): ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
    let outcome: Promise<JobRunOutcome>;
    try {
      outcome = kind.run(job, {
        workflowKey: ctx.workflowKey,
        runId: ctx.runId,
        cwd: ctx.cwd,
        env: commandEnvironment({ workflowKey: ctx.workflowKey, jobKey: key, serverUrl: ctx.serverUrl }),
        ...ctx.stdio(`${key}_${ctx.runId}`),
        stop: rj.stop.signal,
        kill: rj.kill.signal,
        statsIntervalMs: stats?.process ? (stats.interval ?? 10) * 1000 : undefined,
        log: ctx.log,
      });
    } catch (e) {
      outcome = Promise.reject(e);
    }
    this.enforceRuntime(rj);
    outcome
      .catch((e: unknown): JobRunOutcome => {
        ctx.log('error', `job ${key} could not be started: ${describeError(e)}`);
        return { returnCode: 1 };
      })
      .then((result) => this.ended(rj, result))
      .catch((e: unknown) => ctx.fail(e))
      .finally(() => {
        settle();
        ctx.wake();
      });
  }

  private async ended(rj: RunningJob, outcome: JobRunOutcome): Promise<void> {
    for (const t of rj.timers) this.ctx.clock.clearTimeout(t);
    this.active--;
    this.pool.give(rj.needs);
    this.ctx.wake(); // room for more work now, before the paperwork
    try {
      if (!rj.lost) await this.onEnded(rj, outcome);
    } finally {
      this.running.delete(rj.key);
    }
  }

  /**
   * A job without resource requirements has Torc's default runtime (one minute), which says nothing about
   * the job: only a runtime someone set is enforced. One request, and only when the limit is hit.
   */
  private enforceRuntime(rj: RunningJob): void {
    const limit = rj.needs.runtimeSeconds;
    if (limit === undefined) return;
    rj.timers.push(this.ctx.clock.setTimeout(() => {
      void this.hasOwnRuntime(rj.key).then((own) => {
        if (!own || rj.stopReason) return;
        this.ctx.log('warn', `job ${rj.key} ran longer than its runtime of ${limit} s: terminating it`);
        this.stop(rj, 'terminated');
      });
    }, limit * 1000));
  }

  /** Whether the job has resource requirements of its own (the server answers a default without `_key`). */
  private async hasOwnRuntime(key: string): Promise<boolean> {
    try {
      return (await this.ctx.api.resourceRequirements(key))._key !== undefined;
    } catch {
      return true;
    }
  }

  /** Stops a job: gracefully first when it is terminated and a grace period applies, else at once. */
  stop(rj: RunningJob, reason: 'canceled' | 'terminated'): void {
    if (rj.stopReason === 'canceled' || rj.stopReason === reason) return;
    rj.stopReason = reason;
    rj.stop.abort(reason satisfies JobStopReason);
    if (reason === 'terminated' && this.ctx.graceMs > 0) {
      rj.timers.push(this.ctx.clock.setTimeout(() => rj.kill.abort(reason), this.ctx.graceMs));
    } else {
      rj.kill.abort(reason);
    }
  }

  /** Stops every job and waits until each one's end has been handled. */
  async stopAll(reason: 'canceled' | 'terminated'): Promise<void> {
    for (const rj of this.running.values()) this.stop(rj, reason);
    await Promise.all(this.jobs().map((rj) => rj.settled));
  }

  /** Another worker has this job now: kill our copy and never report it. */
  abandon(rj: RunningJob): void {
    rj.lost = true;
    rj.stop.abort('abandoned' satisfies JobStopReason);
    rj.kill.abort('abandoned' satisfies JobStopReason);
  }

  /** The worker is failing: leave nothing running behind (the server hands the jobs out again once the node lease expires). */
  killAll(): void {
    for (const rj of this.running.values()) {
      rj.stop.abort('abandoned' satisfies JobStopReason);
      rj.kill.abort('abandoned' satisfies JobStopReason);
    }
  }
}
