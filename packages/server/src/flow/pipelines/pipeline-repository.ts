// The only code that reads and writes Flow's pipelines, permissions and job assignments. Permissions are
// one boolean column each, so "the pipelines a user may read" is one indexed query.
import type { Db } from '../../db/client.ts';
import type { DbTx } from '../../db/transaction.ts';
import type { FlowPermission, Grant } from '../permissions.ts';

export interface PipelineRecord {
  id: string;
  name: string;
}

export interface MemberRecord extends Grant {
  pipeline: PipelineRecord;
}

/** Permission name → column, in one place so reads and writes agree. */
const COLUMNS = {
  'flow_pipeline:read': 'canRead',
  'flow_pipeline:execute': 'canExecute',
  'flow_pipeline:delete': 'canDelete',
  'flow_pipeline:manage_pipelines': 'canManage',
  'flow_pipeline:write': 'canWrite',
} as const satisfies Record<FlowPermission, string>;

type Column = (typeof COLUMNS)[FlowPermission];
type PermissionRow = Record<Column, boolean> & { isManager: boolean };

function grantOf(row: PermissionRow): Grant {
  const held = (Object.keys(COLUMNS) as FlowPermission[]).filter((p) => row[COLUMNS[p]]);
  return { permissions: new Set(held), isManager: row.isManager };
}

function rowOf(grant: Grant): PermissionRow {
  const row = { isManager: grant.isManager } as PermissionRow;
  for (const [permission, column] of Object.entries(COLUMNS) as [FlowPermission, Column][]) row[column] = grant.permissions.has(permission);
  return row;
}

export function pipelineRepository(db: Db | DbTx) {
  return {
    find: (id: string): Promise<PipelineRecord | null> => db.flowPipeline.findUnique({ where: { id }, select: { id: true, name: true } }),

    findByName: (name: string): Promise<PipelineRecord | null> => db.flowPipeline.findUnique({ where: { name }, select: { id: true, name: true } }),

    /** The pipelines among `ids` that exist. */
    findMany: (ids: string[]): Promise<PipelineRecord[]> =>
      db.flowPipeline.findMany({ where: { id: { in: ids } }, select: { id: true, name: true }, orderBy: { name: 'asc' } }),

    async create(pipeline: PipelineRecord): Promise<void> {
      await db.flowPipeline.create({ data: pipeline });
    },

    async rename(id: string, name: string): Promise<void> {
      await db.flowPipeline.update({ where: { id }, data: { name } });
    },

    /** Removes the pipeline with its permissions and its job assignments. */
    async delete(id: string): Promise<void> {
      await db.flowJobPipeline.deleteMany({ where: { pipelineId: id } });
      await db.flowPipelinePermission.deleteMany({ where: { pipelineId: id } });
      await db.flowPipeline.delete({ where: { id } });
    },

    /** What `username` holds on each pipeline they have a row for, by name. */
    async memberships(username: string): Promise<MemberRecord[]> {
      const rows = await db.flowPipelinePermission.findMany({
        where: { username },
        include: { pipeline: { select: { id: true, name: true } } },
        orderBy: { pipeline: { name: 'asc' } },
      });
      return rows.map((r) => ({ ...grantOf(r), pipeline: r.pipeline }));
    },

    /** What `username` holds on each of `pipelineIds` (pipelines without a row for them are left out). */
    async grants(username: string, pipelineIds: string[]): Promise<Map<string, Grant>> {
      const rows = await db.flowPipelinePermission.findMany({ where: { username, pipelineId: { in: pipelineIds } } });
      return new Map(rows.map((r) => [r.pipelineId, grantOf(r)]));
    },

    async grant(pipelineId: string, username: string): Promise<Grant | null> {
      const row = await db.flowPipelinePermission.findUnique({ where: { pipelineId_username: { pipelineId, username } } });
      return row ? grantOf(row) : null;
    },

    /** Stores the user's standing; a standing with nothing in it removes the row. */
    async setGrant(pipelineId: string, username: string, grant: Grant): Promise<void> {
      const key = { pipelineId_username: { pipelineId, username } };
      if (!grant.isManager && grant.permissions.size === 0) {
        await db.flowPipelinePermission.deleteMany({ where: { pipelineId, username } });
        return;
      }
      const row = rowOf(grant);
      await db.flowPipelinePermission.upsert({ where: key, create: { pipelineId, username, ...row }, update: row });
    },

    /** The pipelines assigned to the job, by name. */
    async jobPipelines(jobId: string): Promise<PipelineRecord[]> {
      const rows = await db.flowJobPipeline.findMany({ where: { jobId }, include: { pipeline: { select: { id: true, name: true } } } });
      return rows.map((r) => r.pipeline).sort((a, b) => a.name.localeCompare(b.name));
    },

    async replaceJobPipelines(jobId: string, pipelineIds: string[]): Promise<void> {
      await db.flowJobPipeline.deleteMany({ where: { jobId } });
      if (pipelineIds.length) await db.flowJobPipeline.createMany({ data: pipelineIds.map((pipelineId) => ({ jobId, pipelineId })) });
    },
  };
}

export type PipelineRepository = ReturnType<typeof pipelineRepository>;
