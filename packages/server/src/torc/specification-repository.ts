// Storage for workflow specifications: creates a whole workflow (the workflow row, its config and status,
// every collection and every edge) in ONE transaction with batched statements, and reads a workflow back
// whole or a page of its jobs with their edges. The only code behind specification-service.ts that uses Prisma.
import type { Db } from '../db/client.ts';
import { runTransaction, type DbTx } from '../db/transaction.ts';
import { Sql } from '../db/sql.ts';
import type { Provider } from '../db/migrate.ts';
import { modelOf, tableOf, type EdgeName, type VertexCollection } from './collections.ts';
import type { EdgeRow, Row } from './document-repository.ts';
import { TORC_TABLES } from './tables.ts';
import type { WorkflowConfigFields, WorkflowConfigRow, WorkflowFields, WorkflowRow, WorkflowStatusRow } from './workflow-repository.ts';

type Client = Db | DbTx;

/** Longest `IN (...)` list we send; Prisma caps bind variables per query (999 on SQLite). */
const IN_LIMIT = 500;

// Prisma's delegates share one shape; the model is chosen at run time, so it is typed loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Delegate = any;
const delegate = (db: Client, collection: VertexCollection): Delegate => (db as unknown as Record<string, Delegate>)[modelOf(collection)];

export type NewEdge = Omit<EdgeRow, 'id' | 'rev' | 'workflowId' | 'data'>;

export class SpecificationRepository {
  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
  ) {}

  /** Everything `fn` writes is committed together, or nothing is (an exception rolls it all back). */
  transaction<T>(fn: (writer: SpecificationWriter) => Promise<T>): Promise<T> {
    return runTransaction(this.db, (tx) => fn(new SpecificationWriter(tx, this.provider)));
  }

  /** Every row of `collection` in the workflow, in key order. */
  all(collection: VertexCollection, workflowId: number): Promise<Row[]> {
    return delegate(this.db, collection).findMany({ where: { workflowId }, orderBy: { id: 'asc' } });
  }

  /** Every edge of the given collections in the workflow, in creation order. */
  allEdges(workflowId: number, names: EdgeName[]): Promise<EdgeRow[]> {
    return this.db.torcEdge.findMany({ where: { workflowId, name: { in: names } }, orderBy: { id: 'asc' } }) as Promise<EdgeRow[]>;
  }

  async jobsPage(workflowId: number, skip: number, take: number): Promise<{ rows: Row[]; total: number }> {
    const where = { workflowId };
    const [rows, total] = await Promise.all([
      this.db.torcJob.findMany({ where, orderBy: { id: 'asc' }, skip, take }),
      this.db.torcJob.count({ where }),
    ]);
    return { rows: rows as unknown as Row[], total };
  }

  getJob(workflowId: number, id: number): Promise<Row | null> {
    return this.db.torcJob.findFirst({ where: { id, workflowId } }) as unknown as Promise<Row | null>;
  }

  /**
   * Edges of `outbound` collections leaving the jobs, and `inbound` ones entering them, in creation order.
   * `jobIds` is a run of consecutive jobs of the workflow (a page in key order), so a key range selects them.
   */
  async edgesOfJobs(workflowId: number, jobIds: number[], outbound: EdgeName[], inbound: EdgeName[]): Promise<EdgeRow[]> {
    if (jobIds.length === 0) return [];
    const range = { gte: jobIds.reduce((a, b) => Math.min(a, b)), lte: jobIds.reduce((a, b) => Math.max(a, b)) };
    return this.db.torcEdge.findMany({
      where: {
        workflowId,
        OR: [
          { name: { in: outbound }, from_collection: 'jobs', from_id: range },
          { name: { in: inbound }, to_collection: 'jobs', to_id: range },
        ],
      },
      orderBy: { id: 'asc' },
    }) as Promise<EdgeRow[]>;
  }

  /** `id → name` of the given rows of `collection` in the workflow (rows without a name map to null). */
  async namesOf(collection: VertexCollection, workflowId: number, ids: number[]): Promise<Map<number, string | null>> {
    const unique = [...new Set(ids)];
    // Many ids: reading every name of the collection beats long IN lists (bind-variable limits).
    const where = unique.length <= IN_LIMIT ? { workflowId, id: { in: unique } } : { workflowId };
    const rows: { id: number; name: string | null }[] = await delegate(this.db, collection).findMany({ where, select: { id: true, name: true } });
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}


/**
 * Writes inside the specification's transaction. Inserts are multi-row statements that return only ids (or
 * nothing, for edges): the service already holds every value, and reading 40,000 whole rows back through
 * Prisma would cost as much as writing them.
 */
export class SpecificationWriter {
  private readonly sql: Sql<typeof TORC_TABLES>;

  constructor(
    private readonly tx: DbTx,
    provider: Provider,
  ) {
    this.sql = new Sql(tx, provider, TORC_TABLES);
  }

  /** The workflow with its config and status, as WorkflowRepository.create does, but on this transaction. */
  createWorkflow(
    fields: WorkflowFields,
    config: WorkflowConfigFields & Pick<WorkflowConfigRow, 'computeNodeResourceStats'>,
    status: Pick<WorkflowStatusRow, 'autoTuneStatus' | 'scheduledComputeNodeIds'>,
  ): Promise<WorkflowRow> {
    return this.tx.torcWorkflow.create({
      data: { ...fields, config: { create: config as never }, status: { create: status as never } },
    });
  }

  /**
   * Inserts rows of `collection` (objects keyed by column; a missing or undefined key takes the column
   * default) into the workflow and returns their ids in input order.
   */
  createMany(collection: VertexCollection, workflowId: number, rows: Record<string, unknown>[]): Promise<number[]> {
    return this.sql.insertIds(tableOf(collection), rows.map((r) => ({ ...r, workflow_id: workflowId })));
  }

  /** Inserts edges without data. */
  async createEdges(workflowId: number, edges: NewEdge[]): Promise<void> {
    await this.sql.insert('torc_edge', edges.map((e) => ({
      workflow_id: workflowId, name: e.name, from_collection: e.from_collection, from_id: e.from_id, to_collection: e.to_collection, to_id: e.to_id,
    })));
  }
}
