// Jobs and the `blocks` graph between them: reading jobs, guarded status writes, blockers, children and
// descendants. Set-based SQL, written once for SQLite and PostgreSQL.
import { chunked, RawSql } from '../../db/raw-sql.ts';
import { isJobStatus, type JobRow, type JobStatus, type ScheduleParams } from './job-wire.ts';

const IN_COMPLETE = `('done', 'canceled', 'terminated')`;

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

/** A raw job row (numbers may be bigint, booleans 0/1, JSON text on SQLite) as a typed JobRow. */
export function toJobRow(r: Record<string, unknown>): JobRow {
  // Every write is validated against the contract's statuses, so anything else is a storage fault.
  if (!isJobStatus(r.status)) throw new Error(`job ${String(r.id)} has an unknown status ${String(r.status)}`);
  const schedule = json(r.schedule_compute_nodes);
  return {
    id: Number(r.id),
    rev: Number(r.rev),
    workflowId: Number(r.workflowId),
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
  constructor(private readonly sql: RawSql) {}

  private async jobs(statement: string, ...values: unknown[]): Promise<JobRow[]> {
    return (await this.sql.query(statement, ...values)).map(toJobRow);
  }

  async job(workflowId: number, id: number): Promise<JobRow | undefined> {
    return (await this.jobs(`SELECT * FROM "Job" WHERE "workflowId" = ? AND id = ?`, workflowId, id))[0];
  }

  jobsByIds(workflowId: number, ids: number[]): Promise<JobRow[]> {
    return chunked(ids, (part) => this.jobs(`SELECT * FROM "Job" WHERE "workflowId" = ? AND id IN (${RawSql.list(part)})`, workflowId, ...part));
  }

  /** Done jobs, by key: the ones whose inputs may have changed since they ran. */
  doneJobs(workflowId: number): Promise<JobRow[]> {
    return this.jobs(`SELECT * FROM "Job" WHERE "workflowId" = ? AND status = 'done' ORDER BY id`, workflowId);
  }

  /** Sets `status` on the given jobs (a new `_rev` each), only on those now in `onlyFrom` when given. */
  setStatus(workflowId: number, ids: number[], status: JobStatus, onlyFrom?: readonly JobStatus[]): Promise<JobRow[]> {
    const guard = onlyFrom ? ` AND status IN (${RawSql.list(onlyFrom)})` : '';
    return chunked(ids, (part) => this.jobs(
      `UPDATE "Job" SET status = ?, rev = rev + 1 WHERE "workflowId" = ? AND id IN (${RawSql.list(part)})${guard} RETURNING *`,
      status, workflowId, ...part, ...(onlyFrom ?? []),
    ));
  }

  /** Sets one job's status if it is still at `rev` (and, when given, in `from`); undefined if it moved. */
  async setStatusAt(id: number, rev: number, status: JobStatus, o: { from?: JobStatus; hash?: number } = {}): Promise<JobRow | undefined> {
    const [row] = await this.jobs(
      `UPDATE "Job" SET status = ?${o.hash === undefined ? '' : ', internal_hash = ?'}, rev = rev + 1
       WHERE id = ? AND rev = ?${o.from ? ' AND status = ?' : ''} RETURNING *`,
      status, ...(o.hash === undefined ? [] : [o.hash]), id, rev, ...(o.from ? [o.from] : []));
    return row;
  }

  /**
   * Completes many jobs in one statement, each only if still at its `rev`; returns the rows it wrote.
   * Typed placeholders: PostgreSQL cannot infer the type of a bare parameter inside CASE.
   */
  completeAt(workflowId: number, jobs: { id: number; rev: number; status: JobStatus; hash: number }[]): Promise<JobRow[]> {
    const cases = (type: string, value: (j: (typeof jobs)[number]) => unknown) => ({
      sql: `CASE id ${jobs.map(() => `WHEN CAST(? AS INTEGER) THEN CAST(? AS ${type})`).join(' ')} END`,
      args: jobs.flatMap((j) => [j.id, value(j)]),
    });
    const status = cases('TEXT', (j) => j.status);
    const hash = cases('DOUBLE PRECISION', (j) => j.hash);
    const rev = cases('INTEGER', (j) => j.rev);
    const ids = jobs.map((j) => j.id);
    return this.jobs(
      `UPDATE "Job" SET status = ${status.sql}, internal_hash = ${hash.sql}, rev = rev + 1
       WHERE "workflowId" = ? AND id IN (${RawSql.list(ids)}) AND rev = ${rev.sql} RETURNING *`,
      ...status.args, ...hash.args, workflowId, ...ids, ...rev.args);
  }

  blockEdgesFrom(ids: number[]): Promise<{ from_id: number; to_id: number }[]> {
    return chunked(ids, async (part) => (await this.sql.query<{ from_id: unknown; to_id: unknown }>(
      `SELECT from_id, to_id FROM "Edge" WHERE name = 'blocks' AND from_id IN (${RawSql.list(part)})`, ...part))
      .map((e) => ({ from_id: Number(e.from_id), to_id: Number(e.to_id) })));
  }

  /** The blockers of these jobs that are still `ready`, each once. */
  async readyBlockersOf(ids: number[]): Promise<number[]> {
    const rows = await chunked(ids, (part) => this.sql.query<{ id: unknown }>(
      `SELECT DISTINCT b.id FROM "Edge" e JOIN "Job" b ON b.id = e.from_id
       WHERE e.name = 'blocks' AND e.to_id IN (${RawSql.list(part)}) AND b.status = 'ready'`, ...part));
    return [...new Set(rows.map((r) => Number(r.id)))];
  }

  /** For each job, how many of its blockers are not complete. */
  async openBlockerCounts(ids: number[]): Promise<Map<number, number>> {
    const rows = await chunked(ids, (part) => this.sql.query<{ id: unknown; open: unknown }>(
      `SELECT e.to_id AS id, SUM(CASE WHEN b.status IN ${IN_COMPLETE} THEN 0 ELSE 1 END) AS open
       FROM "Edge" e JOIN "Job" b ON b.id = e.from_id WHERE e.name = 'blocks' AND e.to_id IN (${RawSql.list(part)}) GROUP BY e.to_id`,
      ...part,
    ));
    return new Map(rows.map((r) => [Number(r.id), Number(r.open)]));
  }

  /** Every transitive descendant of `ids` through `blocks` edges (not including `ids`). */
  async descendants(workflowId: number, ids: number[]): Promise<number[]> {
    const rows = await chunked(ids, (part) => this.sql.query<{ id: unknown }>(
      `WITH RECURSIVE d(id) AS (
         SELECT e.to_id FROM "Edge" e WHERE e.name = 'blocks' AND e.from_id IN (${RawSql.list(part)})
         UNION
         SELECT e.to_id FROM "Edge" e JOIN d ON e.from_id = d.id WHERE e.name = 'blocks'
       ) SELECT d.id FROM d JOIN "Job" j ON j.id = d.id WHERE j."workflowId" = ?`,
      ...part, workflowId,
    ));
    const start = new Set(ids);
    return [...new Set(rows.map((r) => Number(r.id)))].filter((id) => !start.has(id));
  }

  /** The files and user data each job needs, consumes or stores, with their current revisions. */
  jobInputs(ids: number[]): Promise<{ jobId: number; edge: string; inputId: number; rev: number }[]> {
    return chunked(ids, async (part) => (await this.sql.query<{ from_id: unknown; name: unknown; to_id: unknown; rev: unknown }>(
      `SELECT e.from_id, e.name, e.to_id, COALESCE(f.rev, u.rev) AS rev FROM "Edge" e
       LEFT JOIN "File" f ON e.to_collection = 'files' AND f.id = e.to_id
       LEFT JOIN "UserData" u ON e.to_collection = 'user_data' AND u.id = e.to_id
       WHERE e.from_id IN (${RawSql.list(part)}) AND e.name IN ('needs', 'consumes', 'stores')`, ...part))
      .map((r) => ({ jobId: Number(r.from_id), edge: String(r.name), inputId: Number(r.to_id), rev: Number(r.rev) })));
  }
}
