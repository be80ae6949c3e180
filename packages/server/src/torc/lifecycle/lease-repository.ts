// Compute nodes as lease holders: when each was last heard from, and handing out again the jobs of claims
// and workers whose lease ran out.
import { empty, list, sql, type Fragment } from '../../db/sql.ts';
import type { components } from '@pipeloom/sdk/generated';
import type { TorcSql } from './lifecycle-repository.ts';

/** Where expired leases are looked for: one workflow (by id), or every workflow on a named queue. */
export type LeaseScope = number | { queue: string };

/** Who claims from a queue: recorded as the caller's compute node in a workflow where it has none. */
export type QueueWorker = components['schemas']['queue_worker'];

/** The condition on `workflow_id` that selects a scope's rows. */
function inScope(scope: LeaseScope): Fragment {
  return typeof scope === 'number'
    ? sql`workflow_id = ${scope}`
    : sql`workflow_id IN (SELECT id FROM torc_workflow WHERE queue = ${scope.queue})`;
}

export interface NodeRef {
  id: number;
  hostname: string;
}

// A running job belongs to the node of its latest `executed` edge.
const RUNNING_NODE = sql`(SELECT e.from_id FROM torc_edge e WHERE e.name = 'executed' AND e.to_id = torc_job.id ORDER BY e.id DESC LIMIT 1)`;

export class LeaseRepository {
  constructor(private readonly sql: TorcSql) {}

  /** Registers a queue worker as a compute node of this workflow, active and heard from now. */
  async registerNode(workflowId: number, worker: QueueWorker, now: number): Promise<NodeRef> {
    const [id] = await this.sql.insertIds('torc_compute_node', [{
      workflow_id: workflowId, hostname: worker.hostname, pid: worker.pid, start_time: worker.start_time, is_active: true,
      resources: worker.resources, scheduler: {}, last_seen: now,
    }]);
    if (id === undefined) throw new Error('the compute node was not stored');
    return { id, hostname: worker.hostname };
  }

  /**
   * Marks a node of this workflow heard from now and returns it; undefined if there is none. With
   * `unlessSeenSince`, a node already heard from since then (and active, when reactivating) is only read.
   */
  async touchNodeOf(workflowId: number, id: number, now: number, { reactivate = false, unlessSeenSince }: { reactivate?: boolean; unlessSeenSince?: number } = {}): Promise<NodeRef | undefined> {
    const active = reactivate ? sql`, is_active = ${true}` : empty;
    const inactive = reactivate ? sql` OR is_active IS NULL OR is_active <> ${true}` : empty;
    const stale = unlessSeenSince === undefined ? empty : sql` AND (last_seen IS NULL OR last_seen < ${unlessSeenSince}${inactive})`;
    const [touched] = await this.sql.query(sql`UPDATE torc_compute_node SET last_seen = ${now}${active} WHERE workflow_id = ${workflowId} AND id = ${id}${stale} RETURNING id, hostname`);
    const [row] = touched || unlessSeenSince === undefined ? [touched]
      : await this.sql.query(sql`SELECT id, hostname FROM torc_compute_node WHERE workflow_id = ${workflowId} AND id = ${id}`);
    return row && { id: Number(row.id), hostname: String(row.hostname) };
  }

  /** Claimed jobs not started since `before` go back to ready. */
  async expireClaims(scope: LeaseScope, before: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE ${inScope(scope)} AND status = 'submitted_pending' AND claimed_at < ${before}`);
  }

  /** Nodes not heard from since `before` become inactive, and their running jobs go back to ready. */
  async expireNodes(scope: LeaseScope, before: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_compute_node SET is_active = ${false}, rev = rev + 1
       WHERE ${inScope(scope)} AND last_seen IS NOT NULL AND last_seen < ${before} AND (is_active IS NULL OR is_active <> ${false})`);
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE ${inScope(scope)} AND status = 'submitted'
         AND ${RUNNING_NODE} IN (SELECT id FROM torc_compute_node WHERE ${inScope(scope)} AND is_active = ${false})`);
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
