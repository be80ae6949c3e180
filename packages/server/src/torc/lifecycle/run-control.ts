// A whole run (semantics.md §3, §5): cancel it, reset its status or its jobs for a rerun, and ask whether it
// is complete (the first caller to find it complete is told to run the completion script).
import type { components } from '@pipeloom/sdk/generated';
import type { LifecycleRepository } from './lifecycle-repository.ts';
import type { WorkflowGate } from './workflow-gate.ts';

type Schemas = components['schemas'];
type Message = Schemas['message_response'];

/** Cancels a run a family owns through the run engine, so the family's records follow it. */
export type CancelOwnedRun = (key: string) => Promise<void>;

export class RunControlService {
  constructor(
    private readonly repo: LifecycleRepository,
    private readonly gate: WorkflowGate,
    private readonly cancelOwnedRun: CancelOwnedRun,
  ) {}

  async isComplete(key: string): Promise<Schemas['is_complete_response']> {
    const wf = await this.gate.workflow(key);
    const state = await this.gate.runState(wf.id);
    const complete = (await this.repo.runs.countOpenJobs(wf.id)) === 0;
    let needsScript = false;
    if (complete && !state.isCanceled && !state.hasDetectedNeedToRunCompletionScript && (await this.gate.hasCompletionScript(key))) {
      // Exactly one caller wins this conditional update, so the completion script runs once.
      needsScript = await this.repo.runs.claimCompletionScript(state.id);
    }
    return { is_canceled: state.isCanceled, is_complete: complete, needs_to_run_completion_script: needsScript };
  }

  async cancel(key: string): Promise<Message> {
    const wf = await this.gate.workflow(key);
    // A family's run ends whole: its waiting jobs are canceled too, and its owner records the end.
    if (wf.ownedBy) await this.cancelOwnedRun(key);
    else await this.repo.transaction((repo) => repo.runs.cancel(wf.id));
    return { message: `Canceled workflow ${key}` };
  }

  async resetStatus(key: string): Promise<Message> {
    const wf = await this.gate.workflow(key, { writable: true });
    await this.repo.runs.reset(wf.id);
    return { message: `Reset the status of workflow ${key}` };
  }

  /** Every job back to uninitialized; with failedOnly, only jobs that failed in this run and their descendants. */
  async resetJobStatus(key: string, failedOnly = false): Promise<Message> {
    const wf = await this.gate.workflow(key, { writable: true });
    const state = await this.gate.runState(wf.id);
    const count = await this.repo.transaction(async (repo) => {
      if (!failedOnly) return repo.runs.uninitializeAll(wf.id);
      // Only failed jobs and what depends on them: jobs still running elsewhere are left alone.
      const ids = await repo.runs.failedJobIds(wf.id, state.runId);
      const all = [...new Set([...ids, ...(await repo.jobs.descendants(wf.id, ids))])];
      return (await repo.jobs.setStatus(wf.id, all, 'uninitialized', ['ready', 'blocked', 'done', 'canceled', 'terminated', 'disabled', 'scheduled'])).length;
    });
    return { message: `Reset ${count} jobs of workflow ${key} to uninitialized` };
  }
}
