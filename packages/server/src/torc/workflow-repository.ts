// The only code that touches the workflow tables. Returns plain objects. The reads every lifecycle call makes
// (get, getConfig, getStatus) run on the driver path; their rows equal what Prisma's model API returns.
import type { Db } from '../db/client.ts';
import { sql, type Fragment, type SqlClient } from '../db/sql.ts';
import { runTransaction } from '../db/transaction.ts';

export interface WorkflowRow {
  id: number;
  rev: number;
  name: string | null;
  user: string;
  description: string | null;
  timestamp: string;
  isArchived: boolean;
  /** Pipeloom extension: the named queue whose workers serve this workflow. */
  queue: string | null;
  /** Pipeloom extension: the family that runs this workflow; its structure is then read-only through Torc. */
  ownedBy: string | null;
  /** The identity-store user who created the workflow and owns it; null for workflows older than ownership. */
  creator: string | null;
}

export interface WorkflowConfigRow {
  id: number;
  rev: number;
  workflowId: number;
  workflowStartupScript: string | null;
  workflowCompletionScript: string | null;
  workerStartupScript: string | null;
  computeNodeResourceStats: unknown;
  computeNodeExpirationBufferSeconds: number;
  computeNodeWaitForNewJobsSeconds: number;
  computeNodeIgnoreWorkflowCompletion: boolean;
  computeNodeWaitForHealthyDatabaseMinutes: number;
  prepareJobsSortMethod: string;
}

export interface WorkflowStatusRow {
  id: number;
  rev: number;
  workflowId: number;
  runId: number;
  isCanceled: boolean;
  autoTuneStatus: unknown;
  hasDetectedNeedToRunCompletionScript: boolean;
  scheduledComputeNodeIds: unknown;
}

// A new workflow is on no queue and owned by no family unless they are given.
export type WorkflowFields = Omit<WorkflowRow, 'id' | 'rev' | 'queue' | 'ownedBy' | 'creator'> & { queue?: string | null; ownedBy?: string | null; creator?: string | null };
export type WorkflowConfigFields = Partial<Omit<WorkflowConfigRow, 'id' | 'rev' | 'workflowId'>>;
export type WorkflowStatusFields = Partial<Omit<WorkflowStatusRow, 'id' | 'rev' | 'workflowId'>>;

export interface WorkflowFilter {
  id?: number;
  name?: string;
  user?: string;
  description?: string;
  isArchived?: boolean;
  /** Only workflows this user owns or has been given (see access-service.ts). */
  visibleTo?: string;
}

export type WorkflowSortField = 'id' | 'name' | 'user' | 'description' | 'timestamp' | 'isArchived';

/** Result of a conditional write: the new row, or why there is none. */
export type Versioned<T> = { ok: true; row: T } | { ok: false; current: T | null };

const WORKFLOW = sql`SELECT "id", "rev", "name", "user_name" AS "user", "description", "timestamp", "is_archived" AS "isArchived",
  "queue", "owned_by" AS "ownedBy", "creator" FROM "torc_workflow"`;
const CONFIG = sql`SELECT "id", "rev", "workflow_id" AS "workflowId", "workflow_startup_script" AS "workflowStartupScript",
  "workflow_completion_script" AS "workflowCompletionScript", "worker_startup_script" AS "workerStartupScript",
  "compute_node_resource_stats" AS "computeNodeResourceStats",
  "compute_node_expiration_buffer_seconds" AS "computeNodeExpirationBufferSeconds",
  "compute_node_wait_for_new_jobs_seconds" AS "computeNodeWaitForNewJobsSeconds",
  "compute_node_ignore_workflow_completion" AS "computeNodeIgnoreWorkflowCompletion",
  "compute_node_wait_for_healthy_database_minutes" AS "computeNodeWaitForHealthyDatabaseMinutes",
  "prepare_jobs_sort_method" AS "prepareJobsSortMethod" FROM "torc_workflow_config"`;
const STATUS = sql`SELECT "id", "rev", "workflow_id" AS "workflowId", "run_id" AS "runId", "is_canceled" AS "isCanceled",
  "auto_tune_status" AS "autoTuneStatus", "has_detected_need_to_run_completion_script" AS "hasDetectedNeedToRunCompletionScript",
  "scheduled_compute_node_ids" AS "scheduledComputeNodeIds" FROM "torc_workflow_status"`;

export class WorkflowRepository {
  constructor(
    private readonly db: Db,
    /** Where the hot reads run: the driver path in the server, Prisma's raw API otherwise (same rows). */
    private readonly reads: SqlClient = db,
  ) {}

  private async first<T>(query: Fragment): Promise<T | null> {
    return (await this.reads.$queryRaw<T[]>(query))[0] ?? null;
  }

  async list({ visibleTo, ...fields }: WorkflowFilter, orderBy: object[], skip: number, take: number) {
    // A workflow without a recorded creator belongs to its `user`.
    const where = visibleTo === undefined ? fields : {
      ...fields,
      OR: [{ creator: visibleTo }, { creator: null, user: visibleTo }, { shares: { some: { username: visibleTo } } }],
    };
    const [rows, total] = await Promise.all([
      this.db.torcWorkflow.findMany({ where, orderBy: orderBy as never, skip, take }),
      this.db.torcWorkflow.count({ where }),
    ]);
    return { rows: rows as WorkflowRow[], total };
  }

  async get(id: number): Promise<WorkflowRow | null> {
    return this.first<WorkflowRow>(sql`${WORKFLOW} WHERE "id" = ${id}`);
  }

  /** The workflow, its config and its status are created together or not at all. */
  async create(fields: WorkflowFields, config: WorkflowConfigFields & Pick<WorkflowConfigRow, 'computeNodeResourceStats'>, status: Pick<WorkflowStatusRow, 'autoTuneStatus' | 'scheduledComputeNodeIds'>): Promise<WorkflowRow> {
    return this.db.torcWorkflow.create({
      data: {
        ...fields,
        config: { create: config as never },
        status: { create: status as never },
      },
    });
  }

  async update(id: number, rev: number, fields: Partial<WorkflowFields>): Promise<Versioned<WorkflowRow>> {
    return this.conditionalUpdate('torcWorkflow', { id }, rev, fields);
  }

  /** Deletes the workflow and (by cascade) everything it owns; returns what was deleted. */
  async delete(id: number): Promise<WorkflowRow | null> {
    return runTransaction(this.db, async (tx) => {
      const row = await tx.torcWorkflow.findUnique({ where: { id } });
      if (row) await tx.torcWorkflow.delete({ where: { id } });
      return row;
    });
  }

  async getConfig(workflowId: number): Promise<WorkflowConfigRow | null> {
    return this.first<WorkflowConfigRow>(sql`${CONFIG} WHERE "workflow_id" = ${workflowId}`);
  }

  async updateConfig(workflowId: number, rev: number, fields: WorkflowConfigFields): Promise<Versioned<WorkflowConfigRow>> {
    return this.conditionalUpdate('torcWorkflowConfig', { workflowId }, rev, fields);
  }

  async getStatus(workflowId: number): Promise<WorkflowStatusRow | null> {
    return this.first<WorkflowStatusRow>(sql`${STATUS} WHERE "workflow_id" = ${workflowId}`);
  }

  async updateStatus(workflowId: number, rev: number, fields: WorkflowStatusFields): Promise<Versioned<WorkflowStatusRow>> {
    return this.conditionalUpdate('torcWorkflowStatus', { workflowId }, rev, fields);
  }

  /** Writes `fields` only if the row is still at `rev` (and moves `rev` on); reports the row either way. */
  private conditionalUpdate<T>(model: 'torcWorkflow' | 'torcWorkflowConfig' | 'torcWorkflowStatus', where: { id: number } | { workflowId: number }, rev: number, fields: object): Promise<Versioned<T>> {
    return runTransaction(this.db, async (tx) => {
      // The three delegates share this shape; the model is a parameter, so it is typed loosely here.
      const delegate = (tx as unknown as Record<string, { updateMany(a: object): Promise<{ count: number }>; findUnique(a: object): Promise<T | null> }>)[model]!;
      const { count } = await delegate.updateMany({ where: { ...where, rev }, data: { ...fields, rev: { increment: 1 } } });
      const row = await delegate.findUnique({ where });
      return count === 1 && row ? { ok: true as const, row } : { ok: false as const, current: row };
    });
  }
}
