// The only code that reads and writes Dioptra jobs. Status changes and the release of a held-back job are
// conditional updates, so two callers racing on the same job never both win.
import { sqlClientFor, type Db } from '../../db/client.ts';
import { empty, sql, type SqlClient } from '../../db/sql.ts';
import type { DbTx } from '../../db/transaction.ts';
import { jobIdOfLogKey } from './content-keys.ts';

export type JobStatus = 'queued' | 'started' | 'finished' | 'failed';
export const ENDED: readonly JobStatus[] = ['finished', 'failed'];

export interface JobRecord {
  jobId: string;
  experimentId: number;
  queueId: number;
  createdOn: Date;
  lastModified: Date;
  timeout: string | null;
  workflowUri: string;
  workflowFileName: string;
  contentKey: string;
  entryPoint: string;
  entryPointKwargs: string | null;
  dependsOn: string | null;
  status: JobStatus;
  mlflowRunId: string | null;
  runWorkflowKey: string | null;
  logKey: string | null;
  submittedBy: string;
}

export type NewJob = Omit<JobRecord, 'lastModified' | 'status' | 'mlflowRunId' | 'logKey'>;

/** A job with the names of its experiment and queue, as a worker starting it needs them. */
export interface JobWithNames extends JobRecord {
  experimentName: string;
  queueName: string;
  /** Who registered the queue; their workers run its jobs. */
  queueCreatedBy: string | null;
}

/** The mark of a job being released; replaced by the run's key before its transaction commits. */
const RELEASING = '';

const asRecord = <T extends { status: string }>(row: T) => ({ ...row, status: row.status as JobStatus });

/** Every column of a job, named as JobRecord names it. */
const JOB_COLUMNS = sql`"job_id" AS "jobId", "experiment_id" AS "experimentId", "queue_id" AS "queueId", "created_on" AS "createdOn",
  "last_modified" AS "lastModified", "timeout", "workflow_uri" AS "workflowUri", "workflow_file_name" AS "workflowFileName",
  "content_key" AS "contentKey", "entry_point" AS "entryPoint", "entry_point_kwargs" AS "entryPointKwargs", "depends_on" AS "dependsOn",
  "status", "mlflow_run_id" AS "mlflowRunId", "run_workflow_key" AS "runWorkflowKey", "log_key" AS "logKey", "submitted_by" AS "submittedBy"`;

export function jobRepository(db: Db | DbTx) {
  // The whole-table read goes through the driver path (a third of Prisma's time per row) unless `db` is a
  // Prisma transaction, whose statements must stay in it.
  const reads: SqlClient = '$connect' in db ? sqlClientFor(db) : db;
  return {
    async create(job: NewJob): Promise<JobRecord> {
      return asRecord(await db.dioptraJob.create({ data: { ...job, lastModified: job.createdOn, status: 'queued' } }));
    },

    async byId(jobId: string): Promise<JobRecord | null> {
      const row = await db.dioptraJob.findUnique({ where: { jobId } });
      return row && asRecord(row);
    },

    async withNames(jobId: string): Promise<JobWithNames | null> {
      const row = await db.dioptraJob.findUnique({ where: { jobId }, include: { experiment: { select: { name: true } }, queue: { select: { name: true, createdBy: true } } } });
      if (!row) return null;
      const { experiment, queue, ...job } = row;
      return { ...asRecord(job), experimentName: experiment.name, queueName: queue.name, queueCreatedBy: queue.createdBy };
    },

    /**
     * Every job in submission order (read in the order of the created_on, job_id index); with `user`, only
     * the jobs they submitted or that run on a queue they registered.
     */
    async list(user?: string): Promise<JobRecord[]> {
      const mine = user === undefined ? empty : sql`WHERE "submitted_by" = ${user} OR "queue_id" IN (SELECT "id" FROM "dioptra_queue" WHERE "created_by" = ${user})`;
      return reads.$queryRaw<JobRecord[]>(sql`SELECT ${JOB_COLUMNS} FROM "dioptra_job" ${mine} ORDER BY "created_on" ASC, "job_id" ASC`);
    },

    /** Jobs held back waiting for `jobId` (their engine run not started yet). */
    async heldBackBy(jobId: string): Promise<JobRecord[]> {
      return (await db.dioptraJob.findMany({ where: { dependsOn: jobId, runWorkflowKey: null }, orderBy: [{ createdOn: 'asc' }, { jobId: 'asc' }] })).map(asRecord);
    },

    /**
     * Takes a held-back job for release: marks it (inside the caller's transaction, so no one else sees the
     * mark) and answers true, or false when another caller released it first. On PostgreSQL the update waits
     * for a concurrent releaser's commit and then finds the row taken.
     */
    async claimForRelease(jobId: string): Promise<boolean> {
      const { count } = await db.dioptraJob.updateMany({ where: { jobId, runWorkflowKey: null }, data: { runWorkflowKey: RELEASING } });
      return count === 1;
    },

    async setRunWorkflowKey(jobId: string, runWorkflowKey: string): Promise<void> {
      await db.dioptraJob.update({ where: { jobId }, data: { runWorkflowKey } });
    },

    /** Moves the job to `to` when its status is one of `from`; false when it was not. */
    async setStatus(jobId: string, from: readonly JobStatus[], to: JobStatus, at: Date): Promise<boolean> {
      const { count } = await db.dioptraJob.updateMany({ where: { jobId, status: { in: [...from] } }, data: { status: to, lastModified: at } });
      return count === 1;
    },

    async setLogKey(jobId: string, logKey: string): Promise<void> {
      await db.dioptraJob.updateMany({ where: { jobId, logKey: null }, data: { logKey } });
    },

    /** Those of `keys` that some job names as its workflow archive or its log; both are index lookups. */
    async referencedContent(keys: readonly string[]): Promise<Set<string>> {
      const asked = new Set(keys);
      const logJobs = keys.flatMap((k) => jobIdOfLogKey(k) ?? []);
      const [archives, logs] = await Promise.all([
        db.dioptraJob.findMany({ where: { contentKey: { in: [...keys] } }, select: { contentKey: true } }),
        logJobs.length ? db.dioptraJob.findMany({ where: { jobId: { in: logJobs } }, select: { logKey: true } }) : [],
      ]);
      return new Set([...archives.map((r) => r.contentKey), ...logs.flatMap((r) => r.logKey ?? [])].filter((k) => asked.has(k)));
    },
  };
}

export type JobRepository = ReturnType<typeof jobRepository>;
