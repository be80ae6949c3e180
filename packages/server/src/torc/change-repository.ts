// Raw SQL for Torc's restart support and resource auto-tuning (semantics.md §5): ephemeral user data,
// what must exist before a run, and the auto-tune groups, statistics and resource requirements. Written
// once for SQLite and PostgreSQL; job and graph statements live in JobGraphRepository.
import { chunks, RawSql } from '../db/raw-sql.ts';
import { json } from './lifecycle/job-graph-repository.ts';
import type { JobStatus } from './lifecycle/job-wire.ts';

export interface ResourceRequirementsRow {
  id: number;
  name: string | null;
  num_cpus: number;
  memory: string;
  runtime: string;
}

export interface ProcessStatsRow {
  max_cpu_percent: number;
  max_rss: number;
}

export interface ResultRow {
  exec_time_minutes: number;
}

export class ChangeRepository {
  constructor(private readonly sql: RawSql) {}

  // ---- restart support ----

  private ephemeralFilter(): { empty: string; where: string } {
    const empty = this.sql.provider === 'sqlite' ? `'{}'` : `'{}'::jsonb`;
    return { empty, where: `"workflowId" = ? AND is_ephemeral = ${this.sql.TRUE} AND data IS NOT NULL AND data <> ${empty}` };
  }

  /** Empties every non-empty ephemeral user data (a new `_rev` each); returns their ids. */
  async clearEphemeralUserData(workflowId: number): Promise<number[]> {
    const { empty, where } = this.ephemeralFilter();
    const rows = await this.sql.query<{ id: number }>(`UPDATE "UserData" SET data = ${empty}, rev = rev + 1 WHERE ${where} RETURNING id`, workflowId);
    return rows.map((r) => Number(r.id));
  }

  /** The ids clearEphemeralUserData would empty, without writing. */
  async ephemeralUserDataToClear(workflowId: number): Promise<number[]> {
    const rows = await this.sql.query<{ id: number }>(`SELECT id FROM "UserData" WHERE ${this.ephemeralFilter().where}`, workflowId);
    return rows.map((r) => Number(r.id));
  }

  /** Done jobs that store or consume any of the given user data. */
  async doneJobsUsingUserData(workflowId: number, userDataIds: number[]): Promise<number[]> {
    const out = new Set<number>();
    for (const part of chunks(userDataIds)) {
      const rows = await this.sql.query<{ id: number }>(
        `SELECT DISTINCT j.id FROM "Edge" e JOIN "Job" j ON j.id = e.from_id
         WHERE e.name IN ('consumes', 'stores') AND e.to_collection = 'user_data' AND e.to_id IN (${RawSql.list(part)})
           AND j."workflowId" = ? AND j.status = 'done'`, ...part, workflowId);
      for (const r of rows) out.add(Number(r.id));
    }
    return [...out];
  }

  /**
   * User data that some job consumes and that should exist already: nothing stores it, or a job that
   * stores it is done. Each with its data; the caller decides what counts as empty.
   */
  async consumedExpectedUserData(workflowId: number): Promise<{ id: number; data: unknown }[]> {
    const rows = await this.sql.query<{ id: number; data: unknown }>(
      `SELECT u.id, u.data FROM "UserData" u
       WHERE u."workflowId" = ?
         AND EXISTS (SELECT 1 FROM "Edge" c WHERE c.name = 'consumes' AND c.to_collection = 'user_data' AND c.to_id = u.id)
         AND (NOT EXISTS (SELECT 1 FROM "Edge" s WHERE s.name = 'stores' AND s.to_collection = 'user_data' AND s.to_id = u.id)
              OR EXISTS (SELECT 1 FROM "Edge" s JOIN "Job" p ON p.id = s.from_id
                         WHERE s.name = 'stores' AND s.to_collection = 'user_data' AND s.to_id = u.id AND p.status = 'done'))
       ORDER BY u.id`, workflowId);
    return rows.map((r) => ({ id: Number(r.id), data: json(r.data) }));
  }

  /** Files some job needs and no job produces. */
  async neededUnproducedFiles(workflowId: number): Promise<number[]> {
    const rows = await this.sql.query<{ id: number }>(
      `SELECT f.id FROM "File" f
       WHERE f."workflowId" = ?
         AND EXISTS (SELECT 1 FROM "Edge" n WHERE n.name = 'needs' AND n.to_collection = 'files' AND n.to_id = f.id)
         AND NOT EXISTS (SELECT 1 FROM "Edge" p WHERE p.name = 'produces' AND p.to_collection = 'files' AND p.to_id = f.id)
       ORDER BY f.id`, workflowId);
    return rows.map((r) => Number(r.id));
  }

  // ---- auto-tune ----

  /** Every job with its status and the resource requirements it `requires` (null: the default group), by key. */
  async jobGroups(workflowId: number): Promise<{ id: number; status: JobStatus | string; rr: number | null }[]> {
    const rows = await this.sql.query<{ id: number; status: string; rr: number | null }>(
      `SELECT j.id, j.status, (SELECT MIN(e.to_id) FROM "Edge" e WHERE e.name = 'requires' AND e.from_id = j.id) AS rr
       FROM "Job" j WHERE j."workflowId" = ? ORDER BY j.id`, workflowId);
    return rows.map((r) => ({ id: Number(r.id), status: r.status, rr: r.rr === null ? null : Number(r.rr) }));
  }

  async resourceRequirements(workflowId: number, id: number): Promise<ResourceRequirementsRow | undefined> {
    const [row] = await this.sql.query<ResourceRequirementsRow>(
      `SELECT id, name, num_cpus, memory, runtime FROM "ResourceRequirements" WHERE "workflowId" = ? AND id = ?`, workflowId, id);
    return row && { ...row, id: Number(row.id), num_cpus: Number(row.num_cpus) };
  }

  async updateResourceRequirements(workflowId: number, id: number, values: { num_cpus: number; memory: string; runtime: string }): Promise<void> {
    await this.sql.execute(
      `UPDATE "ResourceRequirements" SET num_cpus = ?, memory = ?, runtime = ?, rev = rev + 1 WHERE "workflowId" = ? AND id = ?`,
      values.num_cpus, values.memory, values.runtime, workflowId, id);
  }

  /** The job's last process statistics of a run (the newest record). */
  async lastProcessStats(workflowId: number, jobKey: string, runId: number): Promise<ProcessStatsRow | undefined> {
    const [row] = await this.sql.query<ProcessStatsRow>(
      `SELECT max_cpu_percent, max_rss FROM "JobProcessStats" WHERE "workflowId" = ? AND job_key = ? AND run_id = ? ORDER BY id DESC LIMIT 1`,
      workflowId, jobKey, runId);
    return row && { max_cpu_percent: Number(row.max_cpu_percent), max_rss: Number(row.max_rss) };
  }

  /** The job's last result of a run. */
  async lastResult(workflowId: number, jobKey: string, runId: number): Promise<ResultRow | undefined> {
    const [row] = await this.sql.query<ResultRow>(
      `SELECT exec_time_minutes FROM "Result" WHERE "workflowId" = ? AND job_key = ? AND run_id = ? ORDER BY id DESC LIMIT 1`,
      workflowId, jobKey, runId);
    return row && { exec_time_minutes: Number(row.exec_time_minutes) };
  }

  async jobIdsWithStatus(workflowId: number, status: string): Promise<number[]> {
    const rows = await this.sql.query<{ id: number }>(`SELECT id FROM "Job" WHERE "workflowId" = ? AND status = ? ORDER BY id`, workflowId, status);
    return rows.map((r) => Number(r.id));
  }
}
