// The only code that touches torc_workflow_share: who else may read or run a workflow.
import type { Db } from '../db/client.ts';
import { sql, type SqlClient } from '../db/sql.ts';

export type ShareAccess = 'read' | 'run';

export interface ShareRow {
  username: string;
  access: ShareAccess;
}

export class ShareRepository {
  constructor(
    private readonly db: Db,
    /** The per-request lookup runs on the driver path in the server. */
    private readonly reads: SqlClient = db,
  ) {}

  /** What `username` was given on the workflow, if anything. */
  async accessOf(workflowId: number, username: string): Promise<ShareAccess | null> {
    const [row] = await this.reads.$queryRaw<{ access: ShareAccess }[]>(
      sql`SELECT "access" FROM "torc_workflow_share" WHERE "workflow_id" = ${workflowId} AND "username" = ${username}`);
    return row?.access ?? null;
  }

  list(workflowId: number): Promise<ShareRow[]> {
    return this.db.torcWorkflowShare.findMany({ where: { workflowId }, select: { username: true, access: true }, orderBy: { username: 'asc' } }) as Promise<ShareRow[]>;
  }

  /** Creates or replaces the share in one statement. */
  async put(workflowId: number, username: string, access: ShareAccess): Promise<ShareRow> {
    await this.db.torcWorkflowShare.upsert({ where: { workflowId_username: { workflowId, username } }, create: { workflowId, username, access }, update: { access } });
    return { username, access };
  }

  /** False when there was no such share. */
  async remove(workflowId: number, username: string): Promise<boolean> {
    return (await this.db.torcWorkflowShare.deleteMany({ where: { workflowId, username } })).count > 0;
  }
}
