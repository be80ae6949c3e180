// One job's moves through its statuses (semantics.md §3): start_job, complete_job (and the batched
// complete_jobs extension) with the synchronous downstream update, and manage_status_change. Every check
// runs before the first write, and each call's writes share one transaction.
import type { components } from '@pipeloom/sdk/generated';
import type { Clock } from '../../clock.ts';
import { AppError, notFound } from '../../errors.ts';
import { conflict, parseKey, parseRev } from '../documents.ts';
import { releaseDownstream } from './downstream.ts';
import type { InputHasher } from './input-hash.ts';
import { isComplete, jobToWire, type CompleteStatus, type JobModel, type JobRow, type JobStatus } from './job-wire.ts';
import type { LeaseService } from './leases.ts';
import type { LifecycleRepository } from './lifecycle-repository.ts';
import type { EventRecord, ResultRecord } from './record-repository.ts';
import type { WorkflowGate } from './workflow-gate.ts';

type Schemas = components['schemas'];
export type ResultBody = Schemas['result_model'];
export type CompleteJobsRequest = Schemas['complete_jobs_request'];

const failed = (status: CompleteStatus, returnCode: number) => status !== 'done' || returnCode !== 0;

const resultRecord = (jobKey: string, runId: number, status: CompleteStatus, r: ResultBody): ResultRecord => ({
  jobKey, runId, returnCode: r.return_code, execTimeMinutes: r.exec_time_minutes, completionTime: r.completion_time, status,
});

const completeEvent = (key: string, job: JobRow, node: string, status: CompleteStatus, returnCode: number): EventRecord => ({
  category: 'job', type: 'complete', message: `Completed job ${job.name ?? key} with status ${status} and return code ${returnCode}`,
  extra: { job_key: key, job_name: job.name, node_name: node },
});

export class TransitionService {
  constructor(
    private readonly repo: LifecycleRepository,
    private readonly gate: WorkflowGate,
    private readonly leases: LeaseService,
    private readonly hasher: InputHasher,
    private readonly clock: Clock,
  ) {}

  /** The checks every per-job call makes, before it writes anything. */
  private async checkJob(workflowKey: string, key: string, rev: string, runId: number) {
    const wf = await this.gate.workflow(workflowKey);
    const state = await this.gate.runWithJob(wf.id, parseKey(key, 'job'));
    const { job } = state;
    if (!job) throw notFound(`job ${key} of workflow ${workflowKey}`);
    if (runId !== state.runId) throw new AppError('INVALID_ARGUMENT', `run_id ${runId} is not the workflow's current run ${state.runId}`);
    if (parseRev(rev) !== job.rev) throw conflict('job', key, rev, job.rev);
    return { wf, job };
  }

  async startJob(workflowKey: string, key: string, rev: string, runId: number, computeNodeKey: string): Promise<JobModel> {
    const { wf, job } = await this.checkJob(workflowKey, key, rev, runId);
    if (job.status !== 'submitted_pending') throw new AppError('INVALID_ARGUMENT', `job ${key} is ${job.status}; only a submitted_pending job can start`);
    const node = await this.leases.touch(wf.id, computeNodeKey);
    const row = await this.repo.transaction(async (repo) => {
      const updated = await repo.jobs.setStatusAt(job.id, job.rev, 'submitted', { from: 'submitted_pending' });
      if (!updated) throw conflict('job', key, rev, job.rev + 1);
      await repo.records.executed(wf.id, node.id, [job.id], runId);
      await repo.records.events(wf.id, [{
        category: 'job', type: 'start', message: `Started job ${job.name ?? key}`, extra: { job_key: key, job_name: job.name, node_name: node.hostname },
      }], this.clock.now());
      return updated;
    });
    return jobToWire(row);
  }

  async completeJob(workflowKey: string, key: string, status: CompleteStatus, rev: string, runId: number, computeNodeKey: string, result: ResultBody): Promise<JobModel> {
    const { wf, job } = await this.checkJob(workflowKey, key, rev, runId);
    if (result.job_key !== key) throw new AppError('INVALID_ARGUMENT', `the result is for job ${result.job_key}, not ${key}`);
    if (result.run_id !== runId) throw new AppError('INVALID_ARGUMENT', `the result is for run ${result.run_id}, not ${runId}`);
    const node = await this.leases.touch(wf.id, computeNodeKey);
    const hash = (await this.hasher.hashes([job])).get(job.id) ?? 0;
    const row = await this.repo.transaction(async (repo) => {
      const updated = await repo.jobs.setStatusAt(job.id, job.rev, status, { hash });
      if (!updated) throw conflict('job', key, rev, job.rev + 1);
      await repo.records.results(wf.id, [{ jobId: job.id, result: resultRecord(key, runId, status, result) }]);
      if (!isComplete(job.status)) await releaseDownstream(repo.jobs, wf.id, [{ id: job.id, failed: failed(status, result.return_code) }]);
      await repo.records.events(wf.id, [completeEvent(key, job, node.hostname, status, result.return_code)], this.clock.now());
      return updated;
    });
    return jobToWire(row);
  }

  /** Pipeloom extension: complete_job for many jobs, all checked first and written in one transaction. */
  async completeJobs(key: string, body: CompleteJobsRequest): Promise<Schemas['complete_jobs_response']> {
    const wf = await this.gate.workflow(key);
    await this.gate.currentRun(wf.id, body.run_id);
    const node = await this.leases.touch(wf.id, body.compute_node_key);
    const ids = body.completions.map((c) => parseKey(c.job_key, 'job'));
    if (new Set(ids).size !== ids.length) throw new AppError('INVALID_ARGUMENT', 'each job may be completed once per call');
    for (const c of body.completions) {
      if (c.result.job_key !== c.job_key) throw new AppError('INVALID_ARGUMENT', `the result for job ${c.job_key} names job ${c.result.job_key}`);
      if (c.result.run_id !== body.run_id) throw new AppError('INVALID_ARGUMENT', `the result for job ${c.job_key} is for run ${c.result.run_id}, not ${body.run_id}`);
    }
    const found = new Map((await this.repo.jobs.jobsByIds(wf.id, ids)).map((j) => [j.id, j]));
    const work = body.completions.map((c, i) => {
      const job = found.get(ids[i]!);
      if (!job) throw notFound(`job ${c.job_key} of workflow ${key}`);
      if (parseRev(c.rev) !== job.rev) throw conflict('job', c.job_key, c.rev, job.rev);
      return { c, job };
    });
    const hashes = await this.hasher.hashes(work.map((w) => w.job));
    const rows = await this.repo.transaction(async (repo) => {
      // One UPDATE for the batch; its rev guard turns any concurrent change into a 409 and a rollback.
      const updated = await repo.jobs.completeAt(wf.id, work.map(({ c, job }) => ({ id: job.id, rev: job.rev, status: c.status, hash: hashes.get(job.id) ?? 0 })));
      if (updated.length !== work.length) {
        const moved = work.find((w) => !updated.some((u) => u.id === w.job.id))!;
        throw conflict('job', moved.job.id, moved.c.rev, moved.job.rev + 1);
      }
      await repo.records.results(wf.id, work.map(({ c, job }) => ({ jobId: job.id, result: resultRecord(String(job.id), body.run_id, c.status, c.result) })));
      const released = work.filter(({ job }) => !isComplete(job.status)).map(({ c, job }) => ({ id: job.id, failed: failed(c.status, c.result.return_code) }));
      await releaseDownstream(repo.jobs, wf.id, released);
      await repo.records.events(wf.id, work.map(({ c, job }) => completeEvent(c.job_key, job, node.hostname, c.status, c.result.return_code)), this.clock.now());
      return updated;
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { jobs: ids.flatMap((id) => { const row = byId.get(id); return row ? [jobToWire(row)] : []; }) };
  }

  async manageStatusChange(workflowKey: string, key: string, status: JobStatus, rev: string, runId: number): Promise<JobModel> {
    const { wf, job } = await this.checkJob(workflowKey, key, rev, runId);
    if (isComplete(status)) throw new AppError('INVALID_ARGUMENT', `use complete_job to set ${status}`);
    if (job.status === status) return jobToWire(job);
    const row = await this.repo.transaction(async (repo) => {
      const updated = await repo.jobs.setStatusAt(job.id, job.rev, status);
      if (!updated) throw conflict('job', key, rev, job.rev + 1);
      if (isComplete(job.status) && status === 'uninitialized') {
        await repo.jobs.setStatus(wf.id, await repo.jobs.descendants(wf.id, [job.id]), 'uninitialized');
      }
      return updated;
    });
    return jobToWire(row);
  }
}
