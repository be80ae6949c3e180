// A workflow's run state (its torc_workflow_status row) and the statements that act on a whole run: cancel, the
// completion check, and resetting jobs for a rerun.
import { sql } from '../../db/sql.ts';
import { json, toJobRow } from './job-graph-repository.ts';
import type { JobRow } from './job-wire.ts';
import type { TorcSql } from './lifecycle-repository.ts';

export interface AutoTuneStatus {
  enabled: boolean;
  job_keys: string[];
}

export interface RunState {
  /** The torc_workflow_status row's own id. */
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
  constructor(private readonly sql: TorcSql) {}

  async get(workflowId: number): Promise<RunState | undefined> {
    const [row] = await this.sql.query(
      sql`SELECT id, run_id, is_canceled, has_detected_need_to_run_completion_script, auto_tune_status
          FROM torc_workflow_status WHERE workflow_id = ${workflowId}`);
    return row && {
      id: Number(row.id),
      runId: Number(row.run_id),
      isCanceled: Boolean(row.is_canceled),
      hasDetectedNeedToRunCompletionScript: Boolean(row.has_detected_need_to_run_completion_script),
      autoTuneStatus: autoTune(row.auto_tune_status),
    };
  }

  /**
   * The current run of the workflow and one of its jobs, in one statement: undefined when the workflow has no
   * run state; `job` undefined when the job is not in the workflow.
   */
  async runWithJob(workflowId: number, jobId: number): Promise<{ runId: number; job: JobRow | undefined } | undefined> {
    const [row] = await this.sql.query(
      sql`SELECT s.run_id AS status_run_id, j.* FROM torc_workflow_status s
          LEFT JOIN torc_job j ON j.workflow_id = s.workflow_id AND j.id = ${jobId} WHERE s.workflow_id = ${workflowId}`);
    if (!row) return undefined;
    const { status_run_id: runId, ...job } = row;
    return { runId: Number(runId), job: job.id === null || job.id === undefined ? undefined : toJobRow(job) };
  }

  async setAutoTuneStatus(workflowId: number, status: AutoTuneStatus): Promise<void> {
    await this.sql.execute(sql`UPDATE torc_workflow_status SET auto_tune_status = ${this.sql.json(status)}, rev = rev + 1 WHERE workflow_id = ${workflowId}`);
  }

  /** Jobs not yet done, canceled, terminated or disabled. */
  async countOpenJobs(workflowId: number): Promise<number> {
    const [open] = await this.sql.query(
      sql`SELECT COUNT(*) AS n FROM torc_job WHERE workflow_id = ${workflowId} AND status NOT IN ('done', 'canceled', 'terminated', 'disabled')`);
    return Number(open?.n ?? 0);
  }

  /** Sets the completion-script flag; true only for the one caller that changed it. */
  async claimCompletionScript(statusId: number): Promise<boolean> {
    const won = await this.sql.execute(
      sql`UPDATE torc_workflow_status SET has_detected_need_to_run_completion_script = ${true}, rev = rev + 1
       WHERE id = ${statusId} AND has_detected_need_to_run_completion_script <> ${true}`);
    return won === 1;
  }

  /** Marks the run canceled and cancels every job handed out or running. */
  async cancel(workflowId: number): Promise<void> {
    await this.sql.execute(sql`UPDATE torc_workflow_status SET is_canceled = ${true}, rev = rev + 1 WHERE workflow_id = ${workflowId}`);
    await this.sql.execute(
      sql`UPDATE torc_job SET status = 'canceled', rev = rev + 1 WHERE workflow_id = ${workflowId} AND status IN ('submitted', 'submitted_pending')`);
  }

  /** Clears the cancel flag, the scheduled nodes, auto-tuning and the completion-script flag; keeps run_id. */
  async reset(workflowId: number): Promise<void> {
    await this.sql.execute(
      sql`UPDATE torc_workflow_status SET is_canceled = ${false}, scheduled_compute_node_ids = ${this.sql.json([])},
         auto_tune_status = ${this.sql.json({ enabled: false, job_keys: [] })},
         has_detected_need_to_run_completion_script = ${false}, rev = rev + 1 WHERE workflow_id = ${workflowId}`);
  }

  /** Every job not already uninitialized becomes uninitialized; returns how many. */
  uninitializeAll(workflowId: number): Promise<number> {
    return this.sql.execute(sql`UPDATE torc_job SET status = 'uninitialized', rev = rev + 1 WHERE workflow_id = ${workflowId} AND status <> 'uninitialized'`);
  }

  /** Jobs with a failed result (return code not 0) in this run. */
  async failedJobIds(workflowId: number, runId: number): Promise<number[]> {
    const rows = await this.sql.query(
      sql`SELECT DISTINCT job_key FROM torc_result WHERE workflow_id = ${workflowId} AND run_id = ${runId} AND return_code <> 0`);
    return rows.map((r) => Number(r.job_key)).filter(Number.isSafeInteger);
  }
}
