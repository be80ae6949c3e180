// The engine's own statements over the Torc tables: starting a run, cancelling the jobs a cancel leaves
// waiting, and the reads families make often (a run's jobs, one job's status, the workers of an owner).
// Each read is one statement, whatever the number of jobs or workflows.
import { sql, type Fragment } from '../../db/sql.ts';
import type { TorcSql } from '../lifecycle/lifecycle-repository.ts';

export interface RunStateRow {
  isCanceled: boolean;
  jobs: { name: string; status: string; returnCode: number | null; computeNodeKey: string | null }[];
}

/** A compute node of an owned workflow: one worker process's session in that workflow. */
export interface OwnedNodeRow {
  hostname: string;
  pid: number;
}

export interface RunningJobRow extends OwnedNodeRow {
  workflowId: number;
  jobName: string;
}

export interface FinishedJobRow extends OwnedNodeRow {
  completionTime: string;
}

// The node holding a job: the one of its latest `executed` edge (as the lease recovery sees it).
const holder = (job: Fragment) =>
  sql`(SELECT e.from_id FROM torc_edge e WHERE e.name = 'executed' AND e.to_id = ${job} ORDER BY e.id DESC LIMIT 1)`;

const CLAIMED = sql`('submitted_pending', 'submitted')`;

const nullableNumber = (v: unknown) => (v === null || v === undefined ? null : Number(v));

export class RunRepository {
  constructor(private readonly sql: TorcSql) {}

  /** Lets the queue workers of `usernames` run the workflow (a `run` share each). */
  async shareToRun(workflowId: number, usernames: string[]): Promise<void> {
    for (const username of usernames) {
      await this.sql.execute(sql`INSERT INTO torc_workflow_share (workflow_id, username, access) VALUES (${workflowId}, ${username}, 'run')`);
    }
  }

  /** The run begins: run_id 1 is what queue claims and the worker calls take for a started workflow. */
  async start(workflowId: number): Promise<void> {
    await this.sql.execute(sql`UPDATE torc_workflow_status SET run_id = 1, rev = rev + 1 WHERE workflow_id = ${workflowId}`);
  }

  /** Jobs still waiting (not yet handed out) are canceled; the run-state cancel handles the handed-out ones. */
  async cancelWaiting(workflowId: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'canceled', rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status IN ('uninitialized', 'blocked', 'ready', 'scheduled')`);
  }

  /** The family that owns the workflow; null for a workflow made through the Torc API (or none). */
  async ownerOf(workflowId: number): Promise<string | null> {
    const rows = await this.sql.query(sql`SELECT owned_by FROM torc_workflow WHERE id = ${workflowId}`);
    return rows.length && rows[0]!.owned_by != null ? String(rows[0]!.owned_by) : null;
  }

  /** The names of the workflow's jobs, in the order they were created. */
  async jobNames(workflowId: number): Promise<string[]> {
    return (await this.sql.query(sql`SELECT name FROM torc_job WHERE workflow_id = ${workflowId} ORDER BY id`)).map((r) => String(r.name));
  }

  /** The run's cancel flag and each job with its latest result of the current run and its holder; one statement. */
  async runState(workflowId: number): Promise<RunStateRow | null> {
    const rows = await this.sql.query(
      sql`SELECT s.is_canceled, j.name, j.status,
         (SELECT r.return_code FROM torc_result r WHERE r.workflow_id = s.workflow_id AND r.job_key = CAST(j.id AS TEXT) AND r.run_id = s.run_id
          ORDER BY r.id DESC LIMIT 1) AS return_code,
         CASE WHEN j.status IN ${CLAIMED} THEN ${holder(sql`j.id`)} END AS node
       FROM torc_workflow_status s LEFT JOIN torc_job j ON j.workflow_id = s.workflow_id
       WHERE s.workflow_id = ${workflowId} ORDER BY j.id`);
    if (!rows.length) return null;
    return {
      isCanceled: Boolean(rows[0]!.is_canceled),
      // A run without jobs comes back as one row of nulls (the LEFT JOIN).
      jobs: rows.filter((r) => r.status !== null && r.status !== undefined).map((r) => ({
        name: String(r.name ?? ''),
        status: String(r.status),
        returnCode: nullableNumber(r.return_code),
        computeNodeKey: r.node === null || r.node === undefined ? null : String(r.node),
      })),
    };
  }

  async mayRun(workflowId: number, user: string): Promise<boolean> {
    const rows = await this.sql.query(sql`SELECT 1 AS ok FROM torc_workflow w WHERE w.id = ${workflowId} AND (w.creator = ${user}
      OR EXISTS (SELECT 1 FROM torc_workflow_share sh WHERE sh.workflow_id = w.id AND sh.username = ${user} AND sh.access = 'run'))`);
    return rows.length > 0;
  }

  async jobStatus(workflowId: number, name: string): Promise<string | undefined> {
    const [row] = await this.sql.query(sql`SELECT status FROM torc_job WHERE workflow_id = ${workflowId} AND name = ${name} LIMIT 1`);
    return row ? String(row.status) : undefined;
  }

  /** Compute nodes of the owner's workflows heard from since `sinceMs`. */
  async recentNodes(owner: string, sinceMs: number): Promise<OwnedNodeRow[]> {
    const rows = await this.sql.query(
      sql`SELECT n.hostname, n.pid FROM torc_compute_node n JOIN torc_workflow w ON w.id = n.workflow_id
       WHERE w.owned_by = ${owner} AND n.last_seen >= ${sinceMs}`);
    return rows.map((r) => ({ hostname: String(r.hostname), pid: Number(r.pid) }));
  }

  /** The jobs of the owner's workflows handed out now, with the node holding each. */
  async runningJobs(owner: string): Promise<RunningJobRow[]> {
    const rows = await this.sql.query(
      sql`SELECT j.workflow_id, j.name, n.hostname, n.pid FROM torc_job j
       JOIN torc_workflow w ON w.id = j.workflow_id
       JOIN torc_compute_node n ON n.id = ${holder(sql`j.id`)}
       WHERE w.owned_by = ${owner} AND j.status IN ${CLAIMED}`);
    return rows.map((r) => ({ workflowId: Number(r.workflow_id), jobName: String(r.name ?? ''), hostname: String(r.hostname), pid: Number(r.pid) }));
  }

  /**
   * Results of the owner's workflows reported through the lifecycle (they have a `returned` edge) by nodes
   * heard from since `sinceMs`, with the node that ran each; a completion touches its node, so none is missed.
   */
  async finishedJobs(owner: string, sinceMs: number): Promise<FinishedJobRow[]> {
    const rows = await this.sql.query(
      sql`SELECT r.completion_time, n.hostname, n.pid FROM torc_result r
       JOIN torc_workflow w ON w.id = r.workflow_id
       JOIN torc_edge ret ON ret.name = 'returned' AND ret.to_collection = 'results' AND ret.to_id = r.id
       JOIN torc_compute_node n ON n.id = ${holder(sql`ret.from_id`)}
       WHERE w.owned_by = ${owner} AND n.last_seen >= ${sinceMs}`);
    return rows.map((r) => ({ completionTime: String(r.completion_time), hostname: String(r.hostname), pid: Number(r.pid) }));
  }
}
