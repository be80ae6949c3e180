// The only code that reads Torc's graph views (semantics.md §6): the event log by time, the vertices and
// edges a DOT graph draws, and collections joined through an edge. Joins are set-based SQL through Prisma's
// raw API, written once for SQLite and PostgreSQL (`?` placeholders are renumbered for PostgreSQL); the
// documents themselves are then read through Prisma's delegates so every column comes back typed alike.
import type { Db } from '../db/client.ts';
import type { Provider } from '../db/migrate.ts';
import { isVertexCollection, matchableColumns, modelOf, type EdgeName, type VertexCollection } from './collections.ts';
import type { EdgeRow, Row } from './document-repository.ts';
import { chunks, RawSql, tableOf } from '../db/raw-sql.ts';

/** The quoted table of a vertex collection. */
const tableOfCollection = (collection: VertexCollection) => `"${tableOf(modelOf(collection))}"`;

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

/** Quotes a column of `collection` for SQL text, refusing any name not on the collection's allow-list. */
function columnOf(collection: VertexCollection): (name: string) => string {
  const allowed = matchableColumns(collection);
  return (name) => {
    if (name !== 'id' && !Object.hasOwn(allowed, name)) throw new Error(`${name} is not a matchable column of ${collection}`);
    return `"${name}"`;
  };
}

export class GraphRepository {
  constructor(
    private readonly db: Db,
    readonly provider: Provider,
  ) {}

  private query<T>(sql: string, ...values: unknown[]): Promise<T[]> {
    return new RawSql(this.db, this.provider).query<T>(sql, ...values);
  }

  private delegate(collection: VertexCollection): Delegate {
    return (this.db as unknown as Record<string, Delegate>)[modelOf(collection)];
  }

  // ---- events ----

  async latestEventTimestamp(workflowId: number): Promise<number | null> {
    const { _max } = await this.db.event.aggregate({ where: { workflowId }, _max: { timestamp: true } });
    return _max.timestamp ?? null;
  }

  /** Events later than `after` (ms), oldest first, and how many there are in all. */
  async eventsAfter(workflowId: number, after: number, category: string | undefined, take: number): Promise<{ rows: Row[]; total: number }> {
    const where = { workflowId, timestamp: { gt: after }, ...(category === undefined ? {} : { category }) };
    const [rows, total] = await Promise.all([
      this.db.event.findMany({ where, orderBy: [{ timestamp: 'asc' }, { id: 'asc' }], take }),
      this.db.event.count({ where }),
    ]);
    return { rows: rows as Row[], total };
  }

  // ---- DOT graphs ----

  /** Every vertex of `collection` in the workflow, by key. */
  async vertices(collection: VertexCollection, workflowId: number): Promise<Vertex[]> {
    return this.query<Vertex>(`SELECT id, name FROM ${tableOfCollection(collection)} WHERE "workflowId" = ? ORDER BY id`, workflowId);
  }

  /** The vertices of `collection` at the `end` of the workflow's edges of `names`, by key. */
  async verticesAtEdges(collection: VertexCollection, workflowId: number, names: readonly EdgeName[], end: 'from' | 'to'): Promise<Vertex[]> {
    const list = names.map(() => '?').join(', ');
    return this.query<Vertex>(
      `SELECT v.id, v.name FROM ${tableOfCollection(collection)} v WHERE v."workflowId" = ? AND v.id IN (
         SELECT e.${end}_id FROM "Edge" e WHERE e."workflowId" = ? AND e.name IN (${list}) AND e.${end}_collection = ?
       ) ORDER BY v.id`,
      workflowId, workflowId, ...names, collection,
    );
  }

  /** The workflow's edges of `names`, by key. */
  edges(workflowId: number, names: readonly EdgeName[]): Promise<EdgeRow[]> {
    return this.db.edge.findMany({ where: { workflowId, name: { in: [...names] } }, orderBy: { id: 'asc' } }) as Promise<EdgeRow[]>;
  }

  // ---- joins ----

  /**
   * One page of the rows of a join: every edge of `edge` at each base document that matches `where`, ordered
   * by base key and then edge key, and the number of such rows in all.
   */
  async joinPage(args: JoinArgs): Promise<{ links: JoinLink[]; total: number }> {
    const [near, far] = args.outbound ? ['from', 'to'] : ['to', 'from'];
    const column = columnOf(args.collection);
    const conditions = args.where.map((m) => (m.value === null ? `b.${column(m.column)} IS NULL` : `b.${column(m.column)} = ?`));
    const values = args.where.flatMap((m) => (m.value === null ? [] : [m.value]));
    const from = `FROM ${tableOfCollection(args.collection)} b
      JOIN "Edge" e ON e.name = ? AND e.${near}_collection = ? AND e.${near}_id = b.id AND e."workflowId" = b."workflowId"
      WHERE b."workflowId" = ?${conditions.map((c) => ` AND ${c}`).join('')}`;
    const bound = [args.edge, args.collection, args.workflowId, ...values];
    const [rows, [count]] = await Promise.all([
      this.query<{ edge_id: number; base_id: number; other_collection: string; other_id: number }>(
        `SELECT e.id AS edge_id, b.id AS base_id, e.${far}_collection AS other_collection, e.${far}_id AS other_id
         ${from} ORDER BY b.id, e.id LIMIT ? OFFSET ?`,
        ...bound, args.take, args.skip,
      ),
      this.query<{ n: number | bigint }>(`SELECT COUNT(*) AS n ${from}`, ...bound),
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
      const rows = (await this.db.edge.findMany({ where: { workflowId, id: { in: part } } })) as EdgeRow[];
      for (const r of rows) found.set(r.id, r);
    }
    return found;
  }
}
