// Raw SQL for Torc's restart support and resource auto-tuning (semantics.md §5): ephemeral user data,
// what must exist before a run, and the auto-tune groups, statistics and resource requirements. Written
// once for SQLite and PostgreSQL; job and graph statements live in JobGraphRepository.
import { chunks, list, sql, type Fragment } from '../db/sql.ts';
import { json } from './lifecycle/job-graph-repository.ts';
import type { JobStatus } from './lifecycle/job-wire.ts';
import type { TorcSql } from './lifecycle/lifecycle-repository.ts';

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
  constructor(private readonly sql: TorcSql) {}

  // ---- restart support ----

  /** The workflow's ephemeral user data that holds something (not null, not `{}`). */
  private ephemeralFilter(workflowId: number): Fragment {
    return sql`workflow_id = ${workflowId} AND is_ephemeral = ${true} AND data IS NOT NULL AND data <> ${this.sql.json({})}`;
  }

  /** Empties every non-empty ephemeral user data (a new `_rev` each); returns their ids. */
  async clearEphemeralUserData(workflowId: number): Promise<number[]> {
    const rows = await this.sql.query(
      sql`UPDATE torc_user_data SET data = ${this.sql.json({})}, rev = rev + 1 WHERE ${this.ephemeralFilter(workflowId)} RETURNING id`);
    return rows.map((r) => Number(r.id));
  }

  /** The ids clearEphemeralUserData would empty, without writing. */
  async ephemeralUserDataToClear(workflowId: number): Promise<number[]> {
    const rows = await this.sql.query(sql`SELECT id FROM torc_user_data WHERE ${this.ephemeralFilter(workflowId)}`);
    return rows.map((r) => Number(r.id));
  }

  /** Done jobs that store or consume any of the given user data. */
  async doneJobsUsingUserData(workflowId: number, userDataIds: number[]): Promise<number[]> {
    const out = new Set<number>();
    for (const part of chunks(userDataIds)) {
      const rows = await this.sql.query(
        sql`SELECT DISTINCT j.id FROM torc_edge e JOIN torc_job j ON j.id = e.from_id
         WHERE e.name IN ('consumes', 'stores') AND e.to_collection = 'user_data' AND e.to_id IN (${list(part)})
           AND j.workflow_id = ${workflowId} AND j.status = 'done'`);
      for (const r of rows) out.add(Number(r.id));
    }
    return [...out];
  }

  /**
   * User data that some job consumes and that should exist already: nothing stores it, or a job that
   * stores it is done. Each with its data; the caller decides what counts as empty.
   */
  async consumedExpectedUserData(workflowId: number): Promise<{ id: number; data: unknown }[]> {
    const rows = await this.sql.query(
      sql`SELECT u.id, u.data FROM torc_user_data u
       WHERE u.workflow_id = ${workflowId}
         AND EXISTS (SELECT 1 FROM torc_edge c WHERE c.name = 'consumes' AND c.to_collection = 'user_data' AND c.to_id = u.id)
         AND (NOT EXISTS (SELECT 1 FROM torc_edge s WHERE s.name = 'stores' AND s.to_collection = 'user_data' AND s.to_id = u.id)
              OR EXISTS (SELECT 1 FROM torc_edge s JOIN torc_job p ON p.id = s.from_id
                         WHERE s.name = 'stores' AND s.to_collection = 'user_data' AND s.to_id = u.id AND p.status = 'done'))
       ORDER BY u.id`);
    return rows.map((r) => ({ id: Number(r.id), data: json(r.data) }));
  }

  /** Files some job needs and no job produces. */
  async neededUnproducedFiles(workflowId: number): Promise<number[]> {
    const rows = await this.sql.query(
      sql`SELECT f.id FROM torc_file f
       WHERE f.workflow_id = ${workflowId}
         AND EXISTS (SELECT 1 FROM torc_edge n WHERE n.name = 'needs' AND n.to_collection = 'files' AND n.to_id = f.id)
         AND NOT EXISTS (SELECT 1 FROM torc_edge p WHERE p.name = 'produces' AND p.to_collection = 'files' AND p.to_id = f.id)
       ORDER BY f.id`);
    return rows.map((r) => Number(r.id));
  }

  // ---- auto-tune ----

  /** Every job with its status and the resource requirements it `requires` (null: the default group), by key. */
  async jobGroups(workflowId: number): Promise<{ id: number; status: JobStatus | string; rr: number | null }[]> {
    const rows = await this.sql.query(
      sql`SELECT j.id, j.status, (SELECT MIN(e.to_id) FROM torc_edge e WHERE e.name = 'requires' AND e.from_id = j.id) AS rr
       FROM torc_job j WHERE j.workflow_id = ${workflowId} ORDER BY j.id`);
    return rows.map((r) => ({ id: Number(r.id), status: String(r.status), rr: r.rr === null || r.rr === undefined ? null : Number(r.rr) }));
  }

  async resourceRequirements(workflowId: number, id: number): Promise<ResourceRequirementsRow | undefined> {
    const [row] = await this.sql.query(
      sql`SELECT id, name, num_cpus, memory, runtime FROM torc_resource_requirements WHERE workflow_id = ${workflowId} AND id = ${id}`);
    return row && {
      id: Number(row.id), name: row.name === null || row.name === undefined ? null : String(row.name),
      num_cpus: Number(row.num_cpus), memory: String(row.memory), runtime: String(row.runtime),
    };
  }

  async updateResourceRequirements(workflowId: number, id: number, values: { num_cpus: number; memory: string; runtime: string }): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_resource_requirements SET num_cpus = ${values.num_cpus}, memory = ${values.memory}, runtime = ${values.runtime}, rev = rev + 1
       WHERE workflow_id = ${workflowId} AND id = ${id}`);
  }

  /** The job's last process statistics of a run (the newest record). */
  async lastProcessStats(workflowId: number, jobKey: string, runId: number): Promise<ProcessStatsRow | undefined> {
    const [row] = await this.sql.query(
      sql`SELECT max_cpu_percent, max_rss FROM torc_job_process_stats
       WHERE workflow_id = ${workflowId} AND job_key = ${jobKey} AND run_id = ${runId} ORDER BY id DESC LIMIT 1`);
    return row && { max_cpu_percent: Number(row.max_cpu_percent), max_rss: Number(row.max_rss) };
  }

  /** The job's last result of a run. */
  async lastResult(workflowId: number, jobKey: string, runId: number): Promise<ResultRow | undefined> {
    const [row] = await this.sql.query(
      sql`SELECT exec_time_minutes FROM torc_result WHERE workflow_id = ${workflowId} AND job_key = ${jobKey} AND run_id = ${runId} ORDER BY id DESC LIMIT 1`);
    return row && { exec_time_minutes: Number(row.exec_time_minutes) };
  }

  async jobIdsWithStatus(workflowId: number, status: string): Promise<number[]> {
    const rows = await this.sql.query(sql`SELECT id FROM torc_job WHERE workflow_id = ${workflowId} AND status = ${status} ORDER BY id`);
    return rows.map((r) => Number(r.id));
  }
}
