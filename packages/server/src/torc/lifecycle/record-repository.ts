// What the lifecycle records beside a job's status: results, the `executed` and `returned` edges, and
// events. Batched inserts, so a claim or completion of many jobs costs a few statements.
import type { TorcSql } from './lifecycle-repository.ts';

export interface EventRecord {
  category: string;
  type: string;
  message: string;
  /** Any other fields; they are stored in the event's free-form part. */
  extra: Record<string, unknown>;
}

export interface ResultRecord {
  jobKey: string;
  runId: number;
  returnCode: number;
  execTimeMinutes: number;
  completionTime: string;
  status: string;
}

export class RecordRepository {
  constructor(private readonly sql: TorcSql) {}

  /** `executed` edges from the node to each job, carrying the run. */
  async executed(workflowId: number, nodeId: number, jobIds: number[], runId: number): Promise<void> {
    await this.sql.insert('torc_edge', jobIds.map((id) => ({
      workflow_id: workflowId, name: 'executed', from_collection: 'compute_nodes', from_id: nodeId, to_collection: 'jobs', to_id: id, data: { run_id: runId },
    })));
  }

  /** Stores the results and a `returned` edge from each job to its result. */
  async results(workflowId: number, results: { jobId: number; result: ResultRecord }[]): Promise<void> {
    const ids = await this.sql.insertIds('torc_result', results.map(({ result: r }) => ({
      workflow_id: workflowId, job_key: r.jobKey, run_id: r.runId, return_code: r.returnCode, exec_time_minutes: r.execTimeMinutes,
      completion_time: r.completionTime, status: r.status,
    })));
    await this.sql.insert('torc_edge', results.map(({ jobId }, i) => ({
      workflow_id: workflowId, name: 'returned', from_collection: 'jobs', from_id: jobId, to_collection: 'results', to_id: ids[i],
    })));
  }

  /** Stores events stamped with `timestamp` (ms since the epoch). */
  async events(workflowId: number, events: EventRecord[], timestamp: number): Promise<void> {
    await this.sql.insert('torc_event', events.map((e) => ({ workflow_id: workflowId, category: e.category, type: e.type, message: e.message, timestamp, extra: e.extra })));
  }
}
