// The only code that reads Torc's graph views (semantics.md §6): the event log by time, the vertices and
// edges a DOT graph draws, and collections joined through an edge. Joins are set-based SQL (db/sql.ts),
// written once for SQLite and PostgreSQL; the documents themselves are then read through Prisma's
// delegates so every column comes back typed alike.
import type { Db } from '../db/client.ts';
import type { Provider } from '../db/migrate.ts';
import { chunks, empty, join, list, sql, Sql, type Fragment } from '../db/sql.ts';
import { isVertexCollection, matchableColumns, modelOf, tableOf, type EdgeName, type VertexCollection } from './collections.ts';
import type { EdgeRow, Row } from './document-repository.ts';
import { TORC_TABLES, type TorcTable } from './tables.ts';

type TorcSql = Sql<typeof TORC_TABLES>;

// Prisma's delegates share one shape; the model is chosen at run time, so it is typed loosely here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Delegate = any;

/** One exact-match condition on a base column: `value` null means the column is NULL. */
export interface ColumnMatch {
  column: string;
  value: string | number | boolean | null;
}

export interface JoinArgs {
  workflowId: number;
  collection: VertexCollection;
  edge: EdgeName;
  /** Outbound: the base document is the edge's `_from`; inbound: its `_to`. */
  outbound: boolean;
  where: ColumnMatch[];
  skip: number;
  take: number;
}

/** One joined row before its documents are read: the edge, and the ids at both of its ends. */
export interface JoinLink {
  edgeId: number;
  baseId: number;
  otherCollection: VertexCollection;
  otherId: number;
}

/** A vertex as a DOT graph draws it. */
export interface Vertex {
  id: number;
  name: string | null;
}

/**
 * A column of `collection` under `alias`, refusing any name a filter may not match on (the collection's
 * matchable columns) and, through Sql.column, any name its table does not have.
 */
function columnOf(q: TorcSql, collection: VertexCollection, alias: string): (name: string) => Fragment {
  const allowed = matchableColumns(collection);
  const table = tableOf(collection);
  return (name) => {
    if (name !== 'id' && !Object.hasOwn(allowed, name)) throw new Error(`${name} is not a matchable column of ${collection}`);
    return q.column(table, name as (typeof TORC_TABLES)[TorcTable][number], alias);
  };
}

export class GraphRepository {
  private readonly sql: TorcSql;

  constructor(
    private readonly db: Db,
    readonly provider: Provider,
  ) {
    this.sql = new Sql(db, provider, TORC_TABLES);
  }

  private delegate(collection: VertexCollection): Delegate {
    return (this.db as unknown as Record<string, Delegate>)[modelOf(collection)];
  }

  // ---- events ----

  async latestEventTimestamp(workflowId: number): Promise<number | null> {
    const { _max } = await this.db.torcEvent.aggregate({ where: { workflowId }, _max: { timestamp: true } });
    return _max.timestamp ?? null;
  }

  /** Events later than `after` (ms), oldest first, and how many there are in all. */
  async eventsAfter(workflowId: number, after: number, category: string | undefined, take: number): Promise<{ rows: Row[]; total: number }> {
    const where = { workflowId, timestamp: { gt: after }, ...(category === undefined ? {} : { category }) };
    const [rows, total] = await Promise.all([
      this.db.torcEvent.findMany({ where, orderBy: [{ timestamp: 'asc' }, { id: 'asc' }], take }),
      this.db.torcEvent.count({ where }),
    ]);
    return { rows: rows as Row[], total };
  }

  // ---- DOT graphs ----

  /** Every vertex of `collection` in the workflow, by key. */
  async vertices(collection: VertexCollection, workflowId: number): Promise<Vertex[]> {
    const table = tableOf(collection);
    return this.sql.query<Vertex>(
      sql`SELECT id, ${this.sql.column(table, 'name')} FROM ${this.sql.table(table)} WHERE workflow_id = ${workflowId} ORDER BY id`,
    );
  }

  /** The vertices of `collection` at the `end` of the workflow's edges of `names`, by key. */
  async verticesAtEdges(collection: VertexCollection, workflowId: number, names: readonly EdgeName[], end: 'from' | 'to'): Promise<Vertex[]> {
    const table = tableOf(collection);
    const endId = this.sql.column('torc_edge', `${end}_id`, 'e');
    const endCollection = this.sql.column('torc_edge', `${end}_collection`, 'e');
    return this.sql.query<Vertex>(sql`
      SELECT v.id, ${this.sql.column(table, 'name', 'v')} FROM ${this.sql.table(table)} v WHERE v.workflow_id = ${workflowId} AND v.id IN (
        SELECT ${endId} FROM torc_edge e WHERE e.workflow_id = ${workflowId} AND e.name IN (${list(names)}) AND ${endCollection} = ${collection}
      ) ORDER BY v.id`);
  }

  /** The workflow's edges of `names`, by key. */
  edges(workflowId: number, names: readonly EdgeName[]): Promise<EdgeRow[]> {
    return this.db.torcEdge.findMany({ where: { workflowId, name: { in: [...names] } }, orderBy: { id: 'asc' } }) as Promise<EdgeRow[]>;
  }

  // ---- joins ----

  /**
   * One page of the rows of a join: every edge of `edge` at each base document that matches `where`, ordered
   * by base key and then edge key, and the number of such rows in all.
   */
  async joinPage(args: JoinArgs): Promise<{ links: JoinLink[]; total: number }> {
    const [near, far] = args.outbound ? (['from', 'to'] as const) : (['to', 'from'] as const);
    const edge = (column: 'id' | 'collection') => this.sql.column('torc_edge', `${near}_${column}`, 'e');
    const column = columnOf(this.sql, args.collection, 'b');
    const conditions = args.where.map((m) => (m.value === null ? sql` AND ${column(m.column)} IS NULL` : sql` AND ${column(m.column)} = ${m.value}`));
    const from = sql`FROM ${this.sql.table(tableOf(args.collection))} b
      JOIN torc_edge e ON e.name = ${args.edge} AND ${edge('collection')} = ${args.collection} AND ${edge('id')} = b.id AND e.workflow_id = b.workflow_id
      WHERE b.workflow_id = ${args.workflowId}${conditions.length ? join(conditions, '') : empty}`;
    const farCollection = this.sql.column('torc_edge', `${far}_collection`, 'e');
    const farId = this.sql.column('torc_edge', `${far}_id`, 'e');
    const [rows, [count]] = await Promise.all([
      this.sql.query<{ edge_id: number; base_id: number; other_collection: string; other_id: number }>(
        sql`SELECT e.id AS edge_id, b.id AS base_id, ${farCollection} AS other_collection, ${farId} AS other_id
            ${from} ORDER BY b.id, e.id LIMIT ${args.take} OFFSET ${args.skip}`,
      ),
      this.sql.query<{ n: number | bigint }>(sql`SELECT COUNT(*) AS n ${from}`),
    ]);
    return {
      // An edge's ends are always vertex collections; a row that says otherwise is skipped, not trusted.
      links: rows.flatMap((r) => (isVertexCollection(r.other_collection)
        ? [{ edgeId: Number(r.edge_id), baseId: Number(r.base_id), otherCollection: r.other_collection, otherId: Number(r.other_id) }]
        : [])),
      total: Number(count?.n ?? 0),
    };
  }

  /** Documents of `collection` with these ids, by id (missing ones absent). */
  async byIds(collection: VertexCollection, workflowId: number, ids: readonly number[]): Promise<Map<number, Row>> {
    const found = new Map<number, Row>();
    // No orderBy: Prisma splits an unordered `in` under SQLite's parameter limit, not an ordered one.
    for (const part of chunks([...new Set(ids)])) {
      const rows: Row[] = await this.delegate(collection).findMany({ where: { workflowId, id: { in: part } } });
      for (const r of rows) found.set(r.id, r);
    }
    return found;
  }

  async edgesByIds(workflowId: number, ids: readonly number[]): Promise<Map<number, EdgeRow>> {
    const found = new Map<number, EdgeRow>();
    for (const part of chunks([...new Set(ids)])) {
      const rows = (await this.db.torcEdge.findMany({ where: { workflowId, id: { in: part } } })) as EdgeRow[];
      for (const r of rows) found.set(r.id, r);
    }
    return found;
  }
}
