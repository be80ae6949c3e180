// The only code that reads and writes PLynx graphs. A graph row holds the whole document as JSON text and
// copies of the fields searches filter and sort on, written together.
import type { Db } from '../../db/client.ts';
import type { DbTx } from '../../db/transaction.ts';
import type { GraphDoc } from '../model/document-types.ts';
import type { GraphRunningStatus } from '../model/types.ts';
import type { Page, SortDirection, TextSearch } from '../search/search-query.ts';
import { textFilter } from '../search/text-filter.ts';

export interface StoredGraph {
  graph: GraphDoc;
  authorName: string | null;
  insertionDate: Date;
  updateDate: Date;
}

/** Columns a graph search may sort on, by the document field name PLynx clients use. */
export const GRAPH_SORT_FIELDS = {
  insertion_date: 'insertionDate',
  update_date: 'updateDate',
  title: 'title',
  description: 'description',
  graph_running_status: 'graphRunningStatus',
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
  id: string;
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
      const where = {
        ...(query.authorName !== undefined ? { authorName: query.authorName } : {}),
        ...(query.statuses.length ? { graphRunningStatus: { in: query.statuses } } : {}),
        ...textFilter(query.text, provider),
      };
      const [rows, total] = await Promise.all([
        db.plynxGraph.findMany({
          where,
          orderBy: [{ [GRAPH_SORT_FIELDS[query.sortBy]]: query.direction }, { id: query.direction }],
          skip: query.page.offset,
          take: query.page.perPage,
        }),
        db.plynxGraph.count({ where }),
      ]);
      return { items: rows.map(toStored), total };
    },

    async addCancellation(graphId: string): Promise<void> {
      await db.plynxGraphCancellation.create({ data: { graphId } });
    },
  };
}

export type GraphRepository = ReturnType<typeof graphRepository>;
