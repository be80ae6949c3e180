/**
 * The queue worker: one process that serves every started workflow on one or more named queues
 * (`pipeloom worker --queue plynx`). It claims with the claim_queue_jobs extension, which hands out jobs of
 * many workflows at once, and runs each job in the lane of its own workflow (see queue-lane.ts): status
 * updates, completions and heartbeats go to that workflow with the compute node the server gave the
 * worker there. Resources, `maxParallelJobs`, the time limit and stopping on a signal are the worker's, as
 * for a one-workflow worker.
 * @module
 */
import os from 'node:os';
import path from 'node:path';
import pidusage from 'pidusage';
import { ApiError } from '../errors.js';
import { systemClock } from './clock.js';
import { claimLimit } from './claims.js';
import { countOutcomes } from './completions.js';
import { Waker, WorkerContext } from './context.js';
import { QueueLane, type LaneShared } from './queue-lane.js';
import { workerResources, formatDuration, parseDurationSeconds, ResourcePool, type WorkerResources } from './resources.js';
import { describeError } from './retry.js';
import { TorcWorkerApi, type QueueJob } from './torc-api.js';
import type { QueueWorkerJobOutcome, QueueWorkerOptions, QueueWorkerSummary, WorkerLog } from './types.js';

// A queue worker is how a PLynx graph starts running: ask often, as PLynx's workers report every second.
const DEFAULT_POLL_MS = 1_000;
/** A lane with nothing to do for this long is closed (its node marked inactive); a later job reopens it. */
const LANE_IDLE_MS = 30_000;

const stderrLog: WorkerLog = (level, message) => {
  if (level !== 'debug') process.stderr.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
};

/** What one round of claims did; `unfinished` is known when no queue handed out anything. */
interface QueueClaimRound {
  count: number;
  limit: number;
  unfinished?: number;
}

/**
 * Runs the jobs of every started workflow on `queues` on this machine until nothing is left to do on them
 * for `waitForNewJobsSeconds` (or the time limit or `signal` stops it), and resolves with what it did.
 * Any number of queue workers, and one-workflow workers, can serve the same workflows: the server never
 * hands a job to two of them.
 *
 * @example
 * ```ts
 * import { createPipeloomClient, runQueueWorker } from '@pipeloom/sdk/node';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080' });
 * const summary = await runQueueWorker({ client, queues: ['plynx'], waitForNewJobsSeconds: Infinity });
 * ```
 */
export async function runQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerSummary> {
  return new QueueWorker(options).run();
}

class QueueWorker {
  private readonly root: WorkerContext;
  private readonly shared: LaneShared;
  private readonly resources: WorkerResources;
  private readonly pool: ResourcePool;
  private readonly startedAt: number;
  private readonly timeLimitSeconds?: number;
  private readonly maxParallel: number;
  private readonly lanes = new Map<string, QueueLane>();
  /** The compute node the server gave this worker in each workflow, kept after its lane closes. */
  private readonly nodes: Record<string, string> = {};
  private readonly outcomes: QueueWorkerJobOutcome[] = [];
  private readonly served = new Map<string, { workflowKey: string; computeNodeKey: string; runId: number }>();
  private claimWaitMs = 0;
  private terminateAt?: number;

  constructor(private readonly options: QueueWorkerOptions) {
    if (!options.queues.length) throw new Error('a queue worker needs at least one queue');
    const clock = options.clock ?? systemClock;
    const log = options.log ?? stderrLog;
    const cwd = path.resolve(options.cwd ?? process.cwd());
    const api = new TorcWorkerApi({ client: options.client, workflowKey: '', log, clock });
    const stdioDir = path.join(path.resolve(cwd, options.outputDir ?? 'output'), 'job-stdio');
    const waker = new Waker(clock);
    this.root = new WorkerContext(api, clock, log, '', cwd, stdioDir, options.serverUrl, waker);
    this.startedAt = clock.now();
    this.resources = workerResources(options.resources);
    this.pool = new ResourcePool(this.resources);
    if (options.timeLimit) this.timeLimitSeconds = parseDurationSeconds(options.timeLimit);
    this.maxParallel = options.maxParallelJobs && options.maxParallelJobs > 0 ? options.maxParallelJobs : Infinity;
    this.shared = {
      api, clock, log, cwd, stdioDir, serverUrl: options.serverUrl, waker, pool: this.pool, jobKinds: options.jobKinds ?? [],
      hostname: options.hostname ?? os.hostname(), timeLimitSeconds: this.timeLimitSeconds, giveUp: () => this.options.signal?.aborted === true,
    };
  }

  async run(): Promise<QueueWorkerSummary> {
    const { root } = this;
    const signal = this.options.signal;
    const onAbort = () => root.requestStop('signal', 'asked to stop: terminating running jobs');
    if (signal?.aborted) throw new Error('the worker was aborted before it started');
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer;
    try {
      await root.api.ping({ giveUp: this.shared.giveUp });
      if (this.timeLimitSeconds !== undefined) {
        // As a one-workflow worker: stop jobs early enough for those that support termination to wind down.
        this.terminateAt = this.startedAt + this.timeLimitSeconds * 1000 - Math.min(30_000, (this.timeLimitSeconds * 1000) / 4);
        timer = root.clock.setTimeout(() => root.requestStop('time-limit', 'time limit reached: terminating running jobs'), Math.max(0, this.terminateAt - root.clock.now()));
      }
      root.log('info', `queue worker started for ${this.options.queues.join(', ')} with ${this.resources.cpus} CPUs, ${this.resources.memoryGb} GiB, ${this.resources.gpus} GPUs`);
      let reason: QueueWorkerSummary['reason'];
      try {
        reason = await this.mainLoop();
      } catch (e) {
        for (const lane of this.lanes.values()) lane.abandon();
        throw e;
      } finally {
        await this.shutDown();
      }
      return this.summary(reason);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      root.clock.clearTimeout(timer);
    }
  }

  private get active(): number {
    let n = 0;
    for (const lane of this.lanes.values()) n += lane.supervisor.activeCount;
    return n;
  }

  private get hasRoom(): boolean {
    return this.active < this.maxParallel && this.pool.hasRoom;
  }

  private async mainLoop(): Promise<QueueWorkerSummary['reason']> {
    const { root } = this;
    const pollMs = this.options.pollIntervalMs ?? DEFAULT_POLL_MS;
    const waitForNewJobsMs = (this.options.waitForNewJobsSeconds ?? 0) * 1000;
    let idleSince: number | undefined;
    for (;;) {
      const fatal = root.fatal ?? [...this.lanes.values()].find((l) => l.ctx.fatal !== undefined)?.ctx.fatal;
      if (fatal !== undefined) throw fatal;
      if (root.stopCause) return this.stopEverything(root.stopCause === 'time-limit' ? 'time-limit' : 'signal');
      await this.tendLanes();
      let unfinished: number | undefined;
      if (this.hasRoom) {
        const round = await this.claim();
        // A full batch: more may be waiting.
        if (round.count > 0 && round.count === round.limit) continue;
        unfinished = round.unfinished;
      }
      let waitMs = pollMs;
      const idle = unfinished === 0 && [...this.lanes.values()].every((l) => l.idle);
      if (idle && !root.stopping) {
        idleSince ??= root.clock.now();
        const left = idleSince + waitForNewJobsMs - root.clock.now();
        if (left <= 0) {
          root.log('info', `nothing left to do on ${this.options.queues.join(', ')}`);
          return 'complete';
        }
        waitMs = Math.min(waitMs, left);
      } else {
        idleSince = undefined;
      }
      await root.waitForWake(waitMs);
    }
  }

  /** Closes lanes whose workflow was canceled (after stopping their jobs) or that were idle for long; recovers lost claims. */
  private async tendLanes(): Promise<void> {
    const now = this.root.clock.now();
    for (const lane of [...this.lanes.values()]) {
      if (lane.ctx.stopCause === 'canceled') {
        await lane.supervisor.stopAll('canceled');
        await this.closeLane(lane);
        continue;
      }
      if (lane.claims.reconcileNeeded) await lane.claims.reconcile();
      if (!lane.idle) lane.idleSince = undefined;
      else if ((lane.idleSince ??= now) + LANE_IDLE_MS <= now) await this.closeLane(lane);
    }
  }

  private async closeLane(lane: QueueLane): Promise<void> {
    this.lanes.delete(lane.workflowKey);
    this.outcomes.push(...(await lane.close()));
  }

  /** Asks each queue in turn for as many jobs as fit, and starts them in their workflows' lanes. */
  private async claim(): Promise<QueueClaimRound> {
    const { root } = this;
    const remaining = this.terminateAt === undefined ? undefined : Math.floor((this.terminateAt - root.clock.now()) / 1000);
    if (remaining !== undefined && remaining <= 0) return { count: 0, limit: 0 };
    const limit = claimLimit(this.maxParallel, this.active, this.pool.free(remaining).num_cpus);
    let count = 0;
    let unfinished: number | undefined = 0;
    for (const queue of this.options.queues) {
      if (!this.hasRoom || count >= limit) break;
      const jobs = await this.claimFrom(queue, limit - count, remaining);
      if (jobs === undefined) {
        unfinished = undefined;
        continue;
      }
      count += jobs.started;
      unfinished = jobs.unfinished === undefined || unfinished === undefined ? undefined : unfinished + jobs.unfinished;
    }
    return { count, limit, unfinished: count ? undefined : unfinished };
  }

  /** One claim_queue_jobs call; undefined when it was given up (the worker is stopping). */
  private async claimFrom(queue: string, limit: number, remaining: number | undefined): Promise<{ started: number; unfinished?: number } | undefined> {
    const { root } = this;
    const r = this.resources;
    let uncertain = false;
    const asked = root.clock.now();
    let answer;
    try {
      answer = await root.api.claimQueueJobs(queue, {
        worker: {
          hostname: this.shared.hostname, pid: process.pid, start_time: new Date(this.startedAt).toISOString(),
          resources: { num_cpus: r.cpus, memory_gb: r.memoryGb, num_gpus: r.gpus, num_nodes: 1, time_limit: this.timeLimitSeconds === undefined ? null : formatDuration(this.timeLimitSeconds), scheduler_config_id: '' },
        },
        compute_nodes: { ...this.nodes },
        limit,
        resources: this.pool.free(remaining),
      }, {
        giveUp: () => root.stopping,
        onRetry: (error, attempt, delay) => {
          // Without an answer we cannot know whether the server handed us jobs; nor after a 5xx, which may
          // come after the claim committed (see claims.ts).
          if (!(error instanceof ApiError) || error.status >= 500) uncertain = true;
          root.log(attempt === 1 ? 'warn' : 'debug', `claiming jobs from queue ${queue} failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`);
        },
      });
    } catch (e) {
      if (root.stopping) return undefined;
      throw e;
    } finally {
      // Jobs of a lost answer went to our node in a workflow we serve, or to a node the server registered
      // for us that no heartbeat keeps alive (its lease hands them out again).
      if (uncertain) for (const lane of this.lanes.values()) lane.claims.reconcileNeeded = true;
    }
    this.claimWaitMs += root.clock.now() - asked;
    for (const job of answer.jobs) await this.start(job);
    if (answer.jobs.length) root.log('debug', `claimed ${answer.jobs.length} job(s) from queue ${queue}: ${answer.jobs.map((j) => `${j.workflow_key}/${j.job._key}`).join(', ')}`);
    return { started: answer.jobs.length, unfinished: answer.unfinished_jobs };
  }

  /** Starts a claimed job in its workflow's lane, opening the lane first when it is the workflow's first job here. */
  private async start(claimed: QueueJob): Promise<void> {
    let lane = this.lanes.get(claimed.workflow_key);
    if (lane) {
      lane.follow(claimed);
    } else {
      lane = new QueueLane(this.shared, claimed);
      this.lanes.set(claimed.workflow_key, lane);
      await lane.open();
    }
    this.nodes[claimed.workflow_key] = claimed.compute_node_key;
    this.served.set(claimed.workflow_key, { workflowKey: claimed.workflow_key, computeNodeKey: claimed.compute_node_key, runId: claimed.run_id });
    lane.idleSince = undefined;
    lane.supervisor.start(claimed.job);
  }

  /** Stops every job in every lane and reports them. */
  private async stopEverything(cause: 'signal' | 'time-limit'): Promise<QueueWorkerSummary['reason']> {
    const lanes = [...this.lanes.values()];
    for (const lane of lanes) lane.ctx.requestStop(cause);
    await Promise.all(lanes.map(async (lane) => {
      await lane.supervisor.stopAll('terminated');
      await lane.completions.drain();
    }));
    const fatal = this.root.fatal ?? lanes.find((l) => l.ctx.fatal !== undefined)?.ctx.fatal;
    if (fatal !== undefined) throw fatal;
    return cause;
  }

  private async shutDown(): Promise<void> {
    for (const lane of [...this.lanes.values()]) {
      await this.closeLane(lane).catch((e: unknown) => this.root.log('warn', `leaving workflow ${lane.workflowKey} failed (${describeError(e)})`));
    }
    pidusage.clear();
  }

  private summary(reason: QueueWorkerSummary['reason']): QueueWorkerSummary {
    const counts = countOutcomes(this.outcomes);
    this.root.log('info', `queue worker leaving (${reason}): ${JSON.stringify(counts)}`);
    return {
      queues: this.options.queues, workflows: [...this.served.values()], reason, durationSeconds: (this.root.clock.now() - this.startedAt) / 1000,
      claimWaitSeconds: this.claimWaitMs / 1000, jobs: this.outcomes, counts,
    };
  }
}
