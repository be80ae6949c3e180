// Torc's job lifecycle (semantics.md §2-§5): initialize, hand out, start, complete with synchronous
// downstream updates, status changes, cancel and reset. Every check runs before the first write, and each
// operation's writes share one transaction. QUIRKs fixed on purpose are listed in docs/compatibility.md.
import type { components } from '@pipeloom/sdk/generated';
import type { Db } from '../db/client.ts';
import type { Provider } from '../db/migrate.ts';
import { AppError, notFound } from '../errors.ts';
import type { Row } from './document-repository.ts';
import { conflict, parseKey, parseRev } from './documents.ts';
import { jobToWire } from './job-service.ts';
import { RawSql } from '../db/raw-sql.ts';
import { COMPLETE_STATUSES, LifecycleSql } from './lifecycle-repository.ts';
import { DEFAULT_RESOURCES, durationSeconds, isoDuration, memoryBytes } from './resources.ts';
import type { Doc } from './document-service.ts';
import type { WorkflowService } from './workflow-service.ts';

const GIB = 1024 ** 3;
const CANCELED = 'The workflow was canceled.';
const isComplete = (status: unknown) => (COMPLETE_STATUSES as readonly unknown[]).includes(status);

/** A worker's free resources, as the contract describes them. */
export type WorkerResources = components['schemas']['compute_nodes_resources'];

export type SortMethod = NonNullable<components['schemas']['claim_jobs_request']['sort_method']>;

const ORDER: Record<SortMethod, string> = {
  gpus_runtime_memory: 'internal_num_gpus DESC, internal_runtime_seconds DESC, internal_memory_bytes DESC, id ASC',
  gpus_memory_runtime: 'internal_num_gpus DESC, internal_memory_bytes DESC, internal_runtime_seconds DESC, id ASC',
  none: 'id ASC',
};

export type ResultBody = components['schemas']['result_model'];

/** Torc's 32-bit string hash (Java's String.hashCode), made non-negative. */
export function stringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h >>> 0;
}

/** How long claims and workers may go quiet before their jobs are handed out again (see heartbeat). */
export interface Leases {
  claimSeconds: number;
  nodeSeconds: number;
}
export const DEFAULT_LEASES: Leases = { claimSeconds: 60, nodeSeconds: 120 };
// Expired leases are looked for at most this often per workflow and process, not on every claim.
const RECOVERY_INTERVAL_MS = 1_000;

export class LifecycleService {
  private readonly lastRecovery = new Map<number, number>();

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
    private readonly workflows: WorkflowService,
    private readonly leases: Leases = DEFAULT_LEASES,
  ) {}

  private get sql(): LifecycleSql {
    return new LifecycleSql(this.db, this.provider);
  }

  private tx<T>(fn: (sql: LifecycleSql) => Promise<T>): Promise<T> {
    return this.db.$transaction((tx) => fn(new LifecycleSql(tx, this.provider)), { timeout: 120_000, maxWait: 30_000 });
  }

  private async workflow(key: string, { writable = false } = {}) {
    const wf = await this.workflows.require(key);
    if (writable && wf.isArchived) throw new AppError('INVALID_ARGUMENT', `workflow ${key} is archived; unarchive it before changing its run state`);
    return wf;
  }

  private async runId(workflowId: number): Promise<{ id: number; runId: number; isCanceled: boolean; hasDetectedNeedToRunCompletionScript: boolean }> {
    const status = await this.sql.status(workflowId);
    if (!status) throw notFound(`status of workflow ${workflowId}`);
    return status;
  }

  // ---- initialize_jobs ----

  async initializeJobs(key: string, options: { only_uninitialized?: boolean; clear_ephemeral_user_data?: boolean }): Promise<{ message: string }> {
    const wf = await this.workflow(key, { writable: true });
    const onlyUninitialized = options.only_uninitialized ?? false;
    // Resource requirements are parsed before anything is written, so a bad one leaves the workflow as it was.
    const rrs = await this.sql.query<{ id: number; name: string | null; num_cpus: number; num_gpus: number; num_nodes: number; memory: string; runtime: string }>(
      `SELECT id, name, num_cpus, num_gpus, num_nodes, memory, runtime FROM "ResourceRequirements" WHERE "workflowId" = ?`, wf.id);
    const parsed = rrs.map((rr) => ({
      id: Number(rr.id),
      cpus: rr.num_cpus, gpus: rr.num_gpus, nodes: rr.num_nodes,
      bytes: memoryBytes(rr.memory, `memory of resource requirements ${rr.name ?? rr.id}`),
      seconds: durationSeconds(rr.runtime, `runtime of resource requirements ${rr.name ?? rr.id}`),
    }));
    await this.tx(async (sql) => {
      if (options.clear_ephemeral_user_data ?? true) {
        const empty = this.provider === 'sqlite' ? `'{}'` : `'{}'::jsonb`;
        await sql.execute(`UPDATE "UserData" SET data = ${empty}, rev = rev + 1 WHERE "workflowId" = ? AND is_ephemeral = ${sql.TRUE} AND data IS NOT NULL AND data <> ${empty}`, wf.id);
      }
      // Producers block consumers, through files and through user data; existing edges are kept.
      for (const [produces, needs] of [['produces', 'needs'], ['stores', 'consumes']] as const) {
        await sql.execute(
          `INSERT INTO "Edge" ("workflowId", name, from_collection, from_id, to_collection, to_id)
           SELECT DISTINCT CAST(? AS INTEGER), 'blocks', 'jobs', p.from_id, 'jobs', c.from_id
           FROM "Edge" p JOIN "Edge" c ON c.name = ? AND c.to_collection = p.to_collection AND c.to_id = p.to_id
           WHERE p."workflowId" = ? AND p.name = ? AND p.from_id <> c.from_id
             AND NOT EXISTS (SELECT 1 FROM "Edge" b WHERE b.name = 'blocks' AND b.from_id = p.from_id AND b.to_id = c.from_id)`,
          wf.id, needs, wf.id, produces,
        );
      }
      // Cache each job's needs from its resource requirements (or the defaults) and its scheduler pin.
      await sql.execute(
        `UPDATE "Job" SET internal_num_cpus = ?, internal_num_gpus = ?, internal_num_nodes = ?, internal_memory_bytes = ?, internal_runtime_seconds = ?
         WHERE "workflowId" = ?`,
        DEFAULT_RESOURCES.num_cpus, DEFAULT_RESOURCES.num_gpus, DEFAULT_RESOURCES.num_nodes,
        memoryBytes(DEFAULT_RESOURCES.memory), durationSeconds(DEFAULT_RESOURCES.runtime), wf.id,
      );
      for (const rr of parsed) {
        await sql.execute(
          `UPDATE "Job" SET internal_num_cpus = ?, internal_num_gpus = ?, internal_num_nodes = ?, internal_memory_bytes = ?, internal_runtime_seconds = ?
           WHERE id IN (SELECT from_id FROM "Edge" WHERE name = 'requires' AND to_collection = 'resource_requirements' AND to_id = ?)`,
          rr.cpus, rr.gpus, rr.nodes, rr.bytes, rr.seconds, rr.id,
        );
      }
      await sql.execute(
        `UPDATE "Job" SET internal_scheduler_config_id = COALESCE((SELECT e.to_collection || '__' || CAST(e."workflowId" AS TEXT) || '/' || CAST(e.to_id AS TEXT)
           FROM "Edge" e WHERE e.name = 'scheduled_bys' AND e.from_id = "Job".id LIMIT 1), '')
         WHERE "workflowId" = ?`,
        wf.id,
      );
      // Anything downstream of an uninitialized job must run again too (disabled jobs stay disabled).
      await sql.execute(
        `UPDATE "Job" SET status = 'uninitialized', rev = rev + 1
         WHERE "workflowId" = ? AND status NOT IN ('uninitialized', 'disabled') AND id IN (
           WITH RECURSIVE d(id) AS (
             SELECT e.to_id FROM "Edge" e JOIN "Job" j ON j.id = e.from_id WHERE e.name = 'blocks' AND j."workflowId" = ? AND j.status = 'uninitialized'
             UNION SELECT e.to_id FROM "Edge" e JOIN d ON e.from_id = d.id WHERE e.name = 'blocks'
           ) SELECT id FROM d)`,
        wf.id, wf.id,
      );
      const scope = onlyUninitialized ? ` AND status = 'uninitialized'` : '';
      await sql.execute(
        `UPDATE "Job" SET status = 'blocked', rev = rev + 1
         WHERE "workflowId" = ? AND status NOT IN ('disabled', 'blocked')${scope}
           AND EXISTS (SELECT 1 FROM "Edge" e JOIN "Job" b ON b.id = e.from_id WHERE e.name = 'blocks' AND e.to_id = "Job".id AND b.status <> 'done')`,
        wf.id,
      );
      // Upstream also turns submitted and terminated jobs ready here (a restart after workers died); with
      // only_uninitialized we leave every other job alone, as the option says.
      await sql.execute(
        `UPDATE "Job" SET status = 'ready', rev = rev + 1
         WHERE "workflowId" = ? AND status NOT IN ('disabled', 'blocked', 'done', 'canceled', 'ready')${scope}`,
        wf.id,
      );
    });
    return { message: `Initialized the jobs of workflow ${key}` };
  }

  // ---- completion ----

  async isComplete(key: string): Promise<{ is_canceled: boolean; is_complete: boolean; needs_to_run_completion_script: boolean }> {
    const wf = await this.workflow(key);
    const status = await this.runId(wf.id);
    const [open] = await this.sql.query<{ n: number | bigint }>(
      `SELECT COUNT(*) AS n FROM "Job" WHERE "workflowId" = ? AND status NOT IN ('done', 'canceled', 'terminated', 'disabled')`, wf.id);
    const complete = Number(open!.n) === 0;
    let needsScript = false;
    if (complete && !status.isCanceled && !status.hasDetectedNeedToRunCompletionScript) {
      const config = await this.workflows.getConfig(key);
      if (config.workflow_completion_script) {
        // Exactly one caller wins this conditional update, so the completion script runs once.
        const won = await this.sql.execute(
          `UPDATE "WorkflowStatus" SET "hasDetectedNeedToRunCompletionScript" = ${this.sql.TRUE}, rev = rev + 1
           WHERE id = ? AND "hasDetectedNeedToRunCompletionScript" <> ${this.sql.TRUE}`, status.id);
        needsScript = won === 1;
      }
    }
    return { is_canceled: status.isCanceled, is_complete: complete, needs_to_run_completion_script: needsScript };
  }

  // ---- handing out jobs ----

  async prepareJobsForSubmission(key: string, resources: WorkerResources, sortMethod: SortMethod = 'gpus_runtime_memory', limit = 100_000): Promise<{ jobs: Doc[]; reason: string }> {
    const wf = await this.workflow(key);
    if ((await this.runId(wf.id)).isCanceled) return { jobs: [], reason: CANCELED };
    const { rows, reason } = await this.claim(wf.id, { resources, sortMethod, limit, to: 'submitted_pending' });
    return { jobs: rows.map((r) => jobToWire(r)), reason };
  }

  async prepareNextJobsForSubmission(key: string, limit = 1): Promise<{ jobs: Doc[] }> {
    const wf = await this.workflow(key);
    if ((await this.runId(wf.id)).isCanceled) return { jobs: [] };
    const { rows } = await this.claim(wf.id, { limit, to: 'submitted_pending' });
    return { jobs: rows.map((r) => jobToWire(r)) };
  }

  /** Pipeloom extension: claim and start in one call (what a busy worker does next anyway). */
  async claimAndStartJobs(key: string, body: { compute_node_key: string; run_id: number; limit?: number; sort_method?: SortMethod; resources?: WorkerResources }): Promise<{ jobs: Doc[]; reason: string }> {
    const wf = await this.workflow(key);
    const status = await this.runId(wf.id);
    if (body.run_id !== status.runId) throw new AppError('INVALID_ARGUMENT', `run_id ${body.run_id} is not the workflow's current run ${status.runId}`);
    const node = await this.computeNode(wf.id, body.compute_node_key);
    if (status.isCanceled) return { jobs: [], reason: CANCELED };
    const { rows, reason } = await this.claim(wf.id, {
      resources: body.resources, sortMethod: body.sort_method, limit: body.limit ?? 100, to: 'submitted',
      then: async (sql, started) => {
        await sql.insert('Edge', started.map((j) => ({ workflowId: wf.id, name: 'executed', from_collection: 'compute_nodes', from_id: node.id, to_collection: 'jobs', to_id: j.id, data: { run_id: body.run_id } })));
        await sql.insert('Event', started.map((j) => this.eventRow(wf.id, { category: 'job', type: 'start', job_key: String(j.id), job_name: j.name, node_name: node.hostname, message: `Started job ${j.name ?? j.id}` })));
      },
    });
    return { jobs: rows.map((r) => jobToWire(r)), reason };
  }

  /**
   * Hands out ready jobs: greedy packing into the worker's free resources when given, else the first `limit`.
   * The status guard in the UPDATE makes a claim safe without locks (a job another caller took is not
   * updated); on PostgreSQL the candidates are also locked FOR UPDATE SKIP LOCKED so claimers do not collide.
   */
  private async claim(workflowId: number, o: { resources?: WorkerResources; sortMethod?: SortMethod; limit: number; to: 'submitted_pending' | 'submitted'; then?: (sql: LifecycleSql, rows: Row[]) => Promise<void> }): Promise<{ rows: Row[]; reason: string }> {
    await this.recoverExpired(workflowId);
    const lock = this.provider === 'postgresql' ? ' FOR UPDATE SKIP LOCKED' : '';
    const write = async (sql: LifecycleSql, rows: Row[]) => {
      rows.sort((a, b) => a.id - b.id);
      if (o.then && rows.length) await o.then(sql, rows);
      return rows;
    };
    if (!o.resources) {
      // One statement selects and claims, so it is atomic on both databases.
      const run = async (sql: LifecycleSql) => write(sql, await sql.query(
        `UPDATE "Job" SET status = ?, claimed_at = ?, rev = rev + 1
         WHERE id IN (SELECT id FROM "Job" WHERE "workflowId" = ? AND status IN ('ready', 'scheduled') ORDER BY id LIMIT ?${lock})
           AND status IN ('ready', 'scheduled') RETURNING *`, o.to, Date.now(), workflowId, o.limit));
      return { rows: o.then ? await this.tx(run) : await run(this.sql), reason: '' };
    }
    const r = o.resources;
    const free = { cpus: r.num_cpus, gpus: r.num_gpus ?? 0, nodes: r.num_nodes ?? 1, bytes: r.memory_gb * GIB };
    const seconds = r.time_limit ? durationSeconds(r.time_limit, 'time_limit') : undefined;
    const scheduler = r.scheduler_config_id ?? '';
    const filter = `"workflowId" = ? AND status IN ('ready', 'scheduled') AND internal_memory_bytes <= ? AND internal_num_cpus <= ?
      AND internal_num_gpus <= ? AND internal_num_nodes <= ?${seconds === undefined ? '' : ' AND internal_runtime_seconds <= ?'}
      AND (internal_scheduler_config_id = '' OR internal_scheduler_config_id = ?)`;
    const args = [workflowId, free.bytes, free.cpus, free.gpus, free.nodes, ...(seconds === undefined ? [] : [seconds]), scheduler];
    const pack = async (sql: LifecycleSql) => {
      const candidates = await sql.query<{ id: number; internal_num_cpus: number; internal_num_gpus: number; internal_memory_bytes: number }>(
        `SELECT id, internal_num_cpus, internal_num_gpus, internal_memory_bytes FROM "Job" WHERE ${filter} ORDER BY ${ORDER[o.sortMethod ?? 'gpus_runtime_memory']} LIMIT ?${lock}`, ...args, o.limit);
      const take: number[] = [];
      let { cpus, gpus, bytes } = free;
      for (const c of candidates) {
        if (cpus <= 0 || bytes <= 0) break;
        if (c.internal_num_cpus <= cpus && c.internal_num_gpus <= gpus && c.internal_memory_bytes <= bytes) {
          take.push(Number(c.id));
          cpus -= c.internal_num_cpus;
          gpus -= c.internal_num_gpus;
          bytes -= c.internal_memory_bytes;
        }
      }
      return { matched: candidates.length, take };
    };
    const claimIn = async (sql: LifecycleSql, take: number[]) => write(sql, await sql.claimJobs(workflowId, take, o.to));
    let matched: number;
    let rows: Row[];
    if (this.provider === 'postgresql') {
      ({ matched, rows } = await this.tx(async (sql) => {
        const p = await pack(sql);
        return { matched: p.matched, rows: await claimIn(sql, p.take) };
      }));
    } else {
      // SQLite: read outside the write transaction, so the transaction starts with a write and never has to
      // upgrade a read lock (which another process could make fail at once).
      const p = await pack(this.sql);
      matched = p.matched;
      rows = o.then ? await this.tx((sql) => claimIn(sql, p.take)) : await claimIn(this.sql, p.take);
    }
    const reason = rows.length ? '' : matched
      ? 'Ready jobs fit the filters, but none fit the free resources once packed.'
      : `No ready job needs at most ${free.cpus} CPUs, ${free.gpus} GPUs, ${r.memory_gb} GiB of memory and ${free.nodes} nodes${seconds === undefined ? '' : `, runs within ${r.time_limit}`}, and is ${scheduler ? `unpinned or pinned to ${scheduler}` : 'not pinned to a scheduler'}.`;
    return { rows, reason };
  }

  async prepareJobsForScheduling(key: string): Promise<{ schedulers: unknown[] }> {
    const wf = await this.workflow(key);
    if ((await this.runId(wf.id)).isCanceled) return { schedulers: [] };
    const rows = await this.sql.query(
      `UPDATE "Job" SET status = 'scheduled', rev = rev + 1 WHERE "workflowId" = ? AND status = 'ready' AND schedule_compute_nodes IS NOT NULL RETURNING *`, wf.id);
    return { schedulers: rows.sort((a, b) => a.id - b.id).map((r) => r.schedule_compute_nodes).filter((s) => s !== null) };
  }

  async readyJobRequirements(key: string, schedulerConfigId?: string) {
    const wf = await this.workflow(key);
    const [r] = await this.sql.query<Record<string, number | bigint | null>>(
      `SELECT COUNT(*) AS num_jobs, SUM(internal_num_cpus) AS num_cpus, SUM(internal_num_gpus) AS num_gpus, SUM(internal_memory_bytes) AS memory,
              MAX(internal_num_nodes) AS max_num_nodes, MAX(internal_runtime_seconds) AS max_runtime
       FROM "Job" WHERE "workflowId" = ? AND status = 'ready' AND (internal_scheduler_config_id = '' OR internal_scheduler_config_id = ?)`,
      wf.id, schedulerConfigId ?? '');
    return {
      num_jobs: Number(r!.num_jobs ?? 0),
      num_cpus: Number(r!.num_cpus ?? 0),
      num_gpus: Number(r!.num_gpus ?? 0),
      memory_gb: Number(r!.memory ?? 0) / GIB,
      max_num_nodes: Number(r!.max_num_nodes ?? 0),
      max_runtime: isoDuration(Number(r!.max_runtime ?? 0)),
    };
  }

  // ---- leases ----

  /**
   * Hands out again what nobody will finish: jobs claimed but not started within the claim lease (the
   * claim's answer was lost), and the running jobs of workers not heard from within the node lease (the
   * worker died). Only workers that send heartbeats can expire, so clients that never do keep Torc's rules.
   */
  async recoverExpired(workflowId: number): Promise<void> {
    const now = Date.now();
    if (now - (this.lastRecovery.get(workflowId) ?? 0) < RECOVERY_INTERVAL_MS) return;
    this.lastRecovery.set(workflowId, now);
    const sql = this.sql;
    await sql.execute(
      `UPDATE "Job" SET status = 'ready', claimed_at = NULL, rev = rev + 1 WHERE "workflowId" = ? AND status = 'submitted_pending' AND claimed_at < ?`,
      workflowId, now - this.leases.claimSeconds * 1000);
    await sql.execute(
      `UPDATE "ComputeNode" SET is_active = ${sql.FALSE}, rev = rev + 1
       WHERE "workflowId" = ? AND last_seen IS NOT NULL AND last_seen < ? AND (is_active IS NULL OR is_active <> ${sql.FALSE})`,
      workflowId, now - this.leases.nodeSeconds * 1000);
    // A running job belongs to the node of its latest `executed` edge; an inactive node runs nothing.
    await sql.execute(
      `UPDATE "Job" SET status = 'ready', claimed_at = NULL, rev = rev + 1
       WHERE "workflowId" = ? AND status = 'submitted'
         AND (SELECT e.from_id FROM "Edge" e WHERE e.name = 'executed' AND e.to_id = "Job".id ORDER BY e.id DESC LIMIT 1)
             IN (SELECT id FROM "ComputeNode" WHERE "workflowId" = ? AND is_active = ${sql.FALSE})`,
      workflowId, workflowId);
  }

  async heartbeat(workflowKey: string, nodeKey: string, runningJobKeys?: string[]): Promise<{ is_canceled: boolean; claim_lease_seconds: number; node_lease_seconds: number }> {
    const wf = await this.workflow(workflowKey);
    const node = await this.computeNode(wf.id, nodeKey);
    await this.sql.execute(`UPDATE "ComputeNode" SET last_seen = ?, is_active = ${this.sql.TRUE} WHERE id = ?`, Date.now(), node.id);
    if (runningJobKeys) {
      // Jobs started for this worker that it does not know about: a claim_jobs answer that never arrived.
      const running = runningJobKeys.map(Number).filter(Number.isSafeInteger);
      await this.sql.execute(
        `UPDATE "Job" SET status = 'ready', claimed_at = NULL, rev = rev + 1
         WHERE "workflowId" = ? AND status = 'submitted' AND claimed_at < ?
           ${running.length ? `AND id NOT IN (${RawSql.list(running)})` : ''}
           AND (SELECT e.from_id FROM "Edge" e WHERE e.name = 'executed' AND e.to_id = "Job".id ORDER BY e.id DESC LIMIT 1) = ?`,
        wf.id, Date.now() - this.leases.claimSeconds * 1000, ...running, node.id);
    }
    const status = await this.runId(wf.id);
    return { is_canceled: status.isCanceled, claim_lease_seconds: this.leases.claimSeconds, node_lease_seconds: this.leases.nodeSeconds };
  }

  // ---- one job ----

  /** The checks every per-job lifecycle call makes, before it writes anything. */
  private async checkJob(workflowKey: string, key: string, rev: string, runId: number) {
    const wf = await this.workflow(workflowKey);
    const status = await this.runId(wf.id);
    const id = parseKey(key, 'job');
    const job = await this.sql.job(wf.id, id);
    if (!job) throw notFound(`job ${key} of workflow ${workflowKey}`);
    if (runId !== status.runId) throw new AppError('INVALID_ARGUMENT', `run_id ${runId} is not the workflow's current run ${status.runId}`);
    if (parseRev(rev) !== job.rev) throw conflict('job', key, rev, job.rev);
    return { wf, status, job };
  }

  private async computeNode(workflowId: number, key: string): Promise<Row> {
    const parsed = /^(?:compute_nodes__\d+\/)?(\d{1,15})$/.exec(key);
    const id = parsed ? Number(parsed[1]) : NaN;
    const [node] = Number.isSafeInteger(id) ? await this.sql.query(`SELECT * FROM "ComputeNode" WHERE "workflowId" = ? AND id = ?`, workflowId, id) : [];
    if (!node) throw notFound(`compute node ${key}`);
    // Any call that names the node counts as hearing from it.
    await this.sql.execute(`UPDATE "ComputeNode" SET last_seen = ? WHERE id = ?`, Date.now(), node.id);
    return node;
  }

  async startJob(workflowKey: string, key: string, rev: string, runId: number, computeNodeKey: string): Promise<Doc> {
    const { wf, job } = await this.checkJob(workflowKey, key, rev, runId);
    if (job.status !== 'submitted_pending') throw new AppError('INVALID_ARGUMENT', `job ${key} is ${job.status}; only a submitted_pending job can start`);
    const node = await this.computeNode(wf.id, computeNodeKey);
    const row = await this.tx(async (sql) => {
      const [updated] = await sql.query(`UPDATE "Job" SET status = 'submitted', rev = rev + 1 WHERE id = ? AND rev = ? AND status = 'submitted_pending' RETURNING *`, job.id, job.rev);
      if (!updated) throw conflict('job', key, rev, job.rev + 1);
      await this.edge(sql, wf.id, 'executed', 'compute_nodes', node.id, 'jobs', job.id, { run_id: runId });
      await this.event(sql, wf.id, { category: 'job', type: 'start', job_key: key, job_name: job.name, node_name: node.hostname, message: `Started job ${job.name ?? key}` });
      return updated;
    });
    return jobToWire(row);
  }

  async completeJob(workflowKey: string, key: string, status: 'done' | 'canceled' | 'terminated', rev: string, runId: number, computeNodeKey: string, result: ResultBody): Promise<Doc> {
    const { wf, job } = await this.checkJob(workflowKey, key, rev, runId);
    if (result.job_key !== key) throw new AppError('INVALID_ARGUMENT', `the result is for job ${result.job_key}, not ${key}`);
    if (result.run_id !== runId) throw new AppError('INVALID_ARGUMENT', `the result is for run ${result.run_id}, not ${runId}`);
    const node = await this.computeNode(wf.id, computeNodeKey);
    const hash = await this.inputsHash(job);
    const row = await this.tx(async (sql) => {
      const [updated] = await sql.query(`UPDATE "Job" SET status = ?, internal_hash = ?, rev = rev + 1 WHERE id = ? AND rev = ? RETURNING *`, status, hash, job.id, job.rev);
      if (!updated) throw conflict('job', key, rev, job.rev + 1);
      const [stored] = await sql.query(
        `INSERT INTO "Result" ("workflowId", job_key, run_id, return_code, exec_time_minutes, completion_time, status) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        wf.id, key, runId, result.return_code, result.exec_time_minutes, result.completion_time, status);
      await this.edge(sql, wf.id, 'returned', 'jobs', job.id, 'results', Number(stored!.id), null);
      if (!isComplete(job.status)) await this.releaseDownstream(sql, wf.id, [{ id: job.id, failed: status !== 'done' || result.return_code !== 0 }]);
      await this.event(sql, wf.id, {
        category: 'job', type: 'complete', job_key: key, job_name: job.name, node_name: node.hostname,
        message: `Completed job ${job.name ?? key} with status ${status} and return code ${result.return_code}`,
      });
      return updated;
    });
    return jobToWire(row);
  }

  /** Pipeloom extension: complete_job for many jobs, all checked first and written in one transaction. */
  async completeJobs(key: string, body: { compute_node_key: string; run_id: number; completions: { job_key: string; rev: string; status: 'done' | 'canceled' | 'terminated'; result: ResultBody }[] }): Promise<{ jobs: Doc[] }> {
    const wf = await this.workflow(key);
    const status = await this.runId(wf.id);
    if (body.run_id !== status.runId) throw new AppError('INVALID_ARGUMENT', `run_id ${body.run_id} is not the workflow's current run ${status.runId}`);
    const node = await this.computeNode(wf.id, body.compute_node_key);
    const ids = body.completions.map((c) => parseKey(c.job_key, 'job'));
    if (new Set(ids).size !== ids.length) throw new AppError('INVALID_ARGUMENT', 'each job may be completed once per call');
    for (const c of body.completions) {
      if (c.result.job_key !== c.job_key) throw new AppError('INVALID_ARGUMENT', `the result for job ${c.job_key} names job ${c.result.job_key}`);
      if (c.result.run_id !== body.run_id) throw new AppError('INVALID_ARGUMENT', `the result for job ${c.job_key} is for run ${c.result.run_id}, not ${body.run_id}`);
    }
    const jobs = new Map((await this.sql.jobsByIds(wf.id, ids)).map((j) => [j.id, j]));
    body.completions.forEach((c, i) => {
      const job = jobs.get(ids[i]!);
      if (!job) throw notFound(`job ${c.job_key} of workflow ${key}`);
      if (parseRev(c.rev) !== job.rev) throw conflict('job', c.job_key, c.rev, job.rev);
    });
    const hashes = await this.inputsHashes([...jobs.values()]);
    const rows = await this.tx(async (sql) => {
      // One UPDATE for the batch; its rev guard turns any concurrent change into a 409 and a rollback.
      // Typed placeholders: PostgreSQL cannot infer the type of a bare parameter inside CASE.
      const cases = (type: string, value: (i: number) => unknown) => ({
        sql: `CASE id ${ids.map(() => `WHEN CAST(? AS INTEGER) THEN CAST(? AS ${type})`).join(' ')} END`,
        args: ids.flatMap((id, i) => [id, value(i)]),
      });
      const newStatus = cases('TEXT', (i) => body.completions[i]!.status);
      const hash = cases('DOUBLE PRECISION', (i) => hashes.get(ids[i]!));
      const rev = cases('INTEGER', (i) => jobs.get(ids[i]!)!.rev);
      const updated = await sql.query(
        `UPDATE "Job" SET status = ${newStatus.sql}, internal_hash = ${hash.sql}, rev = rev + 1
         WHERE "workflowId" = ? AND id IN (${RawSql.list(ids)}) AND rev = ${rev.sql} RETURNING *`,
        ...newStatus.args, ...hash.args, wf.id, ...ids, ...rev.args);
      if (updated.length !== ids.length) {
        const moved = ids.find((id) => !updated.some((u) => u.id === id))!;
        throw conflict('job', moved, body.completions[ids.indexOf(moved)]!.rev, jobs.get(moved)!.rev + 1);
      }
      const resultIds = await sql.insertIds('Result', body.completions.map((c, i) => ({
        workflowId: wf.id, job_key: String(ids[i]), run_id: body.run_id, return_code: c.result.return_code,
        exec_time_minutes: c.result.exec_time_minutes, completion_time: c.result.completion_time, status: c.status,
      })));
      await sql.insert('Edge', ids.map((id, i) => ({ workflowId: wf.id, name: 'returned', from_collection: 'jobs', from_id: id, to_collection: 'results', to_id: resultIds[i] })));
      const released = body.completions.map((c, i) => ({ id: ids[i]!, failed: c.status !== 'done' || c.result.return_code !== 0 }))
        .filter((r) => !isComplete(jobs.get(r.id)!.status));
      await this.releaseDownstream(sql, wf.id, released);
      await sql.insert('Event', body.completions.map((c, i) => this.eventRow(wf.id, {
        category: 'job', type: 'complete', job_key: c.job_key, job_name: jobs.get(ids[i]!)!.name, node_name: node.hostname,
        message: `Completed job ${jobs.get(ids[i]!)!.name ?? c.job_key} with status ${c.status} and return code ${c.result.return_code}`,
      })));
      return updated;
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { jobs: ids.map((id) => jobToWire(byId.get(id)!)) };
  }

  /**
   * A completed job's blocked children: a child whose blockers are all complete becomes ready at once; a
   * child of a failed (or canceled) job with cancel_on_blocking_job_failure is canceled, and so on down
   * the graph, so a workflow with a failure always completes (upstream stops after one level: a QUIRK).
   */
  private async releaseDownstream(sql: LifecycleSql, workflowId: number, completed: { id: number; failed: boolean }[]): Promise<void> {
    let frontier = completed;
    while (frontier.length) {
      const failedParents = new Set(frontier.filter((p) => p.failed).map((p) => p.id));
      const edges = await sql.blockEdgesFrom(frontier.map((p) => p.id));
      const childIds = [...new Set(edges.map((e) => Number(e.to_id)))];
      const children = (await sql.jobsByIds(workflowId, childIds)).filter((c) => c.status === 'blocked');
      const open = await sql.openBlockerCounts(children.map((c) => c.id));
      const cancel: number[] = [];
      const ready: number[] = [];
      for (const child of children) {
        const hasFailedParent = edges.some((e) => Number(e.to_id) === child.id && failedParents.has(Number(e.from_id)));
        if (hasFailedParent && child.cancel_on_blocking_job_failure) cancel.push(child.id);
        else if ((open.get(child.id) ?? 0) === 0) ready.push(child.id);
      }
      await sql.setStatus(workflowId, ready, 'ready', ['blocked']);
      const canceled = await sql.setStatus(workflowId, cancel, 'canceled', ['blocked']);
      frontier = canceled.map((c) => ({ id: c.id, failed: true }));
    }
  }

  async manageStatusChange(workflowKey: string, key: string, status: string, rev: string, runId: number): Promise<Doc> {
    const { wf, job } = await this.checkJob(workflowKey, key, rev, runId);
    if (isComplete(status)) throw new AppError('INVALID_ARGUMENT', `use complete_job to set ${status}`);
    if (job.status === status) return jobToWire(job);
    const row = await this.tx(async (sql) => {
      const [updated] = await sql.query(`UPDATE "Job" SET status = ?, rev = rev + 1 WHERE id = ? AND rev = ? RETURNING *`, status, job.id, job.rev);
      if (!updated) throw conflict('job', key, rev, job.rev + 1);
      if (isComplete(job.status) && status === 'uninitialized') {
        await sql.setStatus(wf.id, await sql.descendants(wf.id, [job.id]), 'uninitialized');
      }
      return updated;
    });
    return jobToWire(row);
  }

  // ---- whole workflow ----

  async cancel(key: string): Promise<{ message: string }> {
    const wf = await this.workflow(key);
    await this.tx(async (sql) => {
      await sql.execute(`UPDATE "WorkflowStatus" SET "isCanceled" = ${sql.TRUE}, rev = rev + 1 WHERE "workflowId" = ?`, wf.id);
      await sql.execute(`UPDATE "Job" SET status = 'canceled', rev = rev + 1 WHERE "workflowId" = ? AND status IN ('submitted', 'submitted_pending')`, wf.id);
    });
    return { message: `Canceled workflow ${key}` };
  }

  async resetStatus(key: string): Promise<{ message: string }> {
    const wf = await this.workflow(key, { writable: true });
    await this.db.workflowStatus.update({
      where: { workflowId: wf.id },
      data: { isCanceled: false, scheduledComputeNodeIds: [], autoTuneStatus: { enabled: false, job_keys: [] }, hasDetectedNeedToRunCompletionScript: false, rev: { increment: 1 } },
    });
    return { message: `Reset the status of workflow ${key}` };
  }

  async resetJobStatus(key: string, failedOnly = false): Promise<{ message: string }> {
    const wf = await this.workflow(key, { writable: true });
    const status = await this.runId(wf.id);
    const count = await this.tx(async (sql) => {
      if (!failedOnly) return sql.execute(`UPDATE "Job" SET status = 'uninitialized', rev = rev + 1 WHERE "workflowId" = ? AND status <> 'uninitialized'`, wf.id);
      // Only failed jobs and what depends on them: jobs still running elsewhere are left alone.
      const failed = await sql.query<{ job_key: string }>(
        `SELECT DISTINCT job_key FROM "Result" WHERE "workflowId" = ? AND run_id = ? AND return_code <> 0`, wf.id, status.runId);
      const ids = failed.map((r) => Number(r.job_key)).filter(Number.isSafeInteger);
      const all = [...new Set([...ids, ...(await sql.descendants(wf.id, ids))])];
      return (await sql.setStatus(wf.id, all, 'uninitialized', ['ready', 'blocked', 'done', 'canceled', 'terminated', 'disabled', 'scheduled'])).length;
    });
    return { message: `Reset ${count} jobs of workflow ${key} to uninitialized` };
  }

  // ---- helpers ----

  /** Hash of what a job's outcome depends on: its command and the revisions of its inputs (semantics.md §5). */
  async inputsHash(job: Row): Promise<number> {
    return (await this.inputsHashes([job])).get(job.id)!;
  }

  /** inputsHash for many jobs with one query per 10,000 jobs. */
  async inputsHashes(jobs: Row[]): Promise<Map<number, number>> {
    const inputs = await this.sql.jobInputs(jobs.map((j) => j.id));
    const byJob = new Map<number, { name: string; to_id: number; rev: number }[]>();
    for (const input of inputs) {
      const list = byJob.get(Number(input.from_id)) ?? [];
      list.push(input);
      byJob.set(Number(input.from_id), list);
    }
    const hashes = new Map<number, number>();
    for (const job of jobs) {
      const mine = (byJob.get(job.id) ?? []).sort((a, b) => a.name.localeCompare(b.name) || Number(a.to_id) - Number(b.to_id));
      const of = (name: string) => mine.filter((i) => i.name === name).map((i) => ({ key: String(i.to_id), rev: String(i.rev) }));
      hashes.set(job.id, stringHash(JSON.stringify({
        command: job.command, invocation_script: job.invocation_script ?? null,
        consumes: of('consumes'), stores: of('stores'), needs: of('needs'),
      })));
    }
    return hashes;
  }

  private async edge(sql: LifecycleSql, workflowId: number, name: string, fromCollection: string, fromId: number, toCollection: string, toId: number, data: unknown) {
    const json = data === null ? 'NULL' : this.provider === 'sqlite' ? '?' : '?::jsonb';
    await sql.execute(
      `INSERT INTO "Edge" ("workflowId", name, from_collection, from_id, to_collection, to_id, data) VALUES (?, ?, ?, ?, ?, ?, ${json})`,
      workflowId, name, fromCollection, fromId, toCollection, toId, ...(data === null ? [] : [JSON.stringify(data)]));
  }

  private async event(sql: LifecycleSql, workflowId: number, event: Record<string, unknown>) {
    await sql.insert('Event', [this.eventRow(workflowId, event)]);
  }

  /** An event as a row: the known fields are columns, the rest goes to `extra`. */
  private eventRow(workflowId: number, event: Record<string, unknown>): Record<string, unknown> {
    const { category, type, message, ...extra } = event;
    return { workflowId, category, type, message, timestamp: Date.now(), extra };
  }

}
