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
  return {
    /** Starts the job's run inside `tx` (the transaction that stores the job); answers the run's key. */
    async start(tx: DbTx, jobId: string, user: string, queue: JobQueue): Promise<string> {
      return (await engine.startRun(tx, jobRunSpec(jobId, user, queue))).workflowKey;
    },

    /** Starts the run of a held-back job; false when it had been released already. */
    async release(jobId: string): Promise<boolean> {
      return runTransaction(db, async (tx) => {
        const jobs = jobRepository(tx);
        if (!(await jobs.claimForRelease(jobId))) return false;
        // Read after the claim: the queue's name now (it may have been renamed while the job waited).
        const job = await jobs.withNames(jobId);
        if (!job) return false;
        await jobs.setRunWorkflowKey(jobId, await this.start(tx, jobId, job.submittedBy, { name: job.queueName, createdBy: job.queueCreatedBy }));
        return true;
      });
    },

    /** Releases every job held back waiting for `jobId` (which has ended, whatever its outcome: as RQ). */
    async releaseDependents(jobId: string): Promise<void> {
      for (const dependent of await jobRepository(db).heldBackBy(jobId)) await this.release(dependent.jobId);
    },
  };
}

export type JobRuns = ReturnType<typeof jobRuns>;
