// Handing out jobs (semantics.md §4): prepare_jobs_for_submission packs ready jobs into a worker's free
// resources in the order of a sort method; prepare_next_jobs_for_submission takes the first ones by key;
// claim_jobs (a Pipeloom extension) claims and starts in one call. Also scheduling and the totals of what
// ready jobs need.
import type { components } from '@pipeloom/sdk/generated';
import type { Clock } from '../../clock.ts';
import { durationSeconds, isoDuration } from '../resources.ts';
import type { CandidateFilter, ClaimStatus, SortMethod } from './claim-repository.ts';
import { packJobs } from './claim-packing.ts';
import type { LeaseService } from './leases.ts';
import type { LifecycleRepository } from './lifecycle-repository.ts';
import { jobToWire, type JobRow } from './job-wire.ts';
import type { WorkflowGate } from './workflow-gate.ts';

type Schemas = components['schemas'];
export type WorkerResources = Schemas['compute_nodes_resources'];
export type ClaimReply = Schemas['prepare_jobs_for_submission_response'];
export type ClaimJobsRequest = Schemas['claim_jobs_request'];

const GIB = 1024 ** 3;
const CANCELED = 'The workflow was canceled.';

interface ClaimOptions {
  resources?: WorkerResources;
  sortMethod?: SortMethod;
  limit: number;
  to: ClaimStatus;
  /** Writes that must share the claim's transaction (claim_jobs records the starts). */
  then?: (repo: LifecycleRepository, rows: JobRow[]) => Promise<void>;
}

export class ClaimService {
  constructor(
    private readonly repo: LifecycleRepository,
    private readonly gate: WorkflowGate,
    private readonly leases: LeaseService,
    private readonly clock: Clock,
  ) {}

  async prepareJobsForSubmission(key: string, resources: WorkerResources, sortMethod: SortMethod = 'gpus_runtime_memory', limit = 100_000): Promise<ClaimReply> {
    const wf = await this.gate.workflow(key);
    if ((await this.gate.runState(wf.id)).isCanceled) return { jobs: [], reason: CANCELED };
    const { rows, reason } = await this.claim(wf.id, { resources, sortMethod, limit, to: 'submitted_pending' });
    return { jobs: rows.map(jobToWire), reason };
  }

  async prepareNextJobsForSubmission(key: string, limit = 1): Promise<Schemas['prepare_next_jobs_for_submission_response']> {
    const wf = await this.gate.workflow(key);
    if ((await this.gate.runState(wf.id)).isCanceled) return { jobs: [] };
    const { rows } = await this.claim(wf.id, { limit, to: 'submitted_pending' });
    return { jobs: rows.map(jobToWire) };
  }

  /** Pipeloom extension: claim and start in one call (what a busy worker does next anyway). */
  async claimAndStartJobs(key: string, body: ClaimJobsRequest): Promise<ClaimReply> {
    const wf = await this.gate.workflow(key);
    const state = await this.gate.currentRun(wf.id, body.run_id);
    const node = await this.leases.touch(wf.id, body.compute_node_key);
    if (state.isCanceled) return { jobs: [], reason: CANCELED };
    const { rows, reason } = await this.claim(wf.id, {
      resources: body.resources, sortMethod: body.sort_method, limit: body.limit ?? 100, to: 'submitted',
      then: async (repo, started) => {
        await repo.records.executed(wf.id, node.id, started.map((j) => j.id), body.run_id);
        await repo.records.events(wf.id, started.map((j) => ({
          category: 'job', type: 'start', message: `Started job ${j.name ?? j.id}`,
          extra: { job_key: String(j.id), job_name: j.name, node_name: node.hostname },
        })), this.clock.now());
      },
    });
    return { jobs: rows.map(jobToWire), reason };
  }

  /** Hands out ready jobs: packed into the worker's free resources when given, else the first `limit` by key. */
  private async claim(workflowId: number, o: ClaimOptions): Promise<{ rows: JobRow[]; reason: string }> {
    await this.leases.recoverExpired(workflowId);
    const now = this.clock.now();
    const then = async (repo: LifecycleRepository, rows: JobRow[]) => {
      if (o.then && rows.length) await o.then(repo, rows);
      return rows;
    };
    if (!o.resources) {
      const run = async (repo: LifecycleRepository) => then(repo, await repo.claims.claimFirst(workflowId, o.limit, o.to, now));
      return { rows: o.then ? await this.repo.transaction(run) : await run(this.repo), reason: '' };
    }
    const r = o.resources;
    const filter = candidateFilter(r);
    const sortMethod = o.sortMethod ?? 'gpus_runtime_memory';
    // Jobs come back in the order they were packed, which is the sort method's order.
    const claimInOrder = async (repo: LifecycleRepository, take: number[]) => {
      const byId = new Map((await repo.claims.claim(workflowId, take, o.to, now)).map((row) => [row.id, row]));
      return then(repo, take.flatMap((id) => byId.get(id) ?? []));
    };
    let matched: number;
    let rows: JobRow[];
    if (this.repo.provider === 'postgresql') {
      // The candidates are locked while they are packed and claimed.
      ({ matched, rows } = await this.repo.transaction(async (repo) => {
        const candidates = await repo.claims.candidates(workflowId, filter, sortMethod, o.limit);
        return { matched: candidates.length, rows: await claimInOrder(repo, packJobs(candidates, filter)) };
      }));
    } else {
      // SQLite: read outside the write transaction, so the transaction starts with a write and never has to
      // upgrade a read lock (which another process could make fail at once).
      const candidates = await this.repo.claims.candidates(workflowId, filter, sortMethod, o.limit);
      matched = candidates.length;
      const take = packJobs(candidates, filter);
      rows = o.then ? await this.repo.transaction((repo) => claimInOrder(repo, take)) : await claimInOrder(this.repo, take);
    }
    return { rows, reason: rows.length ? '' : noMatchReason(matched, filter, r) };
  }

  async prepareJobsForScheduling(key: string): Promise<Schemas['prepare_jobs_for_scheduling_response']> {
    const wf = await this.gate.workflow(key);
    if ((await this.gate.runState(wf.id)).isCanceled) return { schedulers: [] };
    return { schedulers: await this.repo.claims.schedule(wf.id) };
  }

  async readyJobRequirements(key: string, schedulerConfigId?: string): Promise<Schemas['get_ready_job_requirements_response']> {
    const wf = await this.gate.workflow(key);
    const r = await this.repo.claims.readyRequirements(wf.id, schedulerConfigId ?? '');
    return {
      num_jobs: r.numJobs, num_cpus: r.numCpus, num_gpus: r.numGpus, memory_gb: r.memoryBytes / GIB,
      max_num_nodes: r.maxNumNodes, max_runtime: isoDuration(r.maxRuntimeSeconds),
    };
  }
}

/** The candidates a worker with these free resources can take. */
export function candidateFilter(r: WorkerResources): CandidateFilter {
  return {
    cpus: r.num_cpus, gpus: r.num_gpus ?? 0, nodes: r.num_nodes ?? 1, bytes: r.memory_gb * GIB,
    seconds: r.time_limit ? durationSeconds(r.time_limit, 'time_limit') : undefined, scheduler: r.scheduler_config_id ?? '',
  };
}

/** Why a claim found nothing, in words a user can act on. */
export function noMatchReason(matched: number, f: CandidateFilter, r: WorkerResources): string {
  if (matched) return 'Ready jobs fit the filters, but none fit the free resources once packed.';
  return `No ready job needs at most ${f.cpus} CPUs, ${f.gpus} GPUs, ${r.memory_gb} GiB of memory and ${f.nodes} nodes${f.seconds === undefined ? '' : `, runs within ${r.time_limit}`}, and is ${f.scheduler ? `unpinned or pinned to ${f.scheduler}` : 'not pinned to a scheduler'}.`;
}
