// Compute nodes as lease holders: when each was last heard from, and handing out again the jobs of claims
// and workers whose lease ran out.
import { RawSql } from '../../db/raw-sql.ts';

export interface NodeRef {
  id: number;
  hostname: string;
}

// A running job belongs to the node of its latest `executed` edge.
const RUNNING_NODE = `(SELECT e.from_id FROM "Edge" e WHERE e.name = 'executed' AND e.to_id = "Job".id ORDER BY e.id DESC LIMIT 1)`;

export class LeaseRepository {
  constructor(private readonly sql: RawSql) {}

  async node(workflowId: number, id: number): Promise<NodeRef | undefined> {
    const [row] = await this.sql.query<{ id: unknown; hostname: unknown }>(`SELECT id, hostname FROM "ComputeNode" WHERE "workflowId" = ? AND id = ?`, workflowId, id);
    return row && { id: Number(row.id), hostname: String(row.hostname) };
  }

  async touchNode(id: number, now: number, { reactivate = false } = {}): Promise<void> {
    await this.sql.execute(`UPDATE "ComputeNode" SET last_seen = ?${reactivate ? `, is_active = ${this.sql.TRUE}` : ''} WHERE id = ?`, now, id);
  }

  /** Claimed jobs not started since `before` go back to ready. */
  async expireClaims(workflowId: number, before: number): Promise<void> {
    await this.sql.execute(
      `UPDATE "Job" SET status = 'ready', claimed_at = NULL, rev = rev + 1 WHERE "workflowId" = ? AND status = 'submitted_pending' AND claimed_at < ?`,
      workflowId, before);
  }

  /** Nodes not heard from since `before` become inactive, and their running jobs go back to ready. */
  async expireNodes(workflowId: number, before: number): Promise<void> {
    const { FALSE } = this.sql;
    await this.sql.execute(
      `UPDATE "ComputeNode" SET is_active = ${FALSE}, rev = rev + 1
       WHERE "workflowId" = ? AND last_seen IS NOT NULL AND last_seen < ? AND (is_active IS NULL OR is_active <> ${FALSE})`,
      workflowId, before);
    await this.sql.execute(
      `UPDATE "Job" SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE "workflowId" = ? AND status = 'submitted'
         AND ${RUNNING_NODE} IN (SELECT id FROM "ComputeNode" WHERE "workflowId" = ? AND is_active = ${FALSE})`,
      workflowId, workflowId);
  }

  /** Jobs started on this node before `before` that the node does not list as running go back to ready. */
  async releaseUnknownStarts(workflowId: number, nodeId: number, running: number[], before: number): Promise<void> {
    await this.sql.execute(
      `UPDATE "Job" SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE "workflowId" = ? AND status = 'submitted' AND claimed_at < ?
         ${running.length ? `AND id NOT IN (${RawSql.list(running)})` : ''}
         AND ${RUNNING_NODE} = ?`,
      workflowId, before, ...running, nodeId);
  }
}
