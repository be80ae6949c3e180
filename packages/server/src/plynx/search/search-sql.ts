// One page of a PLynx search and its total, in raw SQL: the free-text condition needs SQLite's FTS5 tables,
// which Prisma's query API cannot name. The page's ids are read first from the index of the sort order
// (skipped rows cost an index entry each, not a document), then only those rows' documents.
import type { Db } from '../../db/client.ts';
import { sqlClientFor } from '../../db/client.ts';
import { empty, join, Sql, sql, type Fragment, type SqlClient } from '../../db/sql.ts';
import type { DbTx } from '../../db/transaction.ts';
import type { Page, SortDirection } from './search-query.ts';

const DOCUMENT_COLUMNS = ['id', 'title', 'description', 'author_name', 'document', 'insertion_date', 'update_date'] as const;
const TEXT_COLUMNS = ['rowid', 'title', 'description'] as const;

/** Every table and column a search may name. */
const SEARCH_TABLES = {
  plynx_graph: [...DOCUMENT_COLUMNS, 'graph_running_status'],
  plynx_node: [...DOCUMENT_COLUMNS, 'node_status', 'base_node_name', 'starred'],
  plynx_graph_text: TEXT_COLUMNS,
  plynx_node_text: TEXT_COLUMNS,
} as const;

/** The searchable tables and the FTS5 table that indexes each one's text on SQLite. */
export const TEXT_INDEXES = { plynx_graph: 'plynx_graph_text', plynx_node: 'plynx_node_text' } as const;
export type SearchableTable = keyof typeof TEXT_INDEXES;
export type SearchSql = Sql<typeof SEARCH_TABLES>;
type ColumnOfTable<N extends SearchableTable> = (typeof SEARCH_TABLES)[N][number];

/** Raw SQL on `db`: on the driver path unless `db` is a Prisma transaction, whose statements must stay in it. */
export function searchSql(db: Db | DbTx, provider: 'sqlite' | 'postgresql'): SearchSql {
  const client: SqlClient = '$connect' in db ? sqlClientFor(db) : db;
  return new Sql(client, provider, SEARCH_TABLES);
}

export interface SearchPageQuery<N extends SearchableTable> {
  table: N;
  /** ANDed; none means every row. */
  conditions: Fragment[];
  /** Sort keys in order; `id` in the same direction as the last one is appended to break ties. */
  orderBy: Array<[ColumnOfTable<N>, SortDirection]>;
  page: Page;
}

export interface DocumentRow {
  document: string;
  author_name: string | null;
  insertion_date: Date;
  update_date: Date;
}

export async function searchPage<N extends SearchableTable>(q: SearchSql, query: SearchPageQuery<N>): Promise<{ rows: DocumentRow[]; total: number }> {
  const { table, conditions, page } = query;
  const where = conditions.length ? sql`WHERE ${join(conditions, ' AND ')}` : empty;
  const last = query.orderBy.at(-1)?.[1] ?? 'desc';
  const keys: Array<[ColumnOfTable<N>, SortDirection]> = query.orderBy.some(([c]) => c === 'id') ? query.orderBy : [...query.orderBy, ['id', last]];
  const order = (alias?: string) => join(keys.map(([c, dir]) => sql`${q.column(table, c, alias)} ${dir === 'asc' ? sql`ASC` : sql`DESC`}`));
  const from = q.table(table);
  const [rows, [count]] = await Promise.all([
    q.query<DocumentRow>(sql`
      SELECT d."document", d."author_name", d."insertion_date", d."update_date"
      FROM (SELECT "id" FROM ${from} ${where} ORDER BY ${order()} LIMIT ${page.perPage} OFFSET ${page.offset}) AS p
      JOIN ${from} AS d ON d."id" = p."id"
      ORDER BY ${order('d')}`),
    q.query<{ n: number | bigint }>(sql`SELECT COUNT(*) AS n FROM ${from} ${where}`),
  ]);
  return { rows, total: Number(count!.n) };
}
