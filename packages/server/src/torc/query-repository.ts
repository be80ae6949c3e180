// The only code that reads Torc's cross-collection views (semantics.md §6): job keys, finds by status or
// edge, a job's user data, resource requirements and process stats, results by run, downstream walks.
// Edges are polymorphic (one torc_edge table), so a view follows edges first and then fetches the documents
// by id; every id list is cut into chunks so no statement carries more than ID_CHUNK parameters.
import type { Db } from '../db/client.ts';
import { runTransaction, type DbTx } from '../db/transaction.ts';
import { chunks } from '../db/sql.ts';
import { modelOf, type EdgeName, type VertexCollection } from './collections.ts';
import type { EdgeRow, Row } from './document-repository.ts';

type Client = Db | DbTx;

// Prisma splits an unordered `in` further when the database takes fewer bind values (it assumes 999 for
// SQLite), so queries with an `in` here never carry an orderBy.

/** Rows per statement when a page is read in chunks. */
const CHUNK_ROWS = 2_000;

/** A page being read: all matches counted up front, its rows read chunk by chunk as they are consumed. */
export interface JobRows {
  rows: AsyncIterable<Row>;
  total: number;
}

export class QueryRepository {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: (repo: TxQueries) => Promise<T>): Promise<T> {
    return runTransaction(this.db, (tx) => fn(new TxQueries(tx)));
  }

  get reader(): TxQueries {
    return new TxQueries(this.db);
  }
}

/** The queries on one client (the database, or a transaction). */
export class TxQueries {
  constructor(private readonly db: Client) {}

  /** The run the workflow is in, or undefined when it has no status (it does not exist). */
  async currentRunId(workflowId: number): Promise<number | undefined> {
    const status = await this.db.torcWorkflowStatus.findUnique({ where: { workflowId }, select: { runId: true } });
    return status?.runId;
  }

  async jobExists(workflowId: number, id: number): Promise<boolean> {
    return (await this.db.torcJob.count({ where: { workflowId, id } })) > 0;
  }

  async fileExists(workflowId: number, id: number): Promise<boolean> {
    return (await this.db.torcFile.count({ where: { workflowId, id } })) > 0;
  }

  getResourceRequirements(workflowId: number, id: number): Promise<Row | null> {
    return this.db.torcResourceRequirements.findFirst({ where: { workflowId, id } }) as Promise<Row | null>;
  }

  /** Every job id of the workflow, in storage order. */
  async jobIds(workflowId: number): Promise<number[]> {
    const rows = await this.db.torcJob.findMany({ where: { workflowId }, select: { id: true }, orderBy: { id: 'asc' } });
    return rows.map((r) => r.id);
  }

  /** Jobs with `status` by key: counted now, read lazily in chunks, each after the last key read. */
  async jobsByStatus(workflowId: number, status: string, skip: number, take: number): Promise<JobRows> {
    const where = { workflowId, status };
    return { total: await this.db.torcJob.count({ where }), rows: this.jobsWhere(where, skip, take) };
  }

  private async *jobsWhere(where: { workflowId: number; status: string }, skip: number, take: number): AsyncGenerator<Row> {
    let after: number | undefined;
    for (let read = 0; read < take;) {
      const n = Math.min(CHUNK_ROWS, take - read);
      const chunk: Row[] = after === undefined
        ? await this.db.torcJob.findMany({ where, orderBy: { id: 'asc' }, skip, take: n })
        : await this.db.torcJob.findMany({ where: { ...where, id: { gt: after } }, orderBy: { id: 'asc' }, take: n });
      yield* chunk;
      read += chunk.length;
      if (chunk.length < n) return;
      after = chunk.at(-1)!.id;
    }
  }

  /** Distinct ids at the far end of `name` edges leaving `fromId`, in edge order. */
  async targetsOf(workflowId: number, name: EdgeName, fromCollection: VertexCollection, fromId: number): Promise<number[]> {
    const edges = await this.db.torcEdge.findMany({
      where: { workflowId, name, from_collection: fromCollection, from_id: fromId },
      select: { to_id: true },
      orderBy: { id: 'asc' },
    });
    return distinct(edges.map((e) => e.to_id));
  }

  /** Distinct ids at the near end of `name` edges entering `toId`, in edge order. */
  async sourcesOf(workflowId: number, name: EdgeName, toCollection: VertexCollection, toId: number): Promise<number[]> {
    const edges = await this.db.torcEdge.findMany({
      where: { workflowId, name, to_collection: toCollection, to_id: toId },
      select: { from_id: true },
      orderBy: { id: 'asc' },
    });
    return distinct(edges.map((e) => e.from_id));
  }

  /**
   * Ids of every job reachable from `jobId` through `blocks` edges, breadth first, each once, the start job
   * excluded (even on a cycle). One query per level and chunk of the frontier, never one per job.
   */
  async downstreamJobIds(workflowId: number, jobId: number): Promise<number[]> {
    const seen = new Set<number>([jobId]);
    const order: number[] = [];
    let frontier = [jobId];
    while (frontier.length) {
      const next: number[] = [];
      for (const part of chunks(frontier)) {
        // No orderBy: Prisma cannot split an ordered query under SQLite's 999-parameter limit (P2029), but
        // it splits an unordered one; edge order is restored here.
        const edges = await this.db.torcEdge.findMany({
          where: { workflowId, name: 'blocks', from_collection: 'jobs', from_id: { in: part } },
          select: { id: true, from_id: true, to_id: true },
        });
        edges.sort((a, b) => a.id - b.id);
        // Keep BFS order within the level: children of earlier frontier jobs first.
        const byParent = new Map<number, number[]>();
        for (const e of edges) {
          const list = byParent.get(e.from_id);
          if (list) list.push(e.to_id);
          else byParent.set(e.from_id, [e.to_id]);
        }
        for (const parent of part) {
          for (const child of byParent.get(parent) ?? []) {
            if (seen.has(child)) continue;
            seen.add(child);
            order.push(child);
            next.push(child);
          }
        }
      }
      frontier = next;
    }
    return order;
  }

  /** Documents of `collection` with these ids, in the order of `ids` (missing ones dropped). */
  async byIds(collection: 'jobs' | 'files' | 'user_data' | 'job_process_stats', workflowId: number, ids: readonly number[]): Promise<Row[]> {
    const found = new Map<number, Row>();
    // The delegates share this shape; the collection is a parameter, so it is typed loosely here.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const delegate = (this.db as unknown as Record<string, any>)[modelOf(collection)];
    for (const part of chunks(ids)) {
      const rows: Row[] = await delegate.findMany({ where: { workflowId, id: { in: part } } });
      for (const r of rows) found.set(r.id, r);
    }
    return ids.flatMap((id) => found.get(id) ?? []);
  }

  /** Like byIds, but read CHUNK_ROWS at a time as the rows are consumed, so a long id list is never read whole. */
  async *streamByIds(collection: 'jobs' | 'files', workflowId: number, ids: readonly number[]): AsyncGenerator<Row> {
    for (const part of chunks(ids, CHUNK_ROWS)) yield* await this.byIds(collection, workflowId, part);
  }

  /** Process stats recorded for the job (by `job_key`) or linked to it by `process_used` edges. */
  async processStatsOf(workflowId: number, jobId: number): Promise<Row[]> {
    const linked = await this.targetsOf(workflowId, 'process_used', 'jobs', jobId);
    const [byKey, byEdge] = await Promise.all([
      this.db.torcJobProcessStats.findMany({ where: { workflowId, job_key: String(jobId) } }) as Promise<Row[]>,
      this.byIds('job_process_stats', workflowId, linked),
    ]);
    const all = new Map<number, Row>();
    for (const r of [...byKey, ...byEdge]) all.set(r.id, r);
    return [...all.values()].sort((a, b) => (a.run_id as number) - (b.run_id as number) || a.id - b.id);
  }

  /** The job's latest result for `runId`, if any. */
  latestResult(workflowId: number, jobId: number, runId: number): Promise<Row | null> {
    return this.db.torcResult.findFirst({
      where: { workflowId, job_key: String(jobId), run_id: runId },
      orderBy: { id: 'desc' },
    }) as Promise<Row | null>;
  }

  createUserData(workflowId: number, data: Record<string, unknown>): Promise<Row> {
    return this.db.torcUserData.create({ data: { ...data, workflowId } as never }) as Promise<Row>;
  }

  createEdge(workflowId: number, edge: Omit<EdgeRow, 'id' | 'rev' | 'workflowId' | 'data'>): Promise<EdgeRow> {
    return this.db.torcEdge.create({ data: { ...edge, workflowId } }) as Promise<EdgeRow>;
  }

  async deleteEdgesFrom(workflowId: number, name: EdgeName, fromCollection: VertexCollection, fromId: number): Promise<void> {
    await this.db.torcEdge.deleteMany({ where: { workflowId, name, from_collection: fromCollection, from_id: fromId } });
  }
}

function distinct(ids: number[]): number[] {
  return [...new Set(ids)];
}
