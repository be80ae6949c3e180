// Jobs and the `blocks` graph between them: reading jobs, guarded status writes, blockers, children and
// descendants. Set-based SQL, written once for SQLite and PostgreSQL.
import { chunked, empty, join, list, sql, type Fragment } from '../../db/sql.ts';
import { COMPLETE_STATUSES, isJobStatus, type JobRow, type JobStatus, type ScheduleParams } from './job-wire.ts';
import type { TorcSql } from './lifecycle-repository.ts';

/** A JSON column as a value: PostgreSQL hands back objects, SQLite may hand back text. */
export function json(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

const isSchedule = (v: unknown): v is ScheduleParams =>
  typeof v === 'object' && v !== null && 'scheduler_id' in v && typeof v.scheduler_id === 'string' && 'num_jobs' in v && typeof v.num_jobs === 'number';

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The workflow guard of a statement that names its jobs by id. Without statistics SQLite would serve
 * `workflow_id = ?` from the (workflow_id, name) index and walk every job of the workflow to find a few ids
 * (8 ms for 250 ids in a 100,000-job workflow); a unary plus (a no-op on both databases) keeps the guard off
 * the indexes, so the jobs are found by key and the guard only filters them.
 */
export const inWorkflow = (workflowId: number): Fragment => sql`+workflow_id = ${workflowId}`;

/** A raw job row (numbers may be bigint, booleans 0/1, JSON text on SQLite) as a typed JobRow. */
export function toJobRow(r: Record<string, unknown>): JobRow {
  // Every write is validated against the contract's statuses, so anything else is a storage fault.
  if (!isJobStatus(r.status)) throw new Error(`job ${String(r.id)} has an unknown status ${String(r.status)}`);
  const schedule = json(r.schedule_compute_nodes);
  return {
    id: Number(r.id),
    rev: Number(r.rev),
    workflowId: Number(r.workflow_id),
    name: text(r.name),
    command: String(r.command),
    invocation_script: text(r.invocation_script),
    status: r.status,
    cancel_on_blocking_job_failure: Boolean(r.cancel_on_blocking_job_failure),
    supports_termination: Boolean(r.supports_termination),
    schedule_compute_nodes: isSchedule(schedule) ? schedule : null,
    internal_memory_bytes: Number(r.internal_memory_bytes),
    internal_num_cpus: Number(r.internal_num_cpus),
    internal_num_gpus: Number(r.internal_num_gpus),
    internal_num_nodes: Number(r.internal_num_nodes),
    internal_runtime_seconds: Number(r.internal_runtime_seconds),
    internal_scheduler_config_id: String(r.internal_scheduler_config_id ?? ''),
    internal_hash: Number(r.internal_hash),
  };
}

export class JobGraphRepository {
  constructor(private readonly sql: TorcSql) {}

  private async jobs(statement: Fragment): Promise<JobRow[]> {
    return (await this.sql.query(statement)).map(toJobRow);
  }

  jobsByIds(workflowId: number, ids: number[]): Promise<JobRow[]> {
    return chunked(ids, (part) => this.jobs(sql`SELECT * FROM torc_job WHERE ${inWorkflow(workflowId)} AND id IN (${list(part)})`));
  }

  /** Done jobs, by key: the ones whose inputs may have changed since they ran. */
  doneJobs(workflowId: number): Promise<JobRow[]> {
    return this.jobs(sql`SELECT * FROM torc_job WHERE workflow_id = ${workflowId} AND status = 'done' ORDER BY id`);
  }

  /** Sets `status` on the given jobs (a new `_rev` each), only on those now in `onlyFrom` when given. */
  setStatus(workflowId: number, ids: number[], status: JobStatus, onlyFrom?: readonly JobStatus[]): Promise<JobRow[]> {
    const guard = onlyFrom ? sql` AND status IN (${list(onlyFrom)})` : empty;
    return chunked(ids, (part) => this.jobs(
      sql`UPDATE torc_job SET status = ${status}, rev = rev + 1 WHERE ${inWorkflow(workflowId)} AND id IN (${list(part)})${guard} RETURNING *`,
    ));
  }

  /** Sets one job's status if it is still at `rev` (and, when given, in `from`); undefined if it moved. */
  async setStatusAt(id: number, rev: number, status: JobStatus, o: { from?: JobStatus; hash?: number } = {}): Promise<JobRow | undefined> {
    const hash = o.hash === undefined ? empty : sql`, internal_hash = ${o.hash}`;
    const from = o.from ? sql` AND status = ${o.from}` : empty;
    const [row] = await this.jobs(sql`UPDATE torc_job SET status = ${status}${hash}, rev = rev + 1 WHERE id = ${id} AND rev = ${rev}${from} RETURNING *`);
    return row;
  }

  /**
   * Completes many jobs in one statement, each only if still at its `rev`; returns the rows it wrote.
   * Typed values: PostgreSQL cannot infer the type of a bare parameter inside CASE.
   */
  completeAt(workflowId: number, jobs: { id: number; rev: number; status: JobStatus; hash: number }[]): Promise<JobRow[]> {
    if (jobs.length === 0) return Promise.resolve([]);
    type Job = (typeof jobs)[number];
    // The CAST target types are constant fragments, one per column.
    const cases = (type: Fragment, value: (j: Job) => unknown) =>
      sql`CASE id ${join(jobs.map((j) => sql`WHEN CAST(${j.id} AS INTEGER) THEN CAST(${value(j)} AS ${type})`), ' ')} END`;
    const status = cases(sql`TEXT`, (j) => j.status);
    const hash = cases(sql`DOUBLE PRECISION`, (j) => j.hash);
    const rev = cases(sql`INTEGER`, (j) => j.rev);
    return this.jobs(
      sql`UPDATE torc_job SET status = ${status}, internal_hash = ${hash}, rev = rev + 1
       WHERE ${inWorkflow(workflowId)} AND id IN (${list(jobs.map((j) => j.id))}) AND rev = ${rev} RETURNING *`);
  }

  /**
   * The blocked children of these jobs whose blockers are all complete become ready: the whole downstream
   * update of a round without failures, in one statement per chunk.
   *
   * "No blocker left" is a scalar subquery, not NOT EXISTS: PostgreSQL may turn NOT EXISTS into a hash anti
   * join over every `blocks` edge of the database when it overestimates the children (one workflow with
   * all-to-all dependencies skews the edge statistics: seconds per call at a million edges). A scalar
   * subquery stays a per-child lookup in the (name, to_id) index, on both databases.
   */
  async releaseChildren(workflowId: number, ids: number[]): Promise<void> {
    await chunked(ids, async (part) => [await this.sql.execute(
      sql`UPDATE torc_job SET status = 'ready', rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status = 'blocked'
         AND id IN (SELECT e.to_id FROM torc_edge e WHERE e.name = 'blocks' AND e.from_id IN (${list(part)}))
         AND (SELECT 1 FROM torc_edge o JOIN torc_job b ON b.id = o.from_id
           WHERE o.name = 'blocks' AND o.to_id = torc_job.id AND b.status NOT IN (${list(COMPLETE_STATUSES)}) LIMIT 1) IS NULL`)]);
  }

  blockEdgesFrom(ids: number[]): Promise<{ from_id: number; to_id: number }[]> {
    return chunked(ids, async (part) => (await this.sql.query(
      sql`SELECT from_id, to_id FROM torc_edge WHERE name = 'blocks' AND from_id IN (${list(part)})`))
      .map((e) => ({ from_id: Number(e.from_id), to_id: Number(e.to_id) })));
  }

  /** The blockers of these jobs that are still `ready`, each once. */
  async readyBlockersOf(ids: number[]): Promise<number[]> {
    const rows = await chunked(ids, (part) => this.sql.query(
      sql`SELECT DISTINCT b.id FROM torc_edge e JOIN torc_job b ON b.id = e.from_id
       WHERE e.name = 'blocks' AND e.to_id IN (${list(part)}) AND b.status = 'ready'`));
    return [...new Set(rows.map((r) => Number(r.id)))];
  }

  /** For each job, how many of its blockers are not complete. */
  async openBlockerCounts(ids: number[]): Promise<Map<number, number>> {
    const rows = await chunked(ids, (part) => this.sql.query(
      sql`SELECT e.to_id AS id, SUM(CASE WHEN b.status IN (${list(COMPLETE_STATUSES)}) THEN 0 ELSE 1 END) AS open
       FROM torc_edge e JOIN torc_job b ON b.id = e.from_id WHERE e.name = 'blocks' AND e.to_id IN (${list(part)}) GROUP BY e.to_id`,
    ));
    return new Map(rows.map((r) => [Number(r.id), Number(r.open)]));
  }

  /** Every transitive descendant of `ids` through `blocks` edges (not including `ids`). */
  async descendants(workflowId: number, ids: number[]): Promise<number[]> {
    const rows = await chunked(ids, (part) => this.sql.query(
      sql`WITH RECURSIVE d(id) AS (
         SELECT e.to_id FROM torc_edge e WHERE e.name = 'blocks' AND e.from_id IN (${list(part)})
         UNION
         SELECT e.to_id FROM torc_edge e JOIN d ON e.from_id = d.id WHERE e.name = 'blocks'
       ) SELECT d.id FROM d JOIN torc_job j ON j.id = d.id WHERE j.workflow_id = ${workflowId}`,
    ));
    const start = new Set(ids);
    return [...new Set(rows.map((r) => Number(r.id)))].filter((id) => !start.has(id));
  }

  /** The files and user data each job needs, consumes or stores, with their current revisions. */
  jobInputs(ids: number[]): Promise<{ jobId: number; edge: string; inputId: number; rev: number }[]> {
    return chunked(ids, async (part) => (await this.sql.query(
      sql`SELECT e.from_id, e.name, e.to_id, COALESCE(f.rev, u.rev) AS rev FROM torc_edge e
       LEFT JOIN torc_file f ON e.to_collection = 'files' AND f.id = e.to_id
       LEFT JOIN torc_user_data u ON e.to_collection = 'user_data' AND u.id = e.to_id
       WHERE e.from_id IN (${list(part)}) AND e.name IN ('needs', 'consumes', 'stores')`))
      .map((r) => ({ jobId: Number(r.from_id), edge: String(r.name), inputId: Number(r.to_id), rev: Number(r.rev) })));
  }
}
