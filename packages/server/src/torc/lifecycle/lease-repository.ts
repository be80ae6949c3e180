// Compute nodes as lease holders: when each was last heard from, and handing out again the jobs of claims
// and workers whose lease ran out.
import { empty, list, sql } from '../../db/sql.ts';
import type { TorcSql } from './lifecycle-repository.ts';

export interface NodeRef {
  id: number;
  hostname: string;
}

// A running job belongs to the node of its latest `executed` edge.
const RUNNING_NODE = sql`(SELECT e.from_id FROM torc_edge e WHERE e.name = 'executed' AND e.to_id = torc_job.id ORDER BY e.id DESC LIMIT 1)`;

export class LeaseRepository {
  constructor(private readonly sql: TorcSql) {}

  async node(workflowId: number, id: number): Promise<NodeRef | undefined> {
    const [row] = await this.sql.query(sql`SELECT id, hostname FROM torc_compute_node WHERE workflow_id = ${workflowId} AND id = ${id}`);
    return row && { id: Number(row.id), hostname: String(row.hostname) };
  }

  async touchNode(id: number, now: number, { reactivate = false } = {}): Promise<void> {
    const active = reactivate ? sql`, is_active = ${true}` : empty;
    await this.sql.execute(sql`UPDATE torc_compute_node SET last_seen = ${now}${active} WHERE id = ${id}`);
  }

  /** Claimed jobs not started since `before` go back to ready. */
  async expireClaims(workflowId: number, before: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status = 'submitted_pending' AND claimed_at < ${before}`);
  }

  /** Nodes not heard from since `before` become inactive, and their running jobs go back to ready. */
  async expireNodes(workflowId: number, before: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_compute_node SET is_active = ${false}, rev = rev + 1
       WHERE workflow_id = ${workflowId} AND last_seen IS NOT NULL AND last_seen < ${before} AND (is_active IS NULL OR is_active <> ${false})`);
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status = 'submitted'
         AND ${RUNNING_NODE} IN (SELECT id FROM torc_compute_node WHERE workflow_id = ${workflowId} AND is_active = ${false})`);
  }

  /** Jobs started on this node before `before` that the node does not list as running go back to ready. */
  async releaseUnknownStarts(workflowId: number, nodeId: number, running: number[], before: number): Promise<void> {
    const notRunning = running.length ? sql`AND id NOT IN (${list(running)})` : empty;
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE workflow_id = ${workflowId} AND status = 'submitted' AND claimed_at < ${before}
         ${notRunning}
         AND ${RUNNING_NODE} = ${nodeId}`);
  }
}
