// What a worker running a Dioptra job does through the server, and what anyone may read of a job. Every
// write is allowed only to a worker that may run the job (signed in as its submitter, its queue's registrant
// or an administrator: 403 otherwise) and only while the job's engine run is held by a worker (claimed
// through the Torc queue), so a worker that lost its job (canceled, taken over after its lease ran out)
// cannot change it any more. Who may read a job is the family's sharing setting; a job the caller may not
// see answers as one that does not exist.
import type { Readable } from 'node:stream';
import type { Clock } from '../../clock.ts';
import type { ContentStore } from '../../content/content-store.ts';
import type { Db } from '../../db/client.ts';
import { runTransaction } from '../../db/transaction.ts';
import type { RunEngine } from '../../engine/run-engine.ts';
import { AppError } from '../../errors.ts';
import type { Identity } from '../../http/auth.ts';
import { JobDoesNotExistError } from '../errors.ts';
import { logKeyOf } from './content-keys.ts';
import { ENDED, jobRepository, type JobRecord, type JobWithNames } from './job-repository.ts';
import type { JobRuns } from './job-runs.ts';
import { DEFAULT_TIMEOUT_SECONDS, timeoutSeconds } from './job-timeout.ts';
import { pluginBundle, type PluginCollection } from './plugin-bundle.ts';
import type { Visibility } from '../visibility.ts';

export interface JobExecutionDeps {
  db: Db;
  clock: Clock;
  content: ContentStore;
  engine: RunEngine;
  runs: JobRuns;
  pluginCollections: PluginCollection[];
  seen: Visibility;
}

export interface JobStart {
  job: JobRecord;
  experimentName: string;
  queueName: string;
  timeoutSeconds: number;
  workflowFileName: string;
}

const conflict = (jobId: string, why: string) => new AppError('CONFLICT', `Conflict - Job ${jobId} ${why}.`);

export function jobExecution({ db, clock, content, engine, runs, pluginCollections, seen }: JobExecutionDeps) {
  const jobs = jobRepository(db);
  const now = () => new Date(clock.now());

  async function found(jobId: string, caller: Identity): Promise<JobWithNames> {
    const job = await jobs.withNames(jobId);
    if (!job || !seen.sees(caller, job.submittedBy, job.queueCreatedBy)) throw JobDoesNotExistError();
    return job;
  }

  /** The job, or 404; 403 unless the caller may run it (checked before its state, so nothing leaks). */
  async function runnable(jobId: string, caller: Identity): Promise<JobWithNames> {
    const job = await found(jobId, caller);
    // A job held back for its dependency has no run yet: only its submitter may get as far as the 409.
    const may = caller.isAdmin || (job.runWorkflowKey ? await engine.mayRun(job.runWorkflowKey, caller.user) : job.submittedBy === caller.user);
    if (!may) {
      throw new AppError('FORBIDDEN', `Forbidden - ${caller.user} may not run job ${job.jobId}.`);
    }
    return job;
  }

  async function mustBeClaimed(job: JobRecord): Promise<void> {
    if (!job.runWorkflowKey || !(await engine.isClaimed(job.runWorkflowKey, job.jobId))) throw conflict(job.jobId, 'is not held by a worker');
  }

  async function reread(jobId: string): Promise<JobRecord> {
    return (await jobs.byId(jobId)) ?? Promise.reject(JobDoesNotExistError());
  }

  return {
    async get(jobId: string, caller: Identity): Promise<JobRecord> {
      return found(jobId, caller);
    },

    list: (caller: Identity) => jobs.list(seen.limitTo(caller)),

    /** The job becomes `started`; again `started` for a worker that took it over from one that went away. */
    async start(jobId: string, caller: Identity): Promise<JobStart> {
      const job = await runnable(jobId, caller);
      if (ENDED.includes(job.status)) throw conflict(jobId, `has already ended (${job.status})`);
      await mustBeClaimed(job);
      if (!(await jobs.setStatus(jobId, ['queued', 'started'], 'started', now()))) throw conflict(jobId, 'has already ended');
      return {
        job: await reread(jobId),
        experimentName: job.experimentName,
        queueName: job.queueName,
        timeoutSeconds: job.timeout === null ? DEFAULT_TIMEOUT_SECONDS : timeoutSeconds(job.timeout) ?? DEFAULT_TIMEOUT_SECONDS,
        workflowFileName: job.workflowFileName,
      };
    },

    /** Records how the job ended and releases the jobs that wait for it, whatever the outcome (as RQ). */
    async finish(jobId: string, status: 'finished' | 'failed', caller: Identity): Promise<JobRecord> {
      const job = await runnable(jobId, caller);
      if (job.status !== 'started') throw conflict(jobId, job.status === 'queued' ? 'has not started' : `has already ended (${job.status})`);
      await mustBeClaimed(job);
      // One transaction: a crash after the end was recorded must not leave the jobs waiting for it held back for good.
      const ended = await runTransaction(db, async (tx) => {
        if (!(await jobRepository(tx).setStatus(jobId, ['started'], status, now()))) return false;
        await runs.releaseDependents(tx, jobId);
        return true;
      });
      if (!ended) throw conflict(jobId, 'has already ended');
      return reread(jobId);
    },

    /** Replaces the job's stored log with the file at `path`; answers its size. */
    async putLog(jobId: string, path: string, caller: Identity): Promise<{ size: number }> {
      const job = await runnable(jobId, caller);
      // Allowed after `finish` too, as long as the worker still holds the run: its last lines arrive then.
      await mustBeClaimed(job);
      const stored = await content.putFile(logKeyOf(jobId), path);
      await jobs.setLogKey(jobId, logKeyOf(jobId));
      return stored;
    },

    /** The job's log so far; null when none was handed in yet. */
    async openLog(jobId: string, caller: Identity): Promise<{ size: number; stream: Readable } | null> {
      const job = await found(jobId, caller);
      return job.logKey ? content.open(job.logKey) : null;
    },

    async openWorkflow(jobId: string, caller: Identity): Promise<{ size: number; stream: Readable; fileName: string }> {
      const job = await found(jobId, caller);
      const stored = await content.open(job.contentKey);
      if (!stored) throw new AppError('INTERNAL', `the workflow archive of job ${jobId} is missing from the content store`);
      return { size: stored.size, stream: stored.stream, fileName: job.workflowFileName };
    },

    async taskPlugins(jobId: string, caller: Identity): Promise<Readable> {
      await found(jobId, caller);
      return pluginBundle(pluginCollections);
    },
  };
}

export type JobExecution = ReturnType<typeof jobExecution>;
