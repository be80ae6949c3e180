// The run engine (engine/run-engine.ts) on Torc's lifecycle: a run is a Torc workflow owned by the family,
// on the family's queue, whose jobs `pipeloom worker --queue` claims. Starting and cancelling write through
// the caller's transaction, so a family's own records and the run commit or roll back together.
import type { Clock } from '../../clock.ts';
import type { Database } from '../../db/client.ts';
import { Sql, type SqlClient } from '../../db/sql.ts';
import type { DbTx } from '../../db/transaction.ts';
import type { CancelListener, RunEngine, RunJobStatus, RunSpec, RunState, RunWorker, StartedRun } from '../../engine/run-engine.ts';
import { notFound } from '../../errors.ts';
import { parseId } from '../documents.ts';
import { DEFAULT_NEEDS } from '../lifecycle/initialize.ts';
import { LifecycleRepository } from '../lifecycle/lifecycle-repository.ts';
import { SpecificationWriter } from '../specification-repository.ts';
import { TORC_TABLES } from '../tables.ts';
import { DEFAULT_RESOURCE_STATS } from '../workflow-service.ts';
import { planRun } from './run-plan.ts';
import { RunRepository } from './run-repository.ts';
import { collectWorkers } from './run-workers.ts';

export function createRunEngine(database: Database, clock: Clock): RunEngine {
  return new TorcRunEngine(database, clock);
}

class TorcRunEngine implements RunEngine {
  private readonly runs: RunRepository;
  private readonly cancelListeners = new Map<string, CancelListener>();

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {
    this.runs = this.runsOn(database.driver);
  }

  private runsOn(client: SqlClient): RunRepository {
    return new RunRepository(new Sql(client, this.database.provider, TORC_TABLES));
  }

  async startRun(tx: DbTx, spec: RunSpec): Promise<StartedRun> {
    const edges = planRun(spec);
    const writer = new SpecificationWriter(tx, this.database.provider);
    const wf = await writer.createWorkflow(
      {
        name: spec.name, user: spec.user, description: spec.description ?? null, timestamp: new Date(this.clock.now()).toISOString(),
        isArchived: false, queue: spec.queue, ownedBy: spec.owner, creator: spec.user,
      },
      { computeNodeResourceStats: DEFAULT_RESOURCE_STATS },
      { autoTuneStatus: { enabled: false, job_keys: [] }, scheduledComputeNodeIds: [] },
    );
    const ids = await writer.createMany('jobs', wf.id, spec.jobs.map((j) => ({ name: j.name, command: j.command, cancel_on_blocking_job_failure: true })));
    await writer.createEdges(wf.id, edges.map((e) => ({ name: 'blocks', from_collection: 'jobs', from_id: ids[e.from]!, to_collection: 'jobs', to_id: ids[e.to]! })));
    // initialize_jobs for a workflow that has only jobs and `blocks` edges, then the start a Torc client makes.
    const lifecycle = new LifecycleRepository(this.database.driver, this.database.provider, tx);
    await lifecycle.initialize.cacheNeeds(wf.id, DEFAULT_NEEDS, []);
    await lifecycle.initialize.blockAndReady(wf.id, false);
    const runs = this.runsOn(tx);
    await runs.shareToRun(wf.id, [...new Set(spec.runners ?? [])].filter((u) => u !== spec.user));
    await runs.start(wf.id);
    return { workflowKey: String(wf.id) };
  }

  async runState(workflowKey: string): Promise<RunState | null> {
    const id = parseId(workflowKey);
    const row = id === undefined ? null : await this.runs.runState(id);
    if (!row) return null;
    return { canceled: row.isCanceled, jobs: row.jobs.map((j) => ({ ...j, status: j.status as RunJobStatus })) };
  }

  async isClaimed(workflowKey: string, jobName: string): Promise<boolean> {
    const id = parseId(workflowKey);
    const status = id === undefined ? undefined : await this.runs.jobStatus(id, jobName);
    return status === 'submitted_pending' || status === 'submitted';
  }

  async mayRun(workflowKey: string, user: string): Promise<boolean> {
    const id = parseId(workflowKey);
    return id !== undefined && (await this.runs.mayRun(id, user));
  }

  async cancelRun(tx: DbTx, workflowKey: string): Promise<void> {
    const id = parseId(workflowKey);
    const lifecycle = new LifecycleRepository(this.database.driver, this.database.provider, tx);
    const state = id === undefined ? undefined : await lifecycle.runs.get(id);
    if (id === undefined || !state) throw notFound(`workflow ${workflowKey}`);
    // A run that has ended stays as it ended (so a second cancel changes nothing). One canceled through
    // the Torc API still has its waiting jobs, which are canceled here.
    if ((await lifecycle.runs.countOpenJobs(id)) === 0) return;
    // As cancel_workflow: the flag workers read in their heartbeat, and the jobs they hold; then the rest.
    await lifecycle.runs.cancel(id);
    const runs = this.runsOn(tx);
    await runs.cancelWaiting(id);
    const owner = await runs.ownerOf(id);
    const listener = owner === null ? undefined : this.cancelListeners.get(owner);
    if (listener) await listener(tx, { workflowKey, jobNames: await runs.jobNames(id) });
  }

  onCancel(owner: string, listener: CancelListener): void {
    this.cancelListeners.set(owner, listener);
  }

  async workers(owner: string, since: Date): Promise<RunWorker[]> {
    const sinceMs = since.getTime();
    const [nodes, running, finished] = await Promise.all([
      this.runs.recentNodes(owner, sinceMs), this.runs.runningJobs(owner), this.runs.finishedJobs(owner, sinceMs),
    ]);
    return collectWorkers(nodes, running, finished, sinceMs);
  }
}
