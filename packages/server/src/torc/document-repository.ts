// The only code that reads and writes Torc's per-workflow collections and edges. A collection is reached
// through the Prisma delegate that stores it (see collections.ts), so one repository serves all of them.
import { sqlClientFor, type Db } from '../db/client.ts';
import { runTransaction, type DbTx } from '../db/transaction.ts';
import { empty, join, sql, Sql, type Fragment } from '../db/sql.ts';
import type { Provider } from '../db/migrate.ts';
import { EDGES, edgesTouching, modelOf, tableOf, type EdgeName, type VertexCollection } from './collections.ts';
import { INT_MAX, type SortOrder } from './documents.ts';
import { TORC_TABLES, type TorcTable } from './tables.ts';

export type Row = { id: number; rev: number; workflowId: number } & Record<string, unknown>;
export type Versioned<T> = { ok: true; row: T } | { ok: false; current: T | null };
type Client = Db | DbTx;

export interface EdgeRow {
  id: number;
  rev: number;
  workflowId: number;
  name: string;
  from_collection: string;
  from_id: number;
  to_collection: string;
  to_id: number;
  data: unknown;
}

export interface ListArgs {
  where: Record<string, unknown>;
  orderBy: Record<string, SortOrder>[];
  skip: number;
  take: number;
}

/** Rows per statement when a page is read: a page of up to MAX_LIMIT rows is never held whole. */
export const LIST_CHUNK_ROWS = 2_000;

/** A page being read: all matches counted up front, its rows read chunk by chunk as they are consumed. */
export interface ListedRows {
  total: number;
  rows: AsyncIterable<Row>;
}

// Prisma's delegates share one shape; the model is chosen at run time, so it is typed loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Delegate = any;
const delegate = (db: Client, collection: VertexCollection): Delegate => (db as unknown as Record<string, Delegate>)[modelOf(collection)];

/** A row read back by raw SQL names its column `workflow_id`; the model API (and so Row) says `workflowId`. */
function fromColumns({ workflow_id, ...rest }: Record<string, unknown>): Row {
  return { ...rest, workflowId: Number(workflow_id) } as Row;
}

/** `ASC`, `DESC NULLS LAST`, ...: Prisma's order spelled in SQL both databases read the same way. */
function orderSql(how: SortOrder): Fragment {
  const direction = (typeof how === 'string' ? how : how.sort) === 'desc' ? sql`DESC` : sql`ASC`;
  if (typeof how === 'string') return direction;
  return sql`${direction} ${how.nulls === 'first' ? sql`NULLS FIRST` : sql`NULLS LAST`}`;
}

export class DocumentRepository {
  /** Lists read on the driver path: the same connection as `db`, without Prisma's per-row cost. */
  private readonly driverSql: Sql<typeof TORC_TABLES>;

  constructor(
    readonly db: Db,
    readonly provider: Provider,
  ) {
    this.driverSql = new Sql(sqlClientFor(db), provider, TORC_TABLES);
  }

  /**
   * Counts the matches now and reads the page lazily, LIST_CHUNK_ROWS at a time: by key after the last
   * row read for the default `_key` order, by offset for other orders. Each chunk is read whole (no cursor
   * stays open between chunks), and reading stops as soon as the consumer does.
   */
  async list(collection: VertexCollection, workflowId: number, args: ListArgs): Promise<ListedRows> {
    const table = tableOf(collection);
    const filter = join([sql`"workflow_id" = ${workflowId}`, ...Object.entries(args.where).map(([name, value]) =>
      sql`${this.column(table, name)} = ${value}`)], ' AND ');
    const [counted] = await this.driverSql.query<{ n: unknown }>(sql`SELECT COUNT(*) AS n FROM ${this.driverSql.table(table)} WHERE ${filter}`);
    return { total: Number(counted?.n ?? 0), rows: this.pageRows(table, filter, args) };
  }

  /** A filter or sort column named by the request; Sql.column refuses any name its table does not have. */
  private column(table: TorcTable, name: string): Fragment {
    return this.driverSql.column(table, name as (typeof TORC_TABLES)[TorcTable][number]);
  }

  private async *pageRows(table: TorcTable, filter: Fragment, { orderBy, skip, take }: ListArgs): AsyncGenerator<Row> {
    const from = sql`SELECT * FROM ${this.driverSql.table(table)} WHERE ${filter}`;
    const byId = orderBy.length === 1 && Object.keys(orderBy[0]!)[0] === 'id' ? orderBy[0]!.id : undefined;
    const order = join(orderBy.map((o) => {
      const [name, how] = Object.entries(o)[0]!;
      return sql`${this.column(table, name)} ${orderSql(how)}`;
    }), ', ');
    let after: number | undefined;
    for (let read = 0; read < take;) {
      const n = Math.min(LIST_CHUNK_ROWS, take - read);
      const next = byId && after !== undefined ? sql` AND "id" ${byId === 'desc' ? sql`<` : sql`>`} ${after}` : empty;
      const offset = byId && after !== undefined ? 0 : skip + read;
      const rows = await this.driverSql.query(sql`${from}${next} ORDER BY ${order} LIMIT ${n} OFFSET ${offset}`);
      for (const r of rows) yield fromColumns(r);
      read += rows.length;
      if (rows.length < n) return;
      after = Number(rows.at(-1)!.id);
    }
  }

  transaction<T>(fn: (repo: TxDocuments) => Promise<T>): Promise<T> {
    return runTransaction(this.db, (tx) => fn(new TxDocuments(tx, this.provider)));
  }

  /** Reads outside a transaction go through the same code. */
  get reader(): TxDocuments {
    return new TxDocuments(this.db, this.provider);
  }
}

/** Document and edge access on one client (the database, or a transaction). */
export class TxDocuments {
  private readonly sql: Sql<typeof TORC_TABLES>;

  constructor(
    private readonly db: Client,
    provider: Provider,
  ) {
    this.sql = new Sql(db, provider, TORC_TABLES);
  }

  get(collection: VertexCollection, workflowId: number, id: number): Promise<Row | null> {
    return delegate(this.db, collection).findFirst({ where: { id, workflowId } });
  }

  findMany(collection: VertexCollection, workflowId: number, where: Record<string, unknown>, orderBy: Record<string, 'asc' | 'desc'> = { id: 'asc' }): Promise<Row[]> {
    return delegate(this.db, collection).findMany({ where: { ...where, workflowId }, orderBy });
  }

  /** Ids that exist in `collection` for this workflow, among `ids`. */
  async existing(collection: VertexCollection, workflowId: number, ids: number[]): Promise<Set<number>> {
    // Keys beyond the integer columns' range cannot exist (and PostgreSQL refuses to compare with them).
    ids = ids.filter((id) => id <= INT_MAX);
    if (ids.length === 0 || workflowId > INT_MAX) return new Set();
    const rows: { id: number }[] = await delegate(this.db, collection).findMany({ where: { workflowId, id: { in: ids } }, select: { id: true } });
    return new Set(rows.map((r) => r.id));
  }

  create(collection: VertexCollection, workflowId: number, data: Record<string, unknown>): Promise<Row> {
    return delegate(this.db, collection).create({ data: { ...data, workflowId } });
  }

  /** Inserts many rows with batched statements; returns them in input order. */
  async createMany(collection: VertexCollection, workflowId: number, data: Record<string, unknown>[]): Promise<Row[]> {
    if (data.length === 0) return [];
    // Batched raw inserts: Prisma's createMany is ~30x slower per row. Wire field names are column names.
    const rows = await this.sql.insertReturning(tableOf(collection), data.map((d) => ({ ...d, workflow_id: workflowId })));
    return rows.map(fromColumns);
  }

  /** Updates the row only if it is still at `rev`; the revision moves on by one. */
  async update(collection: VertexCollection, workflowId: number, id: number, rev: number, data: Record<string, unknown>): Promise<Versioned<Row>> {
    const { count } = await delegate(this.db, collection).updateMany({ where: { id, workflowId, rev }, data: { ...data, rev: { increment: 1 } } });
    const row = await this.get(collection, workflowId, id);
    return count === 1 && row ? { ok: true, row } : { ok: false, current: row };
  }

  /** Unconditional update used by the server's own state changes. */
  async touch(collection: VertexCollection, workflowId: number, id: number, data: Record<string, unknown>): Promise<Row> {
    return delegate(this.db, collection).update({ where: { id }, data: { ...data, rev: { increment: 1 } } });
  }

  /** Deletes one vertex and every edge that touches it. */
  async delete(collection: VertexCollection, workflowId: number, id: number): Promise<Row | null> {
    const row = await this.get(collection, workflowId, id);
    if (!row) return null;
    await this.deleteEdgesOf(collection, [id]);
    await delegate(this.db, collection).delete({ where: { id } });
    return row;
  }

  /** Deletes a whole collection of a workflow, and the edges that touch it. */
  async deleteAll(collection: VertexCollection, workflowId: number): Promise<number> {
    await this.db.torcEdge.deleteMany({ where: { workflowId, OR: [{ from_collection: collection }, { to_collection: collection }] } });
    const { count } = await delegate(this.db, collection).deleteMany({ where: { workflowId } });
    return count;
  }

  async deleteEdgesOf(collection: VertexCollection, ids: number[]): Promise<void> {
    const { outgoing, incoming } = edgesTouching(collection);
    const or = [
      ...(outgoing.length ? [{ name: { in: outgoing }, from_collection: collection, from_id: { in: ids } }] : []),
      ...(incoming.length ? [{ name: { in: incoming }, to_collection: collection, to_id: { in: ids } }] : []),
    ];
    if (or.length) await this.db.torcEdge.deleteMany({ where: { OR: or } });
  }

  // ---- edges ----

  async createEdges(workflowId: number, edges: Omit<EdgeRow, 'id' | 'rev' | 'workflowId'>[]): Promise<number> {
    if (edges.length === 0) return 0;
    // An edge without data leaves its column to the default.
    const rows = edges.map((e) => ({ ...e, data: e.data ?? undefined, workflow_id: workflowId }));
    await this.sql.insert('torc_edge', rows);
    return rows.length;
  }

  createEdge(workflowId: number, edge: Omit<EdgeRow, 'id' | 'rev' | 'workflowId'>): Promise<EdgeRow> {
    return this.db.torcEdge.create({ data: { ...edge, data: (edge.data ?? undefined) as never, workflowId } }) as Promise<EdgeRow>;
  }

  async listEdges(workflowId: number, name: EdgeName, skip: number, take: number): Promise<{ rows: EdgeRow[]; total: number }> {
    const where = { workflowId, name };
    const [rows, total] = await Promise.all([
      this.db.torcEdge.findMany({ where, orderBy: { id: 'asc' }, skip, take }),
      this.db.torcEdge.count({ where }),
    ]);
    return { rows: rows as EdgeRow[], total };
  }

  getEdge(workflowId: number, name: EdgeName, id: number): Promise<EdgeRow | null> {
    return this.db.torcEdge.findFirst({ where: { id, workflowId, name } }) as Promise<EdgeRow | null>;
  }

  async deleteEdge(workflowId: number, name: EdgeName, id: number): Promise<EdgeRow | null> {
    const row = await this.getEdge(workflowId, name, id);
    if (row) await this.db.torcEdge.delete({ where: { id } });
    return row;
  }

  async deleteEdges(workflowId: number, name: EdgeName): Promise<number> {
    return (await this.db.torcEdge.deleteMany({ where: { workflowId, name } })).count;
  }

  /** Edges of `name` leaving any of `fromIds` (or entering any of `toIds`). */
  edgesFrom(name: EdgeName, fromIds: number[]): Promise<EdgeRow[]> {
    return this.db.torcEdge.findMany({ where: { name, from_id: { in: fromIds }, from_collection: EDGES[name].from[0] }, orderBy: { id: 'asc' } }) as Promise<EdgeRow[]>;
  }

  edgesTo(name: EdgeName, toIds: number[], toCollection: VertexCollection): Promise<EdgeRow[]> {
    return this.db.torcEdge.findMany({ where: { name, to_id: { in: toIds }, to_collection: toCollection }, orderBy: { id: 'asc' } }) as Promise<EdgeRow[]>;
  }

  /** Every edge of `name` in the workflow (for whole-workflow reads such as specification export). */
  allEdges(workflowId: number, names: EdgeName[]): Promise<EdgeRow[]> {
    return this.db.torcEdge.findMany({ where: { workflowId, name: { in: names } }, orderBy: { id: 'asc' } }) as Promise<EdgeRow[]>;
  }

  async deleteEdgesFrom(name: EdgeName, fromIds: number[]): Promise<void> {
    await this.db.torcEdge.deleteMany({ where: { name, from_id: { in: fromIds }, from_collection: EDGES[name].from[0] } });
  }

  async deleteEdgesTo(name: EdgeName, toIds: number[], toCollection: VertexCollection): Promise<void> {
    await this.db.torcEdge.deleteMany({ where: { name, to_id: { in: toIds }, to_collection: toCollection } });
  }
}
