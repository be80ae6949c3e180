// What a completed job does to the jobs it blocks (semantics.md §3), inside the completion's transaction.
import type { JobGraphRepository } from './job-graph-repository.ts';

/** The graph operations the downstream update needs (an in-memory graph in unit tests). */
export type DownstreamGraph = Pick<JobGraphRepository, 'blockEdgesFrom' | 'jobsByIds' | 'openBlockerCounts' | 'setStatus' | 'readyBlockersOf' | 'releaseChildren'>;

export interface Completed {
  id: number;
  /** Ended with a nonzero return code, or canceled or terminated. */
  failed: boolean;
}

/**
 * A completed job's blocked children: a child whose blockers are all complete becomes ready at once; a child
 * of a failed job with cancel_on_blocking_job_failure is canceled, and then the child's other blockers that
 * are still `ready` are canceled too (Torc's rule: they would run for a job that never will). A canceled job
 * counts as failed for its own children, so the cancellation goes down the whole graph and a workflow with a
 * failure always completes (upstream stops after one level: a QUIRK).
 */
export async function releaseDownstream(jobs: DownstreamGraph, workflowId: number, completed: Completed[]): Promise<void> {
  let frontier = completed;
  while (frontier.length) {
    // Without a failed parent nothing is canceled: only children whose blockers are all complete move, and
    // one guarded UPDATE does what the reads below would decide.
    if (!frontier.some((p) => p.failed)) {
      await jobs.releaseChildren(workflowId, frontier.map((p) => p.id));
      return;
    }
    const failedParents = new Set(frontier.filter((p) => p.failed).map((p) => p.id));
    const edges = await jobs.blockEdgesFrom(frontier.map((p) => p.id));
    const childIds = [...new Set(edges.map((e) => e.to_id))];
    const children = (await jobs.jobsByIds(workflowId, childIds)).filter((c) => c.status === 'blocked');
    const open = await jobs.openBlockerCounts(children.map((c) => c.id));
    const cancel: number[] = [];
    const ready: number[] = [];
    for (const child of children) {
      const hasFailedParent = edges.some((e) => e.to_id === child.id && failedParents.has(e.from_id));
      if (hasFailedParent && child.cancel_on_blocking_job_failure) cancel.push(child.id);
      else if ((open.get(child.id) ?? 0) === 0) ready.push(child.id);
    }
    await jobs.setStatus(workflowId, ready, 'ready', ['blocked']);
    const canceled = await jobs.setStatus(workflowId, cancel, 'canceled', ['blocked']);
    const siblings = await jobs.setStatus(workflowId, await jobs.readyBlockersOf(canceled.map((c) => c.id)), 'canceled', ['ready']);
    frontier = [...canceled, ...siblings].map((c) => ({ id: c.id, failed: true }));
  }
}
