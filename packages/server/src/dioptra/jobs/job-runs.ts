// A Dioptra job's life as a run of the job lifecycle engine: one job named after the Dioptra job, on the
// Torc queue of the Dioptra queue's name, run by `pipeloom worker --queue <name>` as `dioptra-job <jobId>`.
// A job submitted with `depends_on` gets no run until that job has ended; releasing it claims the row and
// starts its run in one transaction, so a job is released once however many callers try.
import type { Db } from '../../db/client.ts';
import { runTransaction, type DbTx } from '../../db/transaction.ts';
import type { RunEngine, RunSpec } from '../../engine/run-engine.ts';
import { jobRepository } from './job-repository.ts';

export const JOB_OWNER = 'dioptra';

/** Where a job runs: its queue, whose registrant's workers run it as well as the submitter's. */
export interface JobQueue {
  name: string;
  createdBy: string | null;
}

export function jobRunSpec(jobId: string, user: string, queue: JobQueue): RunSpec {
  const runners = queue.createdBy ? [queue.createdBy] : [];
  return { owner: JOB_OWNER, name: `dioptra-job-${jobId}`, user, runners, queue: queue.name, jobs: [{ name: jobId, command: `dioptra-job ${jobId}`, after: [] }] };
}

export function jobRuns(db: Db, engine: RunEngine) {
  /** Starts the job's run inside `tx` (the transaction that stores the job); answers the run's key. */
  async function start(tx: DbTx, jobId: string, user: string, queue: JobQueue): Promise<string> {
    return (await engine.startRun(tx, jobRunSpec(jobId, user, queue))).workflowKey;
  }

  /** Starts the run of a held-back job inside `tx`; false when it had been released already. */
  async function releaseIn(tx: DbTx, jobId: string): Promise<boolean> {
    const jobs = jobRepository(tx);
    if (!(await jobs.claimForRelease(jobId))) return false;
    // Read after the claim: the queue's name now (it may have been renamed while the job waited).
    const job = await jobs.withNames(jobId);
    if (!job) return false;
    await jobs.setRunWorkflowKey(jobId, await start(tx, jobId, job.submittedBy, { name: job.queueName, createdBy: job.queueCreatedBy }));
    return true;
  }

  /**
   * Releases every job held back waiting for `jobId` (which has ended, whatever its outcome: as RQ), inside
   * `tx`: the transaction that records the end, so that no crash can leave them waiting for good.
   */
  async function releaseDependents(tx: DbTx, jobId: string): Promise<void> {
    for (const dependent of await jobRepository(tx).heldBackBy(jobId)) await releaseIn(tx, dependent.jobId);
  }

  return {
    start,

    /** Starts the run of a held-back job; false when it had been released already. */
    release: (jobId: string): Promise<boolean> => runTransaction(db, (tx) => releaseIn(tx, jobId)),

    /**
     * The job of a run canceled through the engine (a Torc client's cancel_workflow; Dioptra has no cancel of
     * its own) ends as `failed` unless it had ended, inside `tx`, and the jobs waiting for it are released.
     */
    async canceled(tx: DbTx, jobIds: readonly string[], at: Date): Promise<void> {
      for (const jobId of jobIds) {
        if (await jobRepository(tx).setStatus(jobId, ['queued', 'started'], 'failed', at)) await releaseDependents(tx, jobId);
      }
    },

    releaseDependents,
  };
}

export type JobRuns = ReturnType<typeof jobRuns>;
