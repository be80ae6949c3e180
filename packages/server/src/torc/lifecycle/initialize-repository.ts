// The set-based statements of initialize_jobs (semantics.md §3): derived `blocks` edges, each job's cached
// resource needs and scheduler pin, and the status passes that block or ready every job.
import type { RawSql } from '../../db/raw-sql.ts';

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

const SET_NEEDS = `internal_num_cpus = ?, internal_num_gpus = ?, internal_num_nodes = ?, internal_memory_bytes = ?, internal_runtime_seconds = ?`;
const needsArgs = (n: Needs) => [n.cpus, n.gpus, n.nodes, n.bytes, n.seconds];

export class InitializeRepository {
  constructor(private readonly sql: RawSql) {}

  async requirements(workflowId: number): Promise<RequirementsRow[]> {
    const rows = await this.sql.query<Record<string, unknown>>(
      `SELECT id, name, num_cpus, num_gpus, num_nodes, memory, runtime FROM "ResourceRequirements" WHERE "workflowId" = ?`, workflowId);
    return rows.map((r) => ({
      id: Number(r.id), name: r.name === null || r.name === undefined ? null : String(r.name),
      num_cpus: Number(r.num_cpus), num_gpus: Number(r.num_gpus), num_nodes: Number(r.num_nodes), memory: String(r.memory), runtime: String(r.runtime),
    }));
  }

  /** Producers block consumers, through files and through user data; existing edges are kept. */
  async deriveBlocks(workflowId: number): Promise<void> {
    for (const [produces, needs] of [['produces', 'needs'], ['stores', 'consumes']] as const) {
      await this.sql.execute(
        `INSERT INTO "Edge" ("workflowId", name, from_collection, from_id, to_collection, to_id)
         SELECT DISTINCT CAST(? AS INTEGER), 'blocks', 'jobs', p.from_id, 'jobs', c.from_id
         FROM "Edge" p JOIN "Edge" c ON c.name = ? AND c.to_collection = p.to_collection AND c.to_id = p.to_id
         WHERE p."workflowId" = ? AND p.name = ? AND p.from_id <> c.from_id
           AND NOT EXISTS (SELECT 1 FROM "Edge" b WHERE b.name = 'blocks' AND b.from_id = p.from_id AND b.to_id = c.from_id)`,
        workflowId, needs, workflowId, produces,
      );
    }
  }

  /** Every job needs `defaults`, then the jobs that require a set of resource requirements need that. */
  async cacheNeeds(workflowId: number, defaults: Needs, byRequirements: { id: number; needs: Needs }[]): Promise<void> {
    await this.sql.execute(`UPDATE "Job" SET ${SET_NEEDS} WHERE "workflowId" = ?`, ...needsArgs(defaults), workflowId);
    for (const rr of byRequirements) {
      await this.sql.execute(
        `UPDATE "Job" SET ${SET_NEEDS}
         WHERE id IN (SELECT from_id FROM "Edge" WHERE name = 'requires' AND to_collection = 'resource_requirements' AND to_id = ?)`,
        ...needsArgs(rr.needs), rr.id,
      );
    }
  }

  /** Each job's scheduler pin: the `_id` its scheduled_bys edge points to, or ''. */
  async cacheSchedulerPins(workflowId: number): Promise<void> {
    await this.sql.execute(
      `UPDATE "Job" SET internal_scheduler_config_id = COALESCE((SELECT e.to_collection || '__' || CAST(e."workflowId" AS TEXT) || '/' || CAST(e.to_id AS TEXT)
         FROM "Edge" e WHERE e.name = 'scheduled_bys' AND e.from_id = "Job".id LIMIT 1), '')
       WHERE "workflowId" = ?`,
      workflowId,
    );
  }

  /** Anything downstream of an uninitialized job becomes uninitialized too (disabled jobs stay disabled). */
  async uninitializeDownstream(workflowId: number): Promise<void> {
    await this.sql.execute(
      `UPDATE "Job" SET status = 'uninitialized', rev = rev + 1
       WHERE "workflowId" = ? AND status NOT IN ('uninitialized', 'disabled') AND id IN (
         WITH RECURSIVE d(id) AS (
           SELECT e.to_id FROM "Edge" e JOIN "Job" j ON j.id = e.from_id WHERE e.name = 'blocks' AND j."workflowId" = ? AND j.status = 'uninitialized'
           UNION SELECT e.to_id FROM "Edge" e JOIN d ON e.from_id = d.id WHERE e.name = 'blocks'
         ) SELECT id FROM d)`,
      workflowId, workflowId,
    );
  }

  /** Jobs with a blocker that is not done become blocked; the other runnable jobs become ready. */
  async blockAndReady(workflowId: number, onlyUninitialized: boolean): Promise<void> {
    const scope = onlyUninitialized ? ` AND status = 'uninitialized'` : '';
    await this.sql.execute(
      `UPDATE "Job" SET status = 'blocked', rev = rev + 1
       WHERE "workflowId" = ? AND status NOT IN ('disabled', 'blocked')${scope}
         AND EXISTS (SELECT 1 FROM "Edge" e JOIN "Job" b ON b.id = e.from_id WHERE e.name = 'blocks' AND e.to_id = "Job".id AND b.status <> 'done')`,
      workflowId,
    );
    await this.sql.execute(
      `UPDATE "Job" SET status = 'ready', rev = rev + 1
       WHERE "workflowId" = ? AND status NOT IN ('disabled', 'blocked', 'done', 'canceled', 'ready')${scope}`,
      workflowId,
    );
  }
}
