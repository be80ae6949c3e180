// The only code that reads and writes the node library (operations and files). Like graphs, a row holds
// the whole document as JSON text beside the columns searches use.
import type { Db } from '../../db/client.ts';
import type { DbTx } from '../../db/transaction.ts';
import type { NodeDoc } from '../model/document-types.ts';
import type { NodeStatus } from '../model/types.ts';
import { list, sql } from '../../db/sql.ts';
import type { Page, TextSearch } from '../search/search-query.ts';
import { searchPage, searchSql } from '../search/search-sql.ts';
import { textCondition } from '../search/text-filter.ts';

export interface StoredNode {
  node: NodeDoc;
  authorName: string | null;
  insertionDate: Date;
  updateDate: Date;
}

export interface NodeSearch {
  authorName?: string;
  statuses: NodeStatus[];
  baseNodeNames: string[];
  text: TextSearch;
  starredFirst: boolean;
  page: Page;
}

interface NodeRow {
  document: string;
  authorName: string | null;
  insertionDate: Date;
  updateDate: Date;
}

const toStored = (row: NodeRow): StoredNode => ({
  // Documents are stored normalised (parseNode) and only by this repository.
  node: JSON.parse(row.document) as NodeDoc,
  authorName: row.authorName,
  insertionDate: row.insertionDate,
  updateDate: row.updateDate,
});

export function nodeRepository(db: Db | DbTx, provider: 'sqlite' | 'postgresql') {
  const q = searchSql(db, provider);
  return {
    async find(id: string): Promise<StoredNode | null> {
      const row = await db.plynxNode.findUnique({ where: { id } });
      return row ? toStored(row) : null;
    },

    /** The stored nodes among `ids`, by id (for refreshing the statuses of a graph's nodes in one query). */
    async findMany(ids: string[]): Promise<Map<string, StoredNode>> {
      if (!ids.length) return new Map();
      const rows = await db.plynxNode.findMany({ where: { id: { in: ids } } });
      return new Map(rows.map((row) => [row.id, toStored(row)]));
    },

    /** Inserts or replaces the node; the insertion date of an existing node is kept. */
    async save(node: NodeDoc, authorName: string | null, now: Date): Promise<StoredNode> {
      const columns = {
        title: node.title,
        description: node.description,
        baseNodeName: node.base_node_name,
        nodeStatus: node.node_status,
        authorId: node.author,
        authorName,
        starred: node.starred,
        document: JSON.stringify(node),
        updateDate: now,
      };
      const row = await db.plynxNode.upsert({
        where: { id: node._id },
        create: { id: node._id, ...columns, insertionDate: now },
        update: columns,
      });
      return toStored(row);
    },

    async search(query: NodeSearch): Promise<{ items: StoredNode[]; total: number }> {
      const text = textCondition(q, 'plynx_node', query.text);
      const { rows, total } = await searchPage(q, {
        table: 'plynx_node',
        conditions: [
          ...(query.authorName !== undefined ? [sql`"author_name" = ${query.authorName}`] : []),
          ...(query.statuses.length ? [sql`"node_status" IN (${list(query.statuses)})`] : []),
          ...(query.baseNodeNames.length ? [sql`"base_node_name" IN (${list(query.baseNodeNames)})`] : []),
          ...(text ? [text] : []),
        ],
        orderBy: query.starredFirst ? [['starred', 'desc'], ['insertion_date', 'desc']] : [['insertion_date', 'desc']],
        page: query.page,
      });
      return { items: rows.map((r) => toStored({ document: r.document, authorName: r.author_name, insertionDate: r.insertion_date, updateDate: r.update_date })), total };
    },
  };
}

export type NodeRepository = ReturnType<typeof nodeRepository>;
