// The checks every lifecycle call starts with: the workflow exists (and may be changed), and its run state.
import { AppError, notFound } from '../../errors.ts';
import type { WorkflowService } from '../workflow-service.ts';
import type { JobRow } from './job-wire.ts';
import type { LifecycleRepository } from './lifecycle-repository.ts';
import type { RunState } from './run-state-repository.ts';

export class WorkflowGate {
  constructor(
    private readonly workflows: WorkflowService,
    private readonly repo: LifecycleRepository,
  ) {}

  /** The workflow; with `writable`, an archived one is refused (it must be unarchived first). */
  async workflow(key: string, { writable = false, action = 'change its run state' } = {}) {
    const wf = await this.workflows.require(key);
    if (writable && wf.isArchived) throw new AppError('INVALID_ARGUMENT', `workflow ${key} is archived; unarchive it before you ${action}`);
    return wf;
  }

  async runState(workflowId: number, repo: LifecycleRepository = this.repo): Promise<RunState> {
    const state = await repo.runs.get(workflowId);
    if (!state) throw notFound(`status of workflow ${workflowId}`);
    return state;
  }

  /** The current run and one job of the workflow, read together (a per-job call's checks need both). */
  async runWithJob(workflowId: number, jobId: number): Promise<{ runId: number; job: JobRow | undefined }> {
    const found = await this.repo.runs.runWithJob(workflowId, jobId);
    if (!found) throw notFound(`status of workflow ${workflowId}`);
    return found;
  }

  /** The run state, after checking that the caller works on the current run. */
  async currentRun(workflowId: number, runId: number): Promise<RunState> {
    const state = await this.runState(workflowId);
    if (runId !== state.runId) throw new AppError('INVALID_ARGUMENT', `run_id ${runId} is not the workflow's current run ${state.runId}`);
    return state;
  }

  /** Whether the workflow's completion script is set (is_complete reports it once). */
  async hasCompletionScript(key: string): Promise<boolean> {
    return Boolean((await this.workflows.getConfig(key)).workflow_completion_script);
  }

  /** Whether the workflow records per-process statistics (auto-tuning needs them). */
  async recordsProcessStats(key: string): Promise<boolean> {
    return (await this.workflows.getConfig(key)).compute_node_resource_stats?.process === true;
  }
}
