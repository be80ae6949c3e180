/**
 * The PLynx node job kind: how `pipeloom worker` runs a job of a PLynx graph run. The server turns each
 * node of an approved graph into a job whose command is `plynx-node <graph_id> <node_id>`; this kind asks
 * the server for the node (start), runs it with {@link runPlynxNode}, hands in its logs while it runs
 * (progress, which also says when the graph was canceled) and reports how it ended (finish). The Torc job
 * around it is claimed, supervised and completed by the worker as any other.
 * @module
 */
import type { PipeloomClient } from '../client.js';
import { ApiError } from '../errors.js';
import type { components } from '../generated/schema.js';
import { systemClock, type Clock } from '../worker/clock.js';
import type { ClaimedJob, JobKind, JobRunContext, JobRunOutcome } from '../worker/job-kind.js';
import { describeError, withRetry, type RetryPolicy } from '../worker/retry.js';
import { ProgressTicker } from './progress.js';
import { runPlynxNode } from './run-node.js';
import type { PlynxRunResult, PlynxRunStatus, RunPlynxNodeOptions } from './run-types.js';
import { serverRunIo } from './server-io.js';

type FinishRequest = components['schemas']['PlynxNodeFinishRequest'];

/** `plynx-node <graph_id> <node_id>`, both ids 24 hexadecimal digits. */
const COMMAND = /^\s*plynx-node\s+([0-9a-fA-F]{24})\s+([0-9a-fA-F]{24})\s*$/;

/** Return codes the worker reports: a canceled node as a process killed by SIGKILL would be. */
const RETURN_CODES: Record<PlynxRunStatus, number> = { SUCCESS: 0, FAILED: 1, CANCELED: -9 };

/** The graph and node a job runs, or undefined when its command is not a PLynx node's. */
export function parsePlynxNodeCommand(command: string): { graphId: string; nodeId: string } | undefined {
  const match = COMMAND.exec(command);
  return match ? { graphId: match[1]!, nodeId: match[2]! } : undefined;
}

export interface PlynxNodeJobKindOptions {
  /** A client for the server, carrying the worker's credentials. */
  client: PipeloomClient;
  /** How often the running node hands in its logs and asks whether it was canceled, in ms (default 1,000). */
  logIntervalMs?: number;
  /** How start, finish and resource transfers are retried (default: the worker's policy, 20 minutes' deadline). */
  retry?: RetryPolicy;
  /** Parent of the nodes' work directories (default: the system's temporary directory). */
  workRoot?: string;
  /** Where time is measured and timers run (default: the real clock). */
  clock?: Clock;
  /** More options for {@link runPlynxNode}: upload attempts, the Python interpreter, archive limits, ... */
  run?: Omit<RunPlynxNodeOptions, 'signal' | 'logIntervalMs' | 'onLogs' | 'workRoot' | 'clock' | 'env'>;
}

/**
 * A {@link JobKind} for jobs whose command is `plynx-node <graph_id> <node_id>`. Running one: `start`
 * answers the node with its inputs' resources (or that it was RESTORED from the cache: then nothing runs
 * and the job succeeds); the node runs in its own process group with its inputs downloaded and outputs
 * and logs uploaded as resources; every `logIntervalMs` the latest logs are handed in through `progress`,
 * whose answer `canceled: true` kills the node; `finish` reports SUCCESS, FAILED or CANCELED with the
 * outputs and logs. Return code: 0, 1, or -9 for CANCELED. The worker's `stop` and `kill` cancel the node.
 * A failed progress call never fails the node; start and finish are retried, and a finish the server
 * refuses (an output missing) is tried once more, then reported as FAILED; one it no longer takes (409: the
 * graph was canceled meanwhile) ends the job as CANCELED.
 *
 * `pipeloom worker` registers this kind by default.
 * @example
 * ```ts
 * import { createPipeloomClient, plynxNodeJobKind, runQueueWorker } from '@pipeloom/sdk/node';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080', token: process.env.PIPELOOM_TOKEN });
 * await runQueueWorker({ client, queues: ['plynx'], jobKinds: [plynxNodeJobKind({ client })], waitForNewJobsSeconds: Infinity });
 * ```
 */
export function plynxNodeJobKind(options: PlynxNodeJobKindOptions): JobKind {
  return {
    name: 'plynx-node',
    matches: (job) => parsePlynxNodeCommand(job.command) !== undefined,
    run: (job, ctx) => new PlynxNodeRun(options, job, ctx).run(),
  };
}

/** One run of one node: the three calls around {@link runPlynxNode}. */
class PlynxNodeRun {
  private readonly client: PipeloomClient;
  private readonly clock: Clock;
  private readonly path: { graph_id: string; node_id: string };
  private readonly label: string;

  constructor(private readonly options: PlynxNodeJobKindOptions, private readonly job: ClaimedJob, private readonly ctx: JobRunContext) {
    const ids = parsePlynxNodeCommand(job.command);
    if (!ids) throw new Error(`job ${job._key ?? ''} is not a PLynx node: ${job.command}`);
    this.client = options.client;
    this.clock = options.clock ?? systemClock;
    this.path = { graph_id: ids.graphId, node_id: ids.nodeId };
    this.label = `PLynx node ${ids.nodeId} of graph ${ids.graphId}`;
  }

  private policy(what: string): RetryPolicy {
    return {
      deadlineMs: 20 * 60_000,
      clock: this.clock,
      onRetry: (error, attempt, delay) =>
        this.ctx.log(attempt === 1 ? 'warn' : 'debug', `${what} of ${this.label} failed (${describeError(error)}); retrying in ${(delay / 1000).toFixed(1)} s`),
      ...this.options.retry,
    };
  }

  async run(): Promise<JobRunOutcome> {
    const { ctx } = this;
    const cancel = new AbortController();
    const abort = () => cancel.abort();
    for (const signal of [ctx.stop, ctx.kill]) {
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    }
    try {
      const started = await this.start();
      if (started === 'not-held') return { returnCode: RETURN_CODES.CANCELED };
      if (started.restored) {
        ctx.log('info', `${this.label} was restored from the cache: nothing to run`);
        return { returnCode: 0 };
      }
      const result = await this.execute(started.node, cancel);
      return { returnCode: await this.finish(result) };
    } finally {
      ctx.stop.removeEventListener('abort', abort);
      ctx.kill.removeEventListener('abort', abort);
    }
  }

  /** Asks for the node; `not-held` when the server no longer gives this node to this worker (canceled, ended). */
  private async start() {
    try {
      return await withRetry((signal) => this.client.POST('/plynx/api/v0/runs/{graph_id}/nodes/{node_id}/start', { params: { path: this.path }, signal }), {
        ...this.policy('starting'),
        giveUp: () => this.ctx.kill.aborted,
      });
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 409) throw error;
      this.ctx.log('warn', `${this.label} is not this worker's to run any more (${describeError(error)}): nothing was run`);
      return 'not-held' as const;
    }
  }

  private async execute(node: components['schemas']['PlynxNode'], cancel: AbortController): Promise<PlynxRunResult> {
    const { ctx, options } = this;
    const intervalMs = options.logIntervalMs ?? 1_000;
    const ticker = new ProgressTicker({
      clock: this.clock,
      intervalMs,
      report: async (logs) => {
        const { data, error, response } = await this.client.POST('/plynx/api/v0/runs/{graph_id}/nodes/{node_id}/progress', {
          params: { path: this.path },
          body: { logs },
          signal: AbortSignal.timeout(Math.max(5_000, intervalMs * 2)),
        });
        // 409: the node's job is no longer held for this worker (the graph was canceled or ended).
        if (response.status === 409) return true;
        if (!response.ok || !data) throw new Error(`${response.status} ${JSON.stringify(error ?? '')}`);
        return data.canceled;
      },
      onCanceled: () => {
        ctx.log('info', `${this.label} was canceled: killing it`);
        cancel.abort();
      },
      onError: (error, failures) => ctx.log(failures === 1 ? 'warn' : 'debug', `progress of ${this.label} could not be reported (${describeError(error)}); it keeps running`),
    });
    try {
      return await runPlynxNode(node, serverRunIo(this.client, this.policy('a resource transfer')), {
        ...options.run,
        signal: cancel.signal,
        clock: this.clock,
        env: ctx.env,
        workRoot: options.workRoot,
        logIntervalMs: intervalMs,
        onLogs: (logs) => ticker.update(logs),
      });
    } finally {
      await ticker.stop();
    }
  }

  /** Reports the end; answers the job's return code. */
  private async finish(result: PlynxRunResult): Promise<number> {
    const body: FinishRequest = { status: result.status, outputs: result.outputs, logs: result.logs, ...(result.reason ? { reason: result.reason } : {}) };
    this.ctx.log(result.status === 'SUCCESS' ? 'info' : 'warn', `${this.label} ended: ${result.status}${result.reason ? ` (${result.reason})` : ''}`);
    try {
      await this.postFinish(body);
      return RETURN_CODES[result.status];
    } catch (error) {
      // 409: the graph was canceled (or the node handed to another worker) while the node ran; nothing to record.
      if (error instanceof ApiError && error.status === 409) {
        this.ctx.log('warn', `${this.label} is not this worker's any more (${describeError(error)}): its end was not recorded`);
        return RETURN_CODES.CANCELED;
      }
      if (!(error instanceof ApiError) || error.status !== 400 || result.status !== 'SUCCESS') throw error;
      this.ctx.log('warn', `the server refused the outputs of ${this.label} (${describeError(error)}); trying once more`);
    }
    try {
      await this.postFinish(body);
      return 0;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 400) throw error;
      const reason = `the server refused the outputs: ${describeError(error)}`;
      this.ctx.log('warn', `${this.label}: ${reason}; reporting it FAILED`);
      await this.postFinish({ status: 'FAILED', outputs: {}, logs: result.logs, reason });
      return RETURN_CODES.FAILED;
    }
  }

  private postFinish(body: FinishRequest) {
    return withRetry((signal) => this.client.POST('/plynx/api/v0/runs/{graph_id}/nodes/{node_id}/finish', { params: { path: this.path }, body, signal }), this.policy('finishing'));
  }
}

