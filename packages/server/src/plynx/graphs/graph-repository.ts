// The only code that reads and writes PLynx graphs. A graph row holds the whole document as JSON text and
// copies of the fields searches filter and sort on, written together.
import type { Db } from '../../db/client.ts';
import type { DbTx } from '../../db/transaction.ts';
import type { GraphDoc } from '../model/document-types.ts';
import type { GraphRunningStatus } from '../model/types.ts';
import { list, sql } from '../../db/sql.ts';
import type { Page, SortDirection, TextSearch } from '../search/search-query.ts';
import { searchPage, searchSql } from '../search/search-sql.ts';
import { textCondition } from '../search/text-filter.ts';

export interface StoredGraph {
  graph: GraphDoc;
  authorName: string | null;
  insertionDate: Date;
  updateDate: Date;
}

/** Columns a graph search may sort on, by the document field name PLynx clients use. */
export const GRAPH_SORT_FIELDS = {
  insertion_date: 'insertion_date',
  update_date: 'update_date',
  title: 'title',
  description: 'description',
  graph_running_status: 'graph_running_status',
  _id: 'id',
} as const;

export interface GraphSearch {
  authorName?: string;
  statuses: GraphRunningStatus[];
  text: TextSearch;
  sortBy: keyof typeof GRAPH_SORT_FIELDS;
  direction: SortDirection;
  page: Page;
}

interface GraphRow {
  document: string;
  authorName: string | null;
  insertionDate: Date;
  updateDate: Date;
}

const toStored = (row: GraphRow): StoredGraph => ({
  // Documents are stored normalised (parseGraph) and only by this repository.
  graph: JSON.parse(row.document) as GraphDoc,
  authorName: row.authorName,
  insertionDate: row.insertionDate,
  updateDate: row.updateDate,
});

export function graphRepository(db: Db | DbTx, provider: 'sqlite' | 'postgresql') {
  const q = searchSql(db, provider);
  return {
    async find(id: string): Promise<StoredGraph | null> {
      const row = await db.plynxGraph.findUnique({ where: { id } });
      return row ? toStored(row) : null;
    },

    /** Inserts or replaces the graph; the insertion date of an existing graph is kept. */
    async save(graph: GraphDoc, authorName: string | null, now: Date): Promise<StoredGraph> {
      const columns = {
        title: graph.title,
        description: graph.description,
        graphRunningStatus: graph.graph_running_status,
        authorId: graph.author,
        authorName,
        document: JSON.stringify(graph),
        updateDate: now,
      };
      const row = await db.plynxGraph.upsert({
        where: { id: graph._id },
        create: { id: graph._id, ...columns, insertionDate: now },
        update: columns,
      });
      return toStored(row);
    },

    async search(query: GraphSearch): Promise<{ items: StoredGraph[]; total: number }> {
      const text = textCondition(q, 'plynx_graph', query.text);
      const { rows, total } = await searchPage(q, {
        table: 'plynx_graph',
        conditions: [
          ...(query.authorName !== undefined ? [sql`"author_name" = ${query.authorName}`] : []),
          ...(query.statuses.length ? [sql`"graph_running_status" IN (${list(query.statuses)})`] : []),
          ...(text ? [text] : []),
        ],
        orderBy: [[GRAPH_SORT_FIELDS[query.sortBy], query.direction]],
        page: query.page,
      });
      return { items: rows.map((r) => toStored({ document: r.document, authorName: r.author_name, insertionDate: r.insertion_date, updateDate: r.update_date })), total };
    },

    async addCancellation(graphId: string): Promise<void> {
      await db.plynxGraphCancellation.create({ data: { graphId } });
    },
  };
}

export type GraphRepository = ReturnType<typeof graphRepository>;
