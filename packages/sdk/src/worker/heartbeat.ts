/**
 * The compute node's lease: heartbeats keep it alive, tell the worker when the workflow was canceled,
 * and after an outage longer than the lease, find the jobs the server handed to other workers.
 * @module
 */
import type { TimerHandle } from './clock.js';
import type { WorkerContext } from './context.js';
import type { JobSupervisor } from './running.js';
import { describeError } from './retry.js';

/** Shortest and longest time between heartbeats. */
const MIN_INTERVAL_MS = 250;
const MAX_INTERVAL_MS = 5_000;

export class Heartbeat {
  /** How long the server keeps the node's lease without a heartbeat. */
  leaseMs = 120_000;
  intervalMs = MAX_INTERVAL_MS;
  private timer?: TimerHandle;
  private stopped = false;

  constructor(private readonly ctx: WorkerContext, private readonly supervisor: JobSupervisor) {}

  /** The first heartbeat, retried like any call; it tells the lease, and so the interval. */
  async begin(giveUp: () => boolean): Promise<void> {
    const lease = await this.ctx.api.heartbeat(this.ctx.node.key, { giveUp });
    this.leaseMs = lease.node_lease_seconds * 1000;
    // Well under the lease: a worker survives two lost heartbeats in a row.
    this.intervalMs = Math.max(MIN_INTERVAL_MS, Math.min(MAX_INTERVAL_MS, this.leaseMs / 4));
    this.schedule(this.ctx.clock.now());
  }

  stop(): void {
    this.stopped = true;
    this.ctx.clock.clearTimeout(this.timer);
  }

  private schedule(lastOk: number): void {
    this.timer = this.ctx.clock.setTimeout(() => void this.beat(lastOk), this.intervalMs);
  }

  /** One heartbeat, not retried: the next one is the retry. */
  private async beat(lastOk: number): Promise<void> {
    const { ctx } = this;
    if (this.stopped) return;
    try {
      const answer = await ctx.api.heartbeat(ctx.node.key, { giveUp: () => true, attemptTimeoutMs: Math.max(5_000, this.intervalMs * 2) });
      const gap = ctx.clock.now() - lastOk;
      lastOk = ctx.clock.now();
      if (answer.is_canceled) ctx.requestStop('canceled', 'the workflow was canceled: killing running jobs');
      if (gap > this.leaseMs && this.supervisor.size) await this.checkLeases();
    } catch (e) {
      ctx.log('warn', `heartbeat failed (${describeError(e)})`);
    }
    if (!this.stopped) this.schedule(lastOk);
  }

  /**
   * After an outage longer than the node lease the server may have handed our running jobs to other
   * workers (their `_rev` changed). Those copies are stopped and never reported; the other worker runs them.
   */
  private async checkLeases(): Promise<void> {
    for (const rj of this.supervisor.jobs()) {
      if (rj.stopReason || rj.lost) continue;
      try {
        const now = await this.ctx.api.readJob(rj.key);
        if (now._rev !== rj.job._rev && now.status !== 'canceled') {
          this.ctx.log('warn', `job ${rj.key} was handed to another worker while this one was out of reach; stopping this copy`);
          this.supervisor.abandon(rj);
        }
      } catch (e) {
        this.ctx.log('warn', `could not check job ${rj.key} (${describeError(e)})`);
      }
    }
  }
}
