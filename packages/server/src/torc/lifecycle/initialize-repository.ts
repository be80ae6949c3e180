// The set-based statements of initialize_jobs (semantics.md §3): derived `blocks` edges, each job's cached
// resource needs and scheduler pin, and the status passes that block or ready every job.
import { empty, sql, type Fragment } from '../../db/sql.ts';
import type { TorcSql } from './lifecycle-repository.ts';

export interface RequirementsRow {
  id: number;
  name: string | null;
  num_cpus: number;
  num_gpus: number;
  num_nodes: number;
  memory: string;
  runtime: string;
}

/** A job's resource needs, as initialize caches them in job.internal. */
export interface Needs {
  cpus: number;
  gpus: number;
  nodes: number;
  bytes: number;
  seconds: number;
}

const setNeeds = (n: Needs): Fragment => sql`internal_num_cpus = ${n.cpus}, internal_num_gpus = ${n.gpus}, internal_num_nodes = ${n.nodes},
  internal_memory_bytes = ${n.bytes}, internal_runtime_seconds = ${n.seconds}`;

export class InitializeRepository {
  constructor(private readonly sql: TorcSql) {}

  async requirements(workflowId: number): Promise<RequirementsRow[]> {
    const rows = await this.sql.query(
      sql`SELECT id, name, num_cpus, num_gpus, num_nodes, memory, runtime FROM torc_resource_requirements WHERE workflow_id = ${workflowId}`);
    return rows.map((r) => ({
      id: Number(r.id), name: r.name === null || r.name === undefined ? null : String(r.name),
      num_cpus: Number(r.num_cpus), num_gpus: Number(r.num_gpus), num_nodes: Number(r.num_nodes), memory: String(r.memory), runtime: String(r.runtime),
    }));
  }

  /** Producers block consumers, through files and through user data; existing edges are kept. */
  async deriveBlocks(workflowId: number): Promise<void> {
    for (const [produces, needs] of [['produces', 'needs'], ['stores', 'consumes']] as const) {
      await this.sql.execute(
        sql`INSERT INTO torc_edge (workflow_id, name, from_collection, from_id, to_collection, to_id)
         SELECT DISTINCT CAST(${workflowId} AS INTEGER), 'blocks', 'jobs', p.from_id, 'jobs', c.from_id
         FROM torc_edge p JOIN torc_edge c ON c.name = ${needs} AND c.to_collection = p.to_collection AND c.to_id = p.to_id
         WHERE p.workflow_id = ${workflowId} AND p.name = ${produces} AND p.from_id <> c.from_id
           AND NOT EXISTS (SELECT 1 FROM torc_edge b WHERE b.name = 'blocks' AND b.from_id = p.from_id AND b.to_id = c.from_id)`,
      );
    }
  }

  /** Every job needs `defaults`, then the jobs that require a set of resource requirements need that. */
  async cacheNeeds(workflowId: number, defaults: Needs, byRequirements: { id: number; needs: Needs }[]): Promise<void> {
    await this.sql.execute(sql`UPDATE torc_job SET ${setNeeds(defaults)} WHERE workflow_id = ${workflowId}`);
    for (const rr of byRequirements) {
      await this.sql.execute(
        sql`UPDATE torc_job SET ${setNeeds(rr.needs)}
         WHERE id IN (SELECT from_id FROM torc_edge WHERE name = 'requires' AND to_collection = 'resource_requirements' AND to_id = ${rr.id})`,
      );
    }
  }

  /** Each job's scheduler pin: the `_id` its scheduled_bys edge points to, or ''. */
  async cacheSchedulerPins(workflowId: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_job SET internal_scheduler_config_id = COALESCE((SELECT e.to_collection || '__' || CAST(e.workflow_id AS TEXT) || '/' || CAST(e.to_id AS TEXT)
         FROM torc_edge e WHERE e.name = 'scheduled_bys' AND e.from_id = torc_job.id LIMIT 1), '')
       WHERE workflow_id = ${workflowId}`,
    );
  }

  /** Anything downstream of an uninitialized job becomes uninitialized too (disabled jobs stay disabled). */
  async uninitializeDownstream(workflowId: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'uninitialized', rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status NOT IN ('uninitialized', 'disabled') AND id IN (
         WITH RECURSIVE d(id) AS (
           SELECT e.to_id FROM torc_edge e JOIN torc_job j ON j.id = e.from_id
           WHERE e.name = 'blocks' AND j.workflow_id = ${workflowId} AND j.status = 'uninitialized'
           UNION SELECT e.to_id FROM torc_edge e JOIN d ON e.from_id = d.id WHERE e.name = 'blocks'
         ) SELECT id FROM d)`,
    );
  }

  /** Jobs with a blocker that is not done become blocked; the other runnable jobs become ready. */
  async blockAndReady(workflowId: number, onlyUninitialized: boolean): Promise<void> {
    const scope = onlyUninitialized ? sql` AND status = 'uninitialized'` : empty;
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'blocked', rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status NOT IN ('disabled', 'blocked')${scope}
         AND EXISTS (SELECT 1 FROM torc_edge e JOIN torc_job b ON b.id = e.from_id WHERE e.name = 'blocks' AND e.to_id = torc_job.id AND b.status <> 'done')`,
    );
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'ready', rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status NOT IN ('disabled', 'blocked', 'done', 'canceled', 'ready')${scope}`,
    );
  }

  /**
   * PostgreSQL picks its plans from table statistics. Right after a workflow's jobs and edges arrive in bulk
   * they may still describe the tables before those rows existed (autovacuum analyzes later). A claim then
   * sorts every ready job (~40 ms at 100,000) instead of reading ten index entries, and releasing the
   * children of 250 completed jobs walks every `blocks` edge (seconds at a million edges) instead of reading
   * 250 entries of the (name, from_id) index. ANALYZE samples a bounded number of rows. SQLite plans without
   * statistics, so there is nothing to refresh.
   */
  async refreshStatistics(): Promise<void> {
    if (this.sql.provider === 'postgresql') await this.sql.execute(sql`ANALYZE torc_job, torc_edge`);
  }
}
