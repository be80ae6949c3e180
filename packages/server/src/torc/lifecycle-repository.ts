// Raw SQL for Torc's job lifecycle (semantics.md §2-§5). These statements run on the hot path and touch
// many rows at once, so they are set-based SQL through Prisma's raw API, written once for SQLite and
// PostgreSQL (`?` placeholders are renumbered for PostgreSQL).
import { chunked, RawSql } from '../db/raw-sql.ts';
import type { Row } from './document-repository.ts';

export const COMPLETE_STATUSES = ['done', 'canceled', 'terminated'] as const;
const IN_COMPLETE = `('done', 'canceled', 'terminated')`;

export class LifecycleSql extends RawSql {
  /** Rows are job-like unless a query says otherwise. */
  override query<T = Row>(sql: string, ...values: unknown[]): Promise<T[]> {
    return super.query<T>(sql, ...values);
  }

  // ---- jobs ----

  jobsByIds(workflowId: number, ids: number[]): Promise<Row[]> {
    return chunked(ids, (part) => this.query(`SELECT * FROM "Job" WHERE "workflowId" = ? AND id IN (${RawSql.list(part)})`, workflowId, ...part));
  }

  async job(workflowId: number, id: number): Promise<Row | undefined> {
    return (await this.query(`SELECT * FROM "Job" WHERE "workflowId" = ? AND id = ?`, workflowId, id))[0];
  }

  /** Sets `status` on the given jobs (a new `_rev` each) and returns the updated rows. */
  setStatus(workflowId: number, ids: number[], status: string, onlyFrom?: readonly string[]): Promise<Row[]> {
    const guard = onlyFrom ? ` AND status IN (${RawSql.list(onlyFrom)})` : '';
    return chunked(ids, (part) => this.query(
      `UPDATE "Job" SET status = ?, rev = rev + 1 WHERE "workflowId" = ? AND id IN (${RawSql.list(part)})${guard} RETURNING *`,
      status, workflowId, ...part, ...(onlyFrom ?? []),
    ));
  }

  /** Claims these jobs if they are still ready or scheduled, stamping the claim time. */
  claimJobs(workflowId: number, ids: number[], status: string): Promise<Row[]> {
    return chunked(ids, (part) => this.query(
      `UPDATE "Job" SET status = ?, claimed_at = ?, rev = rev + 1
       WHERE "workflowId" = ? AND id IN (${RawSql.list(part)}) AND status IN ('ready', 'scheduled') RETURNING *`,
      status, Date.now(), workflowId, ...part));
  }

  /** Children through `blocks` edges, with their status. */
  children(ids: number[]): Promise<Row[]> {
    return chunked(ids, (part) => this.query(
      `SELECT DISTINCT j.* FROM "Edge" e JOIN "Job" j ON j.id = e.to_id WHERE e.name = 'blocks' AND e.from_id IN (${RawSql.list(part)})`,
      ...part,
    ));
  }

  blockEdgesFrom(ids: number[]): Promise<{ from_id: number; to_id: number }[]> {
    return chunked(ids, (part) => this.query<{ from_id: number; to_id: number }>(
      `SELECT from_id, to_id FROM "Edge" WHERE name = 'blocks' AND from_id IN (${RawSql.list(part)})`, ...part));
  }

  /** The files and user data each job needs, consumes or stores, with their current revisions. */
  jobInputs(ids: number[]): Promise<{ from_id: number; name: string; to_id: number; rev: number }[]> {
    return chunked(ids, (part) => this.query<{ from_id: number; name: string; to_id: number; rev: number }>(
      `SELECT e.from_id, e.name, e.to_id, COALESCE(f.rev, u.rev) AS rev FROM "Edge" e
       LEFT JOIN "File" f ON e.to_collection = 'files' AND f.id = e.to_id
       LEFT JOIN "UserData" u ON e.to_collection = 'user_data' AND u.id = e.to_id
       WHERE e.from_id IN (${RawSql.list(part)}) AND e.name IN ('needs', 'consumes', 'stores')`, ...part));
  }

  /** For each job, how many of its blockers are not complete. */
  async openBlockerCounts(ids: number[]): Promise<Map<number, number>> {
    const rows = await chunked(ids, (part) => this.query<{ id: number; open: number | bigint }>(
      `SELECT e.to_id AS id, SUM(CASE WHEN b.status IN ${IN_COMPLETE} THEN 0 ELSE 1 END) AS open
       FROM "Edge" e JOIN "Job" b ON b.id = e.from_id WHERE e.name = 'blocks' AND e.to_id IN (${RawSql.list(part)}) GROUP BY e.to_id`,
      ...part,
    ));
    return new Map(rows.map((r) => [Number(r.id), Number(r.open)]));
  }

  /** Every transitive descendant of `ids` through `blocks` edges (not including `ids`). */
  async descendants(workflowId: number, ids: number[]): Promise<number[]> {
    const rows = await chunked(ids, (part) => this.query<{ id: number }>(
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

  // ---- workflow status ----

  async status(workflowId: number): Promise<{ id: number; runId: number; isCanceled: boolean; hasDetectedNeedToRunCompletionScript: boolean } | undefined> {
    const [row] = await this.query<{ id: number; runId: number; isCanceled: boolean | number; hasDetectedNeedToRunCompletionScript: boolean | number }>(
      `SELECT id, "runId", "isCanceled", "hasDetectedNeedToRunCompletionScript" FROM "WorkflowStatus" WHERE "workflowId" = ?`, workflowId);
    return row && { id: Number(row.id), runId: Number(row.runId), isCanceled: Boolean(row.isCanceled), hasDetectedNeedToRunCompletionScript: Boolean(row.hasDetectedNeedToRunCompletionScript) };
  }
}
