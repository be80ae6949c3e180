// initialize_jobs (semantics.md §3): derive `blocks` edges from files and user data, cache each job's
// resource needs and scheduler pin, then block or ready every job. Resource requirements are parsed before
// anything is written, so a bad one leaves the workflow as it was.
import type { components } from '@pipeloom/sdk/generated';
import { DEFAULT_RESOURCES, durationSeconds, memoryBytes } from '../resources.ts';
import type { Needs } from './initialize-repository.ts';
import type { LifecycleRepository } from './lifecycle-repository.ts';
import type { WorkflowGate } from './workflow-gate.ts';

/** What a job without resource requirements needs. */
export const DEFAULT_NEEDS: Needs = {
  cpus: DEFAULT_RESOURCES.num_cpus, gpus: DEFAULT_RESOURCES.num_gpus, nodes: DEFAULT_RESOURCES.num_nodes,
  bytes: memoryBytes(DEFAULT_RESOURCES.memory), seconds: durationSeconds(DEFAULT_RESOURCES.runtime),
};

export interface InitializeOptions {
  only_uninitialized?: boolean;
  clear_ephemeral_user_data?: boolean;
}

export class InitializeService {
  constructor(
    private readonly repo: LifecycleRepository,
    private readonly gate: WorkflowGate,
  ) {}

  async initializeJobs(key: string, options: InitializeOptions): Promise<components['schemas']['message_response']> {
    const wf = await this.gate.workflow(key, { writable: true });
    const requirements = (await this.repo.initialize.requirements(wf.id)).map((rr) => ({
      id: rr.id,
      needs: {
        cpus: rr.num_cpus, gpus: rr.num_gpus, nodes: rr.num_nodes,
        bytes: memoryBytes(rr.memory, `memory of resource requirements ${rr.name ?? rr.id}`),
        seconds: durationSeconds(rr.runtime, `runtime of resource requirements ${rr.name ?? rr.id}`),
      },
    }));
    await this.repo.transaction(async (repo) => {
      if (options.clear_ephemeral_user_data ?? true) await repo.changes.clearEphemeralUserData(wf.id);
      await repo.initialize.deriveBlocks(wf.id);
      await repo.initialize.cacheNeeds(wf.id, DEFAULT_NEEDS, requirements);
      await repo.initialize.cacheSchedulerPins(wf.id);
      await repo.initialize.uninitializeDownstream(wf.id);
      // Upstream also turns submitted and terminated jobs ready here (a restart after workers died); with
      // only_uninitialized we leave every other job alone, as the option says.
      await repo.initialize.blockAndReady(wf.id, options.only_uninitialized ?? false);
    });
    await this.repo.initialize.refreshStatistics();
    return { message: `Initialized the jobs of workflow ${key}` };
  }
}
