// Who may do what with a Torc workflow. The user who created it owns it (a workflow created before owners
// were recorded belongs to its `user`); administrators may do everything; others only what the owner shared
// with them: `read`, or `run` (read and run). Everything else is refused with 403.
import type { components } from '@pipeloom/sdk/generated';
import { AppError, notFound } from '../errors.ts';
import type { Identity } from '../http/auth.ts';
import type { IdentityService } from '../identity/identity-service.ts';
import type { ShareAccess, ShareRepository } from './share-repository.ts';
import type { WorkflowRow } from './workflow-repository.ts';
import type { WorkflowService } from './workflow-service.ts';

type ShareEntry = components['schemas']['workflow_share_entry'];

/** What a call needs, weakest first: reading, running, or owning (changing, sharing, deleting). */
export type AccessLevel = 'read' | 'run' | 'own';

const RANK: Record<AccessLevel, number> = { read: 1, run: 2, own: 3 };
const VERB: Record<AccessLevel, string> = { read: 'read', run: 'run', own: 'change' };

/** The user who owns the workflow. */
export const ownerOf = (wf: Pick<WorkflowRow, 'creator' | 'user'>): string => wf.creator ?? wf.user;

export class AccessService {
  constructor(
    private readonly workflows: WorkflowService,
    private readonly shares: ShareRepository,
    private readonly identity: IdentityService,
  ) {}

  /** The caller's access to the workflow, or 404 when there is no such workflow. */
  async levelOf(key: string, caller: Identity): Promise<{ workflow: WorkflowRow; level: AccessLevel | null }> {
    const workflow = await this.workflows.require(key);
    if (caller.isAdmin || ownerOf(workflow) === caller.user) return { workflow, level: 'own' };
    return { workflow, level: await this.shares.accessOf(workflow.id, caller.user) };
  }

  /** The workflow, or 403 unless the caller has at least `needed` on it (404 when it does not exist). */
  async require(key: string, caller: Identity, needed: AccessLevel): Promise<WorkflowRow> {
    const { workflow, level } = await this.levelOf(key, caller);
    if (level && RANK[level] >= RANK[needed]) return workflow;
    const why = level ? `it is shared with ${caller.user} to ${level} only` : `it is not shared with ${caller.user}`;
    throw new AppError('FORBIDDEN', `${caller.user} may not ${VERB[needed]} workflow ${key}: ${why}`);
  }

  async list(key: string, caller: Identity): Promise<{ items: ShareEntry[] }> {
    const rows = await this.shares.list((await this.require(key, caller, 'own')).id);
    return { items: rows.map((r) => ({ user: r.username, access: r.access })) };
  }

  async share(key: string, username: string, access: ShareAccess, caller: Identity): Promise<ShareEntry> {
    const workflow = await this.require(key, caller, 'own');
    if (username === ownerOf(workflow)) throw new AppError('INVALID_ARGUMENT', `${username} owns workflow ${key}; there is nothing to share with them`);
    if (!(await this.identity.activeStates([username])).has(username)) throw notFound(`user ${username}`);
    const row = await this.shares.put(workflow.id, username, access);
    return { user: row.username, access: row.access };
  }

  async unshare(key: string, username: string, caller: Identity): Promise<{ message: string }> {
    const workflow = await this.require(key, caller, 'own');
    if (!(await this.shares.remove(workflow.id, username))) throw notFound(`share of workflow ${key} with ${username}`);
    return { message: `Workflow ${key} is no longer shared with ${username}` };
  }
}
