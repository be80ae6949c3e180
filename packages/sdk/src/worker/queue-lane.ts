/**
 * One workflow a queue worker serves: its own context (run, compute node, config, grace period), its
 * running jobs, completions and heartbeat, as a one-workflow worker has them. The resource pool and the
 * wake-up of the main loop are shared by all lanes of a worker.
 * @module
 */
import fs from 'node:fs';
import { Claims } from './claims.js';
import type { Clock } from './clock.js';
import { CompletionQueue } from './completions.js';
import { WorkerContext, type Waker } from './context.js';
import { Heartbeat } from './heartbeat.js';
import type { JobKind } from './job-kind.js';
import { reportJobEnd } from './job-end.js';
import type { ResourcePool } from './resources.js';
import { describeError } from './retry.js';
import { JobSupervisor } from './running.js';
import { applyConfig, markInactive, runWorkflowScript, workerEvent } from './session.js';
import type { QueueJob, TorcWorkerApi } from './torc-api.js';
import type { QueueWorkerJobOutcome, WorkerLog } from './types.js';

/** What every lane of a queue worker shares. */
export interface LaneShared {
  api: TorcWorkerApi;
  clock: Clock;
  log: WorkerLog;
  cwd: string;
  stdioDir: string;
  serverUrl?: string;
  waker: Waker;
  pool: ResourcePool;
  jobKinds: readonly JobKind[];
  hostname: string;
  timeLimitSeconds?: number;
  giveUp: () => boolean;
}

export class QueueLane {
  readonly ctx: WorkerContext;
  readonly supervisor: JobSupervisor;
  readonly completions: CompletionQueue;
  /** Only for recovering jobs a claim whose answer was lost started on this lane's node. */
  readonly claims: Claims;
  private readonly heartbeat: Heartbeat;
  private openedAt = 0;
  /** Since when the lane has had nothing to do (undefined while it has). */
  idleSince?: number;

  constructor(private readonly shared: LaneShared, first: QueueJob) {
    const s = shared;
    this.ctx = new WorkerContext(s.api.forWorkflow(first.workflow_key), s.clock, s.log, first.workflow_key, s.cwd, s.stdioDir, s.serverUrl, s.waker);
    this.ctx.runId = first.run_id;
    this.ctx.node = { key: first.compute_node_key, id: first.compute_node_id };
    this.completions = new CompletionQueue(this.ctx);
    this.supervisor = new JobSupervisor(this.ctx, s.pool, s.jobKinds, (rj, outcome) => reportJobEnd(this.ctx, this.completions, rj, outcome));
    this.claims = new Claims(this.ctx, s.pool, this.supervisor, { maxParallel: Infinity, reporting: () => this.completions.busy });
    this.heartbeat = new Heartbeat(this.ctx, this.supervisor);
  }

  get workflowKey(): string {
    return this.ctx.workflowKey;
  }

  /** Whether nothing of this workflow is running or waiting to be reported. */
  get idle(): boolean {
    return this.supervisor.size === 0 && !this.completions.busy;
  }

  /** Reads the workflow's config, starts the heartbeat, and runs the worker startup script as a one-workflow worker does. */
  async open(): Promise<void> {
    const { ctx, shared } = this;
    this.openedAt = ctx.clock.now();
    applyConfig(ctx, await ctx.api.config({ giveUp: shared.giveUp }), shared.timeLimitSeconds);
    fs.mkdirSync(ctx.stdioDir, { recursive: true });
    await this.heartbeat.begin(shared.giveUp);
    await workerEvent(ctx, shared.hostname, 'start', `Worker ${shared.hostname}:${process.pid} serves this workflow from its queue as compute node ${ctx.node.key}`);
    ctx.log('info', `serving workflow ${ctx.workflowKey}, run ${ctx.runId}, as compute node ${ctx.node.key}`);
    if (ctx.config.worker_startup_script) await runWorkflowScript(ctx, 'worker_startup_script', ctx.config.worker_startup_script);
  }

  /** The claim answer names the workflow's current run; a restart is followed at once (older completions are refused by the server). */
  follow(job: QueueJob): void {
    if (job.run_id === this.ctx.runId) return;
    this.ctx.log('info', `workflow ${this.workflowKey} was restarted: now serving run ${job.run_id}`);
    this.ctx.runId = job.run_id;
  }

  /** Reports what is left, hands back what a lost claim answer gave us, and marks the node inactive; returns the outcomes. */
  async close(): Promise<QueueWorkerJobOutcome[]> {
    const { ctx, shared } = this;
    await this.completions.drain().catch(() => {});
    if (this.claims.reconcileNeeded) {
      await this.claims.releaseOrphans().catch((e: unknown) => ctx.log('warn', `jobs claimed by a lost answer may stay submitted until the node's lease expires (${describeError(e)})`));
    }
    this.heartbeat.stop();
    const duration = (ctx.clock.now() - this.openedAt) / 1000;
    await markInactive(ctx, duration);
    await workerEvent(ctx, shared.hostname, 'stop', `Worker ${shared.hostname}:${process.pid} left this workflow (compute node ${ctx.node.key}) after ${duration.toFixed(1)} s`);
    return this.completions.outcomes.map((o) => ({ ...o, workflow_key: this.workflowKey }));
  }

  /** The worker is failing: leave nothing running behind. */
  abandon(): void {
    this.supervisor.killAll();
    this.heartbeat.stop();
  }
}
