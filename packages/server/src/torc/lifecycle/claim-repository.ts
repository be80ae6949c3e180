// Handing out jobs: the candidates that fit a worker, in the order of a sort method, and the guarded writes
// that claim them. A claim only updates rows still `ready`/`scheduled`, so no job is handed out twice; on
// PostgreSQL the candidates are also locked FOR UPDATE SKIP LOCKED so concurrent claimers do not collide.
import { chunked, empty, list, sql, type Fragment, type Row } from '../../db/sql.ts';
import type { components } from '@pipeloom/sdk/generated';
import type { Candidate } from './claim-packing.ts';
import { inWorkflow, toJobRow } from './job-graph-repository.ts';
import type { JobRow, ScheduleParams } from './job-wire.ts';
import type { TorcSql } from './lifecycle-repository.ts';

export type SortMethod = NonNullable<components['schemas']['claim_jobs_request']['sort_method']>;
export type ClaimStatus = 'submitted_pending' | 'submitted';

// The only ORDER BY clauses a claim can use: constant fragments, looked up by a key the type checks. Each
// order has a partial index of claimable jobs in that order (torc.prisma), so a claim reads about `limit`
// index entries instead of sorting every ready job.
const ORDER: Record<SortMethod, Fragment> = {
  gpus_runtime_memory: sql`internal_num_gpus DESC, internal_runtime_seconds DESC, internal_memory_bytes DESC, id ASC`,
  gpus_memory_runtime: sql`internal_num_gpus DESC, internal_memory_bytes DESC, internal_runtime_seconds DESC, id ASC`,
  none: sql`id ASC`,
};

// The GPU bound as each order writes it. Without statistics SQLite would take the GPU-first indexes for a
// key-ordered claim (the bound is a range on their second column) and sort every ready job; a unary plus
// (no-op on both databases) keeps that bound off the indexes, so the key-ordered index is used.
const GPUS: Record<SortMethod, Fragment> = {
  gpus_runtime_memory: sql`internal_num_gpus`,
  gpus_memory_runtime: sql`internal_num_gpus`,
  none: sql`+internal_num_gpus`,
};

/** What a worker offers: a job is a candidate when its needs are within these. */
export interface CandidateFilter {
  bytes: number;
  cpus: number;
  gpus: number;
  nodes: number;
  /** No bound when undefined. */
  seconds: number | undefined;
  /** Jobs pinned to another scheduler are skipped. */
  scheduler: string;
}

/** A candidate on a queue, with the workflow it belongs to. */
export interface QueueCandidate extends Candidate {
  workflowId: number;
}

// The workflows a queue worker may take jobs of: on the queue, started, not canceled, not archived. A
// subquery (not a join) so that on PostgreSQL only the job rows are locked, never the shared workflow rows.
/**
 * The started workflows on `queue`; with `runner`, only those that user may run: their own and those shared
 * with them to run (a family shares its runs with whoever else serves them, such as a queue's registrant).
 */
function servedWorkflows(queue: string, runner: string | undefined): Fragment {
  const mayRun = runner === undefined ? empty : sql` AND (w.creator = ${runner} OR (w.creator IS NULL AND w.user_name = ${runner})
    OR EXISTS (SELECT 1 FROM torc_workflow_share sh WHERE sh.workflow_id = w.id AND sh.username = ${runner} AND sh.access = 'run'))`;
  return sql`SELECT w.id FROM torc_workflow w JOIN torc_workflow_status s ON s.workflow_id = w.id
    WHERE w.queue = ${queue} AND w.is_archived = ${false} AND s.run_id > 0 AND s.is_canceled = ${false}${mayRun}`;
}

export interface ReadyRequirements {
  numJobs: number;
  numCpus: number;
  numGpus: number;
  memoryBytes: number;
  maxNumNodes: number;
  maxRuntimeSeconds: number;
}

export class ClaimRepository {
  constructor(private readonly sql: TorcSql) {}

  private get lock(): Fragment {
    return this.sql.provider === 'postgresql' ? sql` FOR UPDATE SKIP LOCKED` : empty;
  }

  /** Ready or scheduled jobs that fit `filter`, in `sortMethod` order, at most `limit`. */
  async candidates(workflowId: number, filter: CandidateFilter, sortMethod: SortMethod, limit: number): Promise<Candidate[]> {
    const order = ORDER[sortMethod];
    if (!order) throw new Error(`unknown sort method ${String(sortMethod)}`);
    const seconds = filter.seconds === undefined ? empty : sql` AND internal_runtime_seconds <= ${filter.seconds}`;
    const rows = await this.sql.query(
      sql`SELECT id, internal_num_cpus, internal_num_gpus, internal_memory_bytes FROM torc_job
       WHERE workflow_id = ${workflowId} AND status IN ('ready', 'scheduled') AND internal_memory_bytes <= ${filter.bytes}
         AND internal_num_cpus <= ${filter.cpus} AND ${GPUS[sortMethod]} <= ${filter.gpus} AND internal_num_nodes <= ${filter.nodes}${seconds}
         AND (internal_scheduler_config_id = '' OR internal_scheduler_config_id = ${filter.scheduler})
       ORDER BY ${order} LIMIT ${limit}${this.lock}`);
    return rows.map((r) => ({ id: Number(r.id), cpus: Number(r.internal_num_cpus), gpus: Number(r.internal_num_gpus), bytes: Number(r.internal_memory_bytes) }));
  }

  /**
   * Ready or scheduled jobs of every workflow a queue serves that fit `filter`, in `sortMethod` order across
   * the workflows, at most `limit`: one statement, whatever the number of workflows on the queue.
   */
  async queueCandidates(queue: string, filter: CandidateFilter, sortMethod: SortMethod, limit: number, runner?: string): Promise<QueueCandidate[]> {
    const order = ORDER[sortMethod];
    if (!order) throw new Error(`unknown sort method ${String(sortMethod)}`);
    const seconds = filter.seconds === undefined ? empty : sql` AND internal_runtime_seconds <= ${filter.seconds}`;
    const rows = await this.sql.query(
      sql`SELECT id, workflow_id, internal_num_cpus, internal_num_gpus, internal_memory_bytes FROM torc_job
       WHERE workflow_id IN (${servedWorkflows(queue, runner)}) AND status IN ('ready', 'scheduled') AND internal_memory_bytes <= ${filter.bytes}
         AND internal_num_cpus <= ${filter.cpus} AND ${GPUS[sortMethod]} <= ${filter.gpus} AND internal_num_nodes <= ${filter.nodes}${seconds}
         AND (internal_scheduler_config_id = '' OR internal_scheduler_config_id = ${filter.scheduler})
       ORDER BY ${order} LIMIT ${limit}${this.lock}`);
    return rows.map((r) => ({
      id: Number(r.id), workflowId: Number(r.workflow_id), cpus: Number(r.internal_num_cpus), gpus: Number(r.internal_num_gpus), bytes: Number(r.internal_memory_bytes),
    }));
  }

  /** How many jobs of the workflows a queue serves are not finished (blocked, ready, scheduled or running). */
  async queueUnfinished(queue: string, runner?: string): Promise<number> {
    const [r] = await this.sql.query<Row>(
      sql`SELECT COUNT(*) AS n FROM torc_job WHERE workflow_id IN (${servedWorkflows(queue, runner)})
       AND status IN ('blocked', 'ready', 'scheduled', 'submitted_pending', 'submitted')`);
    return Number(r?.n ?? 0);
  }

  /** The current run of each of these workflows. */
  async runIds(workflowIds: number[]): Promise<Map<number, number>> {
    const rows = await this.sql.query(sql`SELECT workflow_id, run_id FROM torc_workflow_status WHERE workflow_id IN (${list(workflowIds)})`);
    return new Map(rows.map((r) => [Number(r.workflow_id), Number(r.run_id)]));
  }

  /** Claims these jobs if they are still ready or scheduled, stamping the claim time. */
  async claim(workflowId: number, ids: number[], status: ClaimStatus, now: number): Promise<JobRow[]> {
    const rows = await chunked(ids, (part) => this.sql.query(
      sql`UPDATE torc_job SET status = ${status}, claimed_at = ${now}, rev = rev + 1
       WHERE ${inWorkflow(workflowId)} AND id IN (${list(part)}) AND status IN ('ready', 'scheduled') RETURNING *`));
    return rows.map(toJobRow);
  }

  /** Claims the first `limit` ready or scheduled jobs by key, in one statement (atomic on both databases). */
  async claimFirst(workflowId: number, limit: number, status: ClaimStatus, now: number): Promise<JobRow[]> {
    const rows = await this.sql.query(
      sql`UPDATE torc_job SET status = ${status}, claimed_at = ${now}, rev = rev + 1
       WHERE id IN (SELECT id FROM torc_job WHERE workflow_id = ${workflowId} AND status IN ('ready', 'scheduled') ORDER BY id LIMIT ${limit}${this.lock})
         AND status IN ('ready', 'scheduled') RETURNING *`);
    return rows.map(toJobRow).sort((a, b) => a.id - b.id);
  }

  /** Ready jobs that ask for compute nodes become scheduled; their requests, by key. */
  async schedule(workflowId: number): Promise<ScheduleParams[]> {
    const rows = await this.sql.query(
      sql`UPDATE torc_job SET status = 'scheduled', rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status = 'ready' AND schedule_compute_nodes IS NOT NULL RETURNING *`);
    return rows.map(toJobRow).sort((a, b) => a.id - b.id).flatMap((r) => (r.schedule_compute_nodes ? [r.schedule_compute_nodes] : []));
  }

  /** What the ready jobs a scheduler may run need, in total. */
  async readyRequirements(workflowId: number, scheduler: string): Promise<ReadyRequirements> {
    const [r] = await this.sql.query<Row>(
      sql`SELECT COUNT(*) AS num_jobs, SUM(internal_num_cpus) AS num_cpus, SUM(internal_num_gpus) AS num_gpus, SUM(internal_memory_bytes) AS memory,
              MAX(internal_num_nodes) AS max_num_nodes, MAX(internal_runtime_seconds) AS max_runtime
       FROM torc_job WHERE workflow_id = ${workflowId} AND status = 'ready'
         AND (internal_scheduler_config_id = '' OR internal_scheduler_config_id = ${scheduler})`);
    const n = (v: unknown) => Number(v ?? 0);
    return {
      numJobs: n(r?.num_jobs), numCpus: n(r?.num_cpus), numGpus: n(r?.num_gpus), memoryBytes: n(r?.memory),
      maxNumNodes: n(r?.max_num_nodes), maxRuntimeSeconds: n(r?.max_runtime),
    };
  }
}
