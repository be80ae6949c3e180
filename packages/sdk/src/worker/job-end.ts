/**
 * What happens when a job's run ends: a successful job's outputs are checked, its completion is queued
 * for reporting, and its process statistics are recorded.
 * @module
 */
import { ApiError } from '../errors.js';
import type { CompletionQueue } from './completions.js';
import type { WorkerContext } from './context.js';
import type { JobRunOutcome } from './job-kind.js';
import { recordOutputs, recordProcessStats } from './outputs.js';
import { describeError, isTransient } from './retry.js';
import type { RunningJob } from './running.js';
import type { CompletionStatus } from './types.js';

/** Checks a finished job's outputs, queues its completion on `completions` and records its statistics. */
export async function reportJobEnd(ctx: WorkerContext, completions: CompletionQueue, rj: RunningJob, outcome: JobRunOutcome): Promise<void> {
  const status: CompletionStatus = rj.stopReason ?? 'done';
  let returnCode = outcome.returnCode;
  const execMinutes = (ctx.clock.now() - rj.startedAt) / 60_000;
  if (status === 'done' && returnCode === 0) {
    try {
      returnCode = await recordOutputs(ctx, rj.job, rj.key);
    } catch (e) {
      if (!(e instanceof ApiError) || isTransient(e)) throw e;
      // Outputs that cannot be checked do not count as produced.
      ctx.log('warn', `the outputs of job ${rj.key} could not be checked (${describeError(e)}): it failed`);
      returnCode = 1;
    }
  }
  ctx.log(status === 'done' && returnCode === 0 ? 'info' : 'warn', `job ${rj.key} (${rj.job.name ?? ''}) ended: ${status}, return code ${returnCode}`);
  const completionTime = new Date(ctx.clock.now()).toISOString();
  completions.enqueue({ job: rj.job, jobKey: rj.key, status, returnCode, execMinutes, completionTime, freshRev: status === 'canceled' });
  if (outcome.stats) await recordProcessStats(ctx, rj.job, rj.key, outcome.stats);
}
