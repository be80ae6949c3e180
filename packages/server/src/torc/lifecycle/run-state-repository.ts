// A workflow's run state (its WorkflowStatus row) and the statements that act on a whole run: cancel, the
// completion check, and resetting jobs for a rerun.
import { RawSql } from '../../db/raw-sql.ts';
import { json } from './job-graph-repository.ts';

export interface AutoTuneStatus {
  enabled: boolean;
  job_keys: string[];
}

export interface RunState {
  /** The WorkflowStatus row's own id. */
  id: number;
  runId: number;
  isCanceled: boolean;
  hasDetectedNeedToRunCompletionScript: boolean;
  autoTuneStatus: AutoTuneStatus;
}

function autoTune(value: unknown): AutoTuneStatus {
  const v = json(value);
  if (typeof v !== 'object' || v === null) return { enabled: false, job_keys: [] };
  const enabled = 'enabled' in v && v.enabled === true;
  const keys = 'job_keys' in v && Array.isArray(v.job_keys) ? v.job_keys.map(String) : [];
  return { enabled, job_keys: keys };
}

export class RunStateRepository {
  constructor(private readonly sql: RawSql) {}

  private get jsonSlot(): string {
    return this.sql.provider === 'sqlite' ? '?' : '?::jsonb';
  }

  async get(workflowId: number): Promise<RunState | undefined> {
    const [row] = await this.sql.query<Record<string, unknown>>(
      `SELECT id, "runId", "isCanceled", "hasDetectedNeedToRunCompletionScript", "autoTuneStatus" FROM "WorkflowStatus" WHERE "workflowId" = ?`, workflowId);
    return row && {
      id: Number(row.id),
      runId: Number(row.runId),
      isCanceled: Boolean(row.isCanceled),
      hasDetectedNeedToRunCompletionScript: Boolean(row.hasDetectedNeedToRunCompletionScript),
      autoTuneStatus: autoTune(row.autoTuneStatus),
    };
  }

  async setAutoTuneStatus(workflowId: number, status: AutoTuneStatus): Promise<void> {
    await this.sql.execute(`UPDATE "WorkflowStatus" SET "autoTuneStatus" = ${this.jsonSlot}, rev = rev + 1 WHERE "workflowId" = ?`, JSON.stringify(status), workflowId);
  }

  /** Jobs not yet done, canceled, terminated or disabled. */
  async countOpenJobs(workflowId: number): Promise<number> {
    const [open] = await this.sql.query<{ n: unknown }>(
      `SELECT COUNT(*) AS n FROM "Job" WHERE "workflowId" = ? AND status NOT IN ('done', 'canceled', 'terminated', 'disabled')`, workflowId);
    return Number(open?.n ?? 0);
  }

  /** Sets the completion-script flag; true only for the one caller that changed it. */
  async claimCompletionScript(statusId: number): Promise<boolean> {
    const won = await this.sql.execute(
      `UPDATE "WorkflowStatus" SET "hasDetectedNeedToRunCompletionScript" = ${this.sql.TRUE}, rev = rev + 1
       WHERE id = ? AND "hasDetectedNeedToRunCompletionScript" <> ${this.sql.TRUE}`, statusId);
    return won === 1;
  }

  /** Marks the run canceled and cancels every job handed out or running. */
  async cancel(workflowId: number): Promise<void> {
    await this.sql.execute(`UPDATE "WorkflowStatus" SET "isCanceled" = ${this.sql.TRUE}, rev = rev + 1 WHERE "workflowId" = ?`, workflowId);
    await this.sql.execute(`UPDATE "Job" SET status = 'canceled', rev = rev + 1 WHERE "workflowId" = ? AND status IN ('submitted', 'submitted_pending')`, workflowId);
  }

  /** Clears the cancel flag, the scheduled nodes, auto-tuning and the completion-script flag; keeps run_id. */
  async reset(workflowId: number): Promise<void> {
    await this.sql.execute(
      `UPDATE "WorkflowStatus" SET "isCanceled" = ${this.sql.FALSE}, "scheduledComputeNodeIds" = ${this.jsonSlot}, "autoTuneStatus" = ${this.jsonSlot},
         "hasDetectedNeedToRunCompletionScript" = ${this.sql.FALSE}, rev = rev + 1 WHERE "workflowId" = ?`,
      JSON.stringify([]), JSON.stringify({ enabled: false, job_keys: [] }), workflowId);
  }

  /** Every job not already uninitialized becomes uninitialized; returns how many. */
  uninitializeAll(workflowId: number): Promise<number> {
    return this.sql.execute(`UPDATE "Job" SET status = 'uninitialized', rev = rev + 1 WHERE "workflowId" = ? AND status <> 'uninitialized'`, workflowId);
  }

  /** Jobs with a failed result (return code not 0) in this run. */
  async failedJobIds(workflowId: number, runId: number): Promise<number[]> {
    const rows = await this.sql.query<{ job_key: unknown }>(
      `SELECT DISTINCT job_key FROM "Result" WHERE "workflowId" = ? AND run_id = ? AND return_code <> 0`, workflowId, runId);
    return rows.map((r) => Number(r.job_key)).filter(Number.isSafeInteger);
  }
}
