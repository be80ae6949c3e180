// Torc's restart support and resource auto-tuning (semantics.md §5): which done jobs must rerun because
// their inputs changed, what must exist before a run, and sampling one job per set of resource
// requirements to size the others. Every check runs before the first write, and each operation's writes
// share one transaction. QUIRKs fixed on purpose are listed in docs/compatibility.md.
import type { components } from '@pipeloom/sdk/generated';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { ResourceRequirementsRow } from './change-repository.ts';
import { fitsInt } from './documents.ts';
import type { InputHasher } from './lifecycle/input-hash.ts';
import { isComplete, type JobStatus } from './lifecycle/job-wire.ts';
import type { LifecycleRepository } from './lifecycle/lifecycle-repository.ts';
import type { WorkflowGate } from './lifecycle/workflow-gate.ts';

type Schemas = components['schemas'];
type Message = Schemas['message_response'];

const GIB = 1024 ** 3;

/** Statuses a job reset by changed inputs may leave: everything but uninitialized and disabled. */
const RESETTABLE: readonly JobStatus[] = ['blocked', 'ready', 'scheduled', 'submitted_pending', 'submitted', 'done', 'canceled', 'terminated'];

const isEmptyData = (data: unknown) =>
  data === null || data === undefined || (typeof data === 'object' && Object.keys(data as object).length === 0);

const byKey = (a: number, b: number) => a - b;

/** New resource requirements from what a sampled job used (semantics.md §5). */
export function tunedResources(stats: { max_cpu_percent: number; max_rss: number }, execTimeMinutes: number) {
  return {
    num_cpus: Math.ceil(stats.max_cpu_percent / 100) || 1,
    memory: `${Math.ceil(stats.max_rss / GIB)}g`,
    runtime: `P0DT0H${Math.ceil(execTimeMinutes)}M`,
  };
}

export class ChangeService {
  constructor(
    private readonly repo: LifecycleRepository,
    private readonly gate: WorkflowGate,
    private readonly hasher: InputHasher,
    private readonly clock: Clock,
  ) {}

  // ---- restart support ----

  /**
   * Resets every done job whose inputs hash changed since it completed, and all its descendants, after
   * emptying ephemeral user data (whose producers and consumers must then rerun). A dry run takes the same
   * path without writing, so it lists exactly the jobs a real run would reset.
   *
   * The hashes are recomputed (InputHasher, a few set-based queries) before the write
   * transaction, so a restart of a large workflow does not hold the write lock while it hashes. Emptying
   * ephemeral data bumps its `_rev`, which is one of the hashed inputs of every job that stores or consumes
   * it, so those jobs are changed by definition and are added without hashing them again.
   */
  async processChangedJobInputs(key: string, dryRun = false): Promise<Schemas['process_changed_job_inputs_response']> {
    const wf = await this.gate.workflow(key, { writable: true, action: 'restart it' });
    const done = await this.repo.jobs.doneJobs(wf.id);
    const hashes = await this.hasher.hashes(done);
    const changed = new Set(done.filter((job) => hashes.get(job.id) !== job.internal_hash).map((job) => job.id));
    const run = async (repo: LifecycleRepository) => {
      const emptied = dryRun ? await repo.changes.ephemeralUserDataToClear(wf.id) : await repo.changes.clearEphemeralUserData(wf.id);
      for (const id of await repo.changes.doneJobsUsingUserData(wf.id, emptied)) changed.add(id);
      const ids = [...changed];
      const all = [...new Set([...ids, ...(await repo.jobs.descendants(wf.id, ids))])];
      if (dryRun) return (await repo.jobs.jobsByIds(wf.id, all)).filter((r) => RESETTABLE.includes(r.status)).map((r) => r.id);
      return (await repo.jobs.setStatus(wf.id, all, 'uninitialized', RESETTABLE)).map((r) => r.id);
    };
    const reset = dryRun ? await run(this.repo) : await this.repo.transaction(run);
    return { reinitialized_jobs: reset.sort(byKey).map(String) };
  }

  /** Consumed user data that should exist already (no producer, or a done one) and is empty, null or absent. */
  async missingUserData(key: string): Promise<Schemas['list_missing_user_data_response']> {
    const wf = await this.gate.workflow(key);
    const rows = await this.repo.changes.consumedExpectedUserData(wf.id);
    return { user_data: rows.filter((r) => isEmptyData(r.data)).map((r) => String(r.id)) };
  }

  /**
   * Files that must exist before a start or restart: needed by some job and produced by none. Outputs of
   * done jobs are not listed: the client checks these paths before it resets the producers of missing
   * outputs, so listing them would fail a restart that is meant to regenerate them.
   */
  async requiredExistingFiles(key: string): Promise<Schemas['list_required_existing_files_response']> {
    const wf = await this.gate.workflow(key);
    const ids = await this.repo.changes.neededUnproducedFiles(wf.id);
    return { files: ids.map((id) => `files__${wf.id}/${id}`) };
  }

  // ---- auto-tune ----

  /**
   * Keeps the first runnable job of each resource-requirements group (jobs without a `requires` edge form
   * the default group), disables the other runnable jobs and records the kept ones in auto_tune_status.
   * Runnable means not blocked, not disabled and not complete; blocked and complete jobs are left alone.
   */
  async autoTune(key: string): Promise<Message> {
    const wf = await this.gate.workflow(key, { writable: true, action: 'auto-tune it' });
    if (!(await this.gate.recordsProcessStats(key))) {
      throw new AppError('INVALID_ARGUMENT', `auto-tuning needs process statistics: set compute_node_resource_stats.process to true in the config of workflow ${key}`);
    }
    return this.repo.transaction(async (repo) => {
      await this.gate.runState(wf.id, repo);
      const kept = new Map<number | null, number>();
      const disable: number[] = [];
      for (const job of await repo.changes.jobGroups(wf.id)) {
        if (job.status === 'blocked' || job.status === 'disabled' || isComplete(job.status)) continue;
        if (kept.has(job.rr)) disable.push(job.id);
        else kept.set(job.rr, job.id);
      }
      if (kept.size === 0) {
        throw new AppError('INVALID_ARGUMENT', `workflow ${key} has no job to sample: every job is blocked, disabled or complete; initialize the jobs first`);
      }
      await repo.jobs.setStatus(wf.id, disable, 'disabled');
      const jobKeys = [...kept.values()].sort(byKey).map(String);
      await repo.runs.setAutoTuneStatus(wf.id, { enabled: true, job_keys: jobKeys });
      const groups = kept.size === 1 ? 'group' : 'groups';
      return { message: `Enabled auto-tune for ${kept.size} resource requirements ${groups}: sampling jobs ${jobKeys.join(', ')}; disabled ${disable.length} jobs` };
    });
  }

  /**
   * Sizes each sampled job's resource requirements from its last process statistics and result of the
   * current run, posts a resource_requirements/update event per change, returns the disabled jobs to
   * uninitialized and ends auto-tuning. A sampled job of the default group has no resource requirements to
   * update. Any sampled job without statistics or a result in this run is a 400, and nothing is written.
   */
  async processAutoTuneResults(key: string): Promise<Message> {
    const wf = await this.gate.workflow(key, { writable: true, action: 'auto-tune it' });
    return this.repo.transaction(async (repo) => {
      const state = await this.gate.runState(wf.id, repo);
      if (!state.autoTuneStatus.enabled) throw new AppError('INVALID_ARGUMENT', `auto-tuning is not enabled for workflow ${key}; call auto_tune_resource_requirements first`);
      const sampled = new Set(state.autoTuneStatus.job_keys);
      const groups = await repo.changes.jobGroups(wf.id);
      const rrOf = new Map(groups.map((g) => [String(g.id), g.rr]));

      const updates: { rr: ResourceRequirementsRow; next: ReturnType<typeof tunedResources>; job: string }[] = [];
      const missing: string[] = [];
      for (const jobKey of sampled) {
        const rrId = rrOf.get(jobKey);
        if (rrId === undefined || rrId === null) continue; // deleted job, or the default group: nothing to size
        const rr = await repo.changes.resourceRequirements(wf.id, rrId);
        if (!rr) continue;
        const stats = await repo.changes.lastProcessStats(wf.id, jobKey, state.runId);
        const result = await repo.changes.lastResult(wf.id, jobKey, state.runId);
        if (!stats || !result) {
          missing.push(`${jobKey} (${[!stats && 'job_process_stats', !result && 'result'].filter(Boolean).join(' and ')})`);
          continue;
        }
        const next = tunedResources(stats, result.exec_time_minutes);
        if (!fitsInt(next.num_cpus)) throw new AppError('INVALID_ARGUMENT', `job ${jobKey}'s max_cpu_percent ${stats.max_cpu_percent} gives more CPUs than can be stored`);
        updates.push({ rr, next, job: jobKey });
      }
      if (missing.length) {
        throw new AppError('INVALID_ARGUMENT', `run ${state.runId} of workflow ${key} has no statistics for sampled jobs ${missing.join(', ')}; run them to completion with process statistics on first`);
      }

      let changed = 0;
      for (const { rr, next, job } of updates) {
        const old = { num_cpus: rr.num_cpus, memory: rr.memory, runtime: rr.runtime };
        if (old.num_cpus === next.num_cpus && old.memory === next.memory && old.runtime === next.runtime) continue;
        await repo.changes.updateResourceRequirements(wf.id, rr.id, next);
        await repo.records.events(wf.id, [{
          category: 'resource_requirements', type: 'update', extra: { name: rr.name ?? String(rr.id), old, new: next },
          message: `Auto-tune (job ${job}) updated resource requirements ${rr.name ?? rr.id}: ${old.num_cpus} CPUs, ${old.memory}, ${old.runtime} -> ${next.num_cpus} CPUs, ${next.memory}, ${next.runtime}`,
        }], this.clock.now());
        changed++;
      }
      const disabled = (await repo.changes.jobIdsWithStatus(wf.id, 'disabled')).filter((id) => !sampled.has(String(id)));
      const reset = await repo.jobs.setStatus(wf.id, disabled, 'uninitialized', ['disabled']);
      await repo.runs.setAutoTuneStatus(wf.id, { enabled: false, job_keys: state.autoTuneStatus.job_keys });
      return { message: `Updated ${changed} resource requirements; ${reset.length} disabled jobs are uninitialized again` };
    });
  }
}
