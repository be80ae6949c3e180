/**
 * Reporting finished jobs: completions are queued, sent in batches through complete_jobs, retried while
 * the server is out of reach, and never dropped unless the server refuses them.
 * @module
 */
import { ApiError } from '../errors.js';
import type { WorkerContext } from './context.js';
import { describeError, isTransient } from './retry.js';
import type { Job } from './torc-api.js';
import type { CompletionStatus, WorkerJobOutcome, WorkerSummary } from './types.js';

/** Largest batch complete_jobs accepts. */
export const MAX_BATCH = 1000;

/** A finished job waiting to be reported. */
export interface PendingCompletion {
  job: Job;
  jobKey: string;
  status: CompletionStatus;
  returnCode: number;
  execMinutes: number;
  completionTime: string;
  /** Read the job's `_rev` right before sending (a cancel changed it). */
  freshRev: boolean;
}

/** Whether `error` is a refusal by the server (a non-transient API error) rather than an outage or a bug. */
const isRefusal = (error: unknown): error is ApiError => error instanceof ApiError && !isTransient(error);

/** How many jobs ended how. */
export function countOutcomes(outcomes: readonly WorkerJobOutcome[]): WorkerSummary['counts'] {
  const counts = { done: 0, failed: 0, canceled: 0, terminated: 0, rejected: 0 };
  for (const o of outcomes) {
    if (!o.accepted) counts.rejected++;
    else if (o.status === 'done') o.return_code === 0 ? counts.done++ : counts.failed++;
    else counts[o.status]++;
  }
  return counts;
}

export class CompletionQueue {
  readonly outcomes: WorkerJobOutcome[] = [];
  private readonly queue: PendingCompletion[] = [];
  private flushing?: Promise<void>;

  constructor(private readonly ctx: WorkerContext) {}

  /** Whether completions are queued or being sent. */
  get busy(): boolean {
    return this.queue.length > 0 || this.flushing !== undefined;
  }

  enqueue(c: PendingCompletion): void {
    this.queue.push(c);
    if (this.flushing) return;
    this.flushing = (async () => {
      // Let the jobs that ended together join one batch.
      await new Promise((r) => setImmediate(r));
      while (this.queue.length) await this.send(this.queue.splice(0, MAX_BATCH));
    })()
      .catch((e: unknown) => this.ctx.fail(e))
      .finally(() => {
        this.flushing = undefined;
        this.ctx.wake();
      });
  }

  /** Waits until every queued completion was sent (or refused). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  counts(): WorkerSummary['counts'] {
    return countOutcomes(this.outcomes);
  }

  private completion(c: PendingCompletion) {
    const result = { job_key: c.jobKey, run_id: this.ctx.runId, return_code: c.returnCode, exec_time_minutes: c.execMinutes, completion_time: c.completionTime, status: c.status };
    return { job_key: c.jobKey, rev: c.job._rev ?? '', status: c.status, result };
  }

  /** Sends completions until the server accepts or refuses each one; outages are retried by the facade. */
  private async send(batch: PendingCompletion[]): Promise<void> {
    const ready: PendingCompletion[] = [];
    for (const c of batch) {
      if (c.freshRev) {
        try {
          c.job = { ...c.job, _rev: (await this.ctx.api.readJob(c.jobKey))._rev };
        } catch (e) {
          if (!isRefusal(e)) throw e;
          this.refusedFor(c, e);
          continue;
        }
      }
      ready.push(c);
    }
    if (!ready.length) return;
    try {
      await this.ctx.api.completeJobs(this.ctx.node.key, { run_id: this.ctx.runId, completions: ready.map((c) => this.completion(c)) });
      for (const c of ready) this.record(c, true);
    } catch (e) {
      if (!isRefusal(e)) throw e;
      // All or nothing: find out which completion the server refused by sending them one at a time.
      if (ready.length > 1) for (const c of ready) await this.send([c]);
      else if (ready[0]) await this.refused(ready[0], e);
    }
  }

  /** The server refused one completion. Work out whether it is already recorded, or no longer ours. */
  private async refused(c: PendingCompletion, error: ApiError): Promise<void> {
    const { ctx } = this;
    if (error.status === 409) {
      try {
        const stored = await ctx.api.findResult(c.jobKey).catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return undefined;
          throw e;
        });
        if (stored && stored.completion_time === c.completionTime && stored.return_code === c.returnCode) {
          // An earlier attempt went through and only its answer was lost.
          ctx.log('info', `the completion of job ${c.jobKey} was already recorded`);
          this.record(c, true);
          return;
        }
        if (!stored && !c.freshRev && (await ctx.api.readJob(c.jobKey)).status === 'canceled') {
          // The workflow was canceled while the job was ending: report it as canceled, Torc's outcome.
          ctx.log('info', `job ${c.jobKey} was canceled while it ended; reporting it as canceled`);
          await this.send([{ ...c, status: 'canceled', freshRev: true }]);
          return;
        }
      } catch (e) {
        if (!isRefusal(e)) throw e;
      }
    }
    this.refusedFor(c, error);
  }

  private refusedFor(c: PendingCompletion, error: ApiError): void {
    this.ctx.log('warn', `the server refused the completion of job ${c.jobKey} (${describeError(error)}); it was probably handed to another worker after this worker's lease expired, or the workflow was restarted. Dropping it.`);
    this.record(c, false);
  }

  private record(c: PendingCompletion, accepted: boolean): void {
    this.outcomes.push({ job_key: c.jobKey, name: c.job.name, status: c.status, return_code: c.returnCode, accepted });
  }
}
