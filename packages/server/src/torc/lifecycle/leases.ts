// Leases (a Pipeloom extension): a claim not started within the claim lease, and the running jobs of a
// worker not heard from within the node lease, are handed out again. Only workers that send heartbeats can
// expire, so clients that never do keep Torc's rules.
import type { components } from '@pipeloom/sdk/generated';
import type { Clock } from '../../clock.ts';
import { notFound } from '../../errors.ts';
import type { LifecycleRepository } from './lifecycle-repository.ts';
import type { LeaseScope, NodeRef, QueueWorker } from './lease-repository.ts';
import type { WorkflowGate } from './workflow-gate.ts';

export type HeartbeatReply = components['schemas']['heartbeat_response'];

/** How long claims and workers may go quiet before their jobs are handed out again. */
export interface Leases {
  claimSeconds: number;
  nodeSeconds: number;
}
export const DEFAULT_LEASES: Leases = { claimSeconds: 60, nodeSeconds: 120 };

// Expired leases are looked for at most this often per workflow and process, not on every claim.
const RECOVERY_INTERVAL_MS = 1_000;
// A node's last contact is written at most this often. Every lifecycle call names its node, and a write per
// call cost a commit of its own (the call's checks run before its transaction); leases last tens of seconds.
const CONTACT_RESOLUTION_MS = 1_000;

export class LeaseService {
  /** When each workflow (or queue) was last swept; only those swept within the interval are kept. */
  private readonly lastRecovery = new Map<string, number>();

  constructor(
    private readonly repo: LifecycleRepository,
    private readonly gate: WorkflowGate,
    private readonly clock: Clock,
    readonly leases: Leases = DEFAULT_LEASES,
  ) {}

  /** Hands out again what nobody will finish: expired claims, and the running jobs of silent workers. */
  async recoverExpired(scope: LeaseScope): Promise<void> {
    const now = this.clock.now();
    const key = typeof scope === 'number' ? `workflow ${scope}` : `queue ${scope.queue}`;
    for (const [id, at] of this.lastRecovery) if (now - at >= RECOVERY_INTERVAL_MS) this.lastRecovery.delete(id);
    if (this.lastRecovery.has(key)) return;
    this.lastRecovery.set(key, now);
    await this.repo.leases.expireClaims(scope, now - this.leases.claimSeconds * 1000);
    await this.repo.leases.expireNodes(scope, now - this.leases.nodeSeconds * 1000);
  }

  /**
   * The compute node named by `key` (its `_key` or `_id`); any call that names it counts as hearing from it,
   * to within a second.
   */
  async touch(workflowId: number, key: string, { reactivate = false } = {}): Promise<NodeRef> {
    const parsed = /^(?:compute_nodes__\d+\/)?(\d{1,15})$/.exec(key);
    const id = parsed ? Number(parsed[1]) : NaN;
    const now = this.clock.now();
    const node = Number.isSafeInteger(id) ? await this.repo.leases.touchNodeOf(workflowId, id, now, { reactivate, unlessSeenSince: now - CONTACT_RESOLUTION_MS }) : undefined;
    if (!node) throw notFound(`compute node ${key}`);
    return node;
  }

  /**
   * A queue worker's compute node in a workflow: the one it names (`key`), heard from now, or a new one
   * registered from `worker` when it names none or one that is not in this workflow.
   */
  async queueNode(repo: LifecycleRepository, workflowId: number, key: string | undefined, worker: QueueWorker): Promise<NodeRef> {
    const id = key !== undefined && /^\d{1,15}$/.test(key) ? Number(key) : NaN;
    const node = Number.isSafeInteger(id) ? await repo.leases.touchNodeOf(workflowId, id, this.clock.now(), { reactivate: true }) : undefined;
    return node ?? repo.leases.registerNode(workflowId, worker, this.clock.now());
  }

  /**
   * A worker is alive. When it lists the jobs it runs, jobs started for it longer than a claim lease ago
   * that it does not list (a claim_jobs answer that never arrived) are handed out again.
   */
  async heartbeat(workflowKey: string, nodeKey: string, runningJobKeys?: string[]): Promise<HeartbeatReply> {
    const wf = await this.gate.workflow(workflowKey);
    const node = await this.touch(wf.id, nodeKey, { reactivate: true });
    if (runningJobKeys) {
      const running = runningJobKeys.map(Number).filter(Number.isSafeInteger);
      await this.repo.leases.releaseUnknownStarts(wf.id, node.id, running, this.clock.now() - this.leases.claimSeconds * 1000);
    }
    const state = await this.gate.runState(wf.id);
    return { is_canceled: state.isCanceled, claim_lease_seconds: this.leases.claimSeconds, node_lease_seconds: this.leases.nodeSeconds };
  }
}
