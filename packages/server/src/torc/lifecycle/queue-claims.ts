// Claiming from a named queue (a Pipeloom extension): ready jobs of every started workflow on the queue
// are found in one query, packed into the worker's free resources as claim_jobs packs them, and claimed and
// started in one transaction. A queue worker has a compute node in each workflow it serves; the server
// registers one the first time it hands the worker a job of that workflow.
import type { components } from '@pipeloom/sdk/generated';
import type { Clock } from '../../clock.ts';
import type { QueueCandidate } from './claim-repository.ts';
import { packJobs } from './claim-packing.ts';
import { candidateFilter, noMatchReason } from './claims.ts';
import type { LeaseService } from './leases.ts';
import type { LifecycleRepository } from './lifecycle-repository.ts';
import { jobToWire } from './job-wire.ts';

type Schemas = components['schemas'];
export type QueueClaimRequest = Schemas['claim_queue_jobs_request'];
export type QueueClaimReply = Schemas['claim_queue_jobs_response'];
type QueueJob = Schemas['queue_job'];

export class QueueClaimService {
  constructor(
    private readonly repo: LifecycleRepository,
    private readonly leases: LeaseService,
    private readonly clock: Clock,
  ) {}

  /**
   * Claims and starts ready jobs of the workflows on `queue`; two callers never receive the same job. With
   * `runner`, only jobs of workflows that user may run (administrators pass none).
   */
  async claimQueueJobs(queue: string, body: QueueClaimRequest, runner?: string): Promise<QueueClaimReply> {
    await this.leases.recoverExpired({ queue });
    const filter = candidateFilter(body.resources);
    const sortMethod = body.sort_method ?? 'gpus_runtime_memory';
    const limit = body.limit ?? 100;
    let matched: number;
    let jobs: QueueJob[];
    if (this.repo.provider === 'postgresql') {
      // The candidates are locked (SKIP LOCKED) while they are packed and claimed.
      ({ matched, jobs } = await this.repo.transaction(async (repo) => {
        const candidates = await repo.claims.queueCandidates(queue, filter, sortMethod, limit, runner);
        return { matched: candidates.length, jobs: await this.claimPacked(repo, candidates, body) };
      }));
    } else {
      // SQLite: read outside the write transaction so that it starts with a write (see ClaimService.claim).
      const candidates = await this.repo.claims.queueCandidates(queue, filter, sortMethod, limit, runner);
      matched = candidates.length;
      jobs = await this.repo.transaction((repo) => this.claimPacked(repo, candidates, body));
    }
    if (jobs.length) return { jobs, reason: '' };
    const unfinished = await this.repo.claims.queueUnfinished(queue, runner);
    return { jobs, reason: noMatchReason(matched, filter, body.resources), unfinished_jobs: unfinished };
  }

  /** Packs the candidates, claims those still ready, and starts them on the worker's node in each workflow. */
  private async claimPacked(repo: LifecycleRepository, candidates: QueueCandidate[], body: QueueClaimRequest): Promise<QueueJob[]> {
    const now = this.clock.now();
    const take = packJobs(candidates, candidateFilter(body.resources));
    if (!take.length) return [];
    const workflowOf = new Map(candidates.map((c) => [c.id, c.workflowId]));
    const byWorkflow = new Map<number, number[]>();
    for (const id of take) {
      const wf = workflowOf.get(id);
      if (wf !== undefined) byWorkflow.set(wf, [...(byWorkflow.get(wf) ?? []), id]);
    }
    const runIds = await repo.claims.runIds([...byWorkflow.keys()]);
    const claimed = new Map<number, QueueJob>();
    for (const [workflowId, ids] of byWorkflow) {
      const rows = await repo.claims.claim(workflowId, ids, 'submitted', now);
      if (!rows.length) continue;
      const node = await this.leases.queueNode(repo, workflowId, body.compute_nodes?.[String(workflowId)], body.worker);
      const runId = runIds.get(workflowId) ?? 0;
      await repo.records.executed(workflowId, node.id, rows.map((j) => j.id), runId);
      await repo.records.events(workflowId, rows.map((j) => ({
        category: 'job', type: 'start', message: `Started job ${j.name ?? j.id}`,
        extra: { job_key: String(j.id), job_name: j.name, node_name: node.hostname },
      })), now);
      for (const row of rows) {
        claimed.set(row.id, {
          workflow_key: String(workflowId), run_id: runId, compute_node_key: String(node.id),
          compute_node_id: `compute_nodes__${workflowId}/${node.id}`, job: jobToWire(row),
        });
      }
    }
    // In packing order, which is the sort method's order across the workflows.
    return take.flatMap((id) => claimed.get(id) ?? []);
  }
}
