// The rules of Flow's pipelines: who sees which, and the administration Pipeloom adds (create, rename,
// delete, grant, revoke). Site administrators may do all of it; pipeline members as their permissions allow.
import crypto from 'node:crypto';
import type { components } from '@pipeloom/sdk/generated';
import { AppError } from '../../errors.ts';
import type { IdentityService } from '../../identity/identity-service.ts';
import { ALL_PERMISSIONS, NO_GRANT, canAssign, canDelete, canManageMembers, canSee, sorted, type FlowPermission, type Grant } from '../permissions.ts';
import type { PipelineRecord, PipelineRepository } from './pipeline-repository.ts';

type FlowPipeline = components['schemas']['FlowPipeline'];
type UserPermissions = Omit<components['schemas']['FlowUserPermissionsResponse'], 'status'>;

/** Who is calling, as Flow needs it. */
export interface Caller {
  user: string;
  isAdmin: boolean;
}

export interface PipelineServiceDeps {
  pipelines: PipelineRepository;
  identity: IdentityService;
  transaction: <T>(fn: (pipelines: PipelineRepository) => Promise<T>) => Promise<T>;
}

const view = (pipeline: PipelineRecord, grant: Grant): FlowPipeline => ({
  name: pipeline.name,
  id: pipeline.id,
  permissions: sorted(grant.permissions),
  is_manager: grant.isManager,
});

const forbidden = (what: string) => new AppError('FORBIDDEN', `You may not ${what}`);
const pipelineNotFound = (id: string) => new AppError('DOCUMENT_NOT_FOUND', `Pipeline ${id} was not found`);

export function pipelineService({ pipelines, identity, transaction }: PipelineServiceDeps) {
  async function existing(repo: PipelineRepository, id: string): Promise<PipelineRecord> {
    const pipeline = await repo.find(id);
    if (!pipeline) throw pipelineNotFound(id);
    return pipeline;
  }

  async function requireNameFree(repo: PipelineRepository, name: string, except?: string): Promise<void> {
    const holder = await repo.findByName(name);
    if (holder && holder.id !== except) throw new AppError('CONFLICT', `A pipeline named "${name}" already exists`);
  }

  /** Only users the identity store holds can be members; bootstrap users and the local user are not stored. */
  async function requireUser(username: string): Promise<void> {
    if (!(await identity.activeStates([username])).has(username)) throw new AppError('DOCUMENT_NOT_FOUND', `No user named "${username}"`);
  }

  /** Member changes: site administrators, managers and holders of `manage_pipelines`. */
  async function changeMember(caller: Caller, pipelineId: string, username: string, change: (current: Grant) => Grant): Promise<UserPermissions> {
    return transaction(async (repo) => {
      await existing(repo, pipelineId);
      const own = (await repo.grant(pipelineId, caller.user)) ?? NO_GRANT;
      if (!caller.isAdmin && !canManageMembers(own)) throw forbidden('change who may use this pipeline');
      await requireUser(username);
      const next = change((await repo.grant(pipelineId, username)) ?? NO_GRANT);
      await repo.setGrant(pipelineId, username, next);
      return { pipeline_id: pipelineId, username, permissions: sorted(next.permissions), is_manager: next.isManager };
    });
  }

  return {
    /** The pipelines the caller may read, with what the caller holds on each. */
    async list(caller: Caller): Promise<FlowPipeline[]> {
      const memberships = await pipelines.memberships(caller.user);
      return memberships.filter(canSee).map((m) => view(m.pipeline, m));
    },

    /** Site administrators only; the creator manages the new pipeline and holds every permission on it. */
    async create(caller: Caller, name: string): Promise<FlowPipeline> {
      if (!caller.isAdmin) throw forbidden('create pipelines; only site administrators may');
      return transaction(async (repo) => {
        await requireNameFree(repo, name);
        const pipeline = { id: crypto.randomUUID(), name };
        const grant: Grant = { permissions: new Set(ALL_PERMISSIONS), isManager: true };
        await repo.create(pipeline);
        await repo.setGrant(pipeline.id, caller.user, grant);
        return view(pipeline, grant);
      });
    },

    async rename(caller: Caller, id: string, name: string): Promise<FlowPipeline> {
      return transaction(async (repo) => {
        await existing(repo, id);
        const own = (await repo.grant(id, caller.user)) ?? NO_GRANT;
        if (!caller.isAdmin && !canAssign(own)) throw forbidden('rename this pipeline');
        await requireNameFree(repo, name, id);
        await repo.rename(id, name);
        return view({ id, name }, own);
      });
    },

    /** Removes the pipeline, every permission on it and its assignments to jobs, in one transaction. */
    async delete(caller: Caller, id: string): Promise<void> {
      await transaction(async (repo) => {
        await existing(repo, id);
        const own = (await repo.grant(id, caller.user)) ?? NO_GRANT;
        if (!caller.isAdmin && !canDelete(own)) throw forbidden('delete this pipeline');
        await repo.delete(id);
      });
    },

    grant: (caller: Caller, id: string, username: string, permissions: FlowPermission[], isManager?: boolean) =>
      changeMember(caller, id, username, (current) => ({
        permissions: new Set([...current.permissions, ...permissions]),
        isManager: isManager ?? current.isManager,
      })),

    /** Without a list, revokes everything, the manager role included. */
    revoke: (caller: Caller, id: string, username: string, permissions?: FlowPermission[]) =>
      changeMember(caller, id, username, (current) =>
        permissions?.length
          ? { permissions: new Set([...current.permissions].filter((p) => !permissions.includes(p))), isManager: current.isManager }
          : NO_GRANT),
  };
}

export type PipelineService = ReturnType<typeof pipelineService>;
