// The only code that reads and writes PLynx runs: which engine run a graph is, what workers reported for
// each node, and the node cache. Output and log maps are stored as JSON text (name → resource id).
import type { Db } from '../../db/client.ts';
import type { DbTx } from '../../db/transaction.ts';

/** Output or log name → resource id. */
export type ResourceMap = Record<string, string>;

/** The states a worker reports for a node. */
export type RunNodeState = 'RUNNING' | 'SUCCESS' | 'FAILED' | 'CANCELED' | 'RESTORED';

export interface PlynxRunRecord {
  graphId: string;
  workflowKey: string;
  queue: string;
  startedAt: Date;
  finishedAt: Date | null;
}

export interface RunNodeRecord {
  nodeId: string;
  state: RunNodeState;
  outputs: ResourceMap;
  logs: ResourceMap;
  cacheUrl: string;
}

export interface CacheEntry {
  outputs: ResourceMap;
  logs: ResourceMap;
  cacheUrl: string;
}

const parseMap = (text: string): ResourceMap => JSON.parse(text) as ResourceMap;

export function runRepository(db: Db | DbTx) {
  return {
    async create(run: Omit<PlynxRunRecord, 'finishedAt'>): Promise<void> {
      await db.plynxRun.create({ data: run });
    },

    find(graphId: string): Promise<PlynxRunRecord | null> {
      return db.plynxRun.findUnique({ where: { graphId } });
    },

    /** Runs by workflow key, for the keys that are PLynx runs. */
    async findByWorkflowKeys(keys: string[]): Promise<Map<string, PlynxRunRecord>> {
      if (!keys.length) return new Map();
      const rows = await db.plynxRun.findMany({ where: { workflowKey: { in: [...new Set(keys)] } } });
      return new Map(rows.map((r) => [r.workflowKey, r]));
    },

    /** Marks the run finished; false when another caller did it first. */
    async markFinished(graphId: string, at: Date): Promise<boolean> {
      const { count } = await db.plynxRun.updateMany({ where: { graphId, finishedAt: null }, data: { finishedAt: at } });
      return count === 1;
    },

    /**
     * When the graph's document was last written: the key its parsed copy is kept under while it runs
     * (a cheap read of one column, where the document itself is large).
     */
    async graphUpdateDate(graphId: string): Promise<Date | null> {
      const row = await db.plynxGraph.findUnique({ where: { id: graphId }, select: { updateDate: true } });
      return row?.updateDate ?? null;
    },

    /** What workers reported for the nodes of the graph; only for `nodeIds` when given. */
    async nodes(graphId: string, nodeIds?: readonly string[]): Promise<Map<string, RunNodeRecord>> {
      if (nodeIds && !nodeIds.length) return new Map();
      const where = nodeIds ? { graphId, nodeId: { in: [...new Set(nodeIds)] } } : { graphId };
      const rows = await db.plynxRunNode.findMany({ where });
      return new Map(rows.map((r) => [r.nodeId, {
        nodeId: r.nodeId, state: r.state as RunNodeState, outputs: parseMap(r.outputs), logs: parseMap(r.logs), cacheUrl: r.cacheUrl,
      }]));
    },

    async node(graphId: string, nodeId: string): Promise<RunNodeRecord | null> {
      const r = await db.plynxRunNode.findUnique({ where: { graphId_nodeId: { graphId, nodeId } } });
      return r ? { nodeId, state: r.state as RunNodeState, outputs: parseMap(r.outputs), logs: parseMap(r.logs), cacheUrl: r.cacheUrl } : null;
    },

    async saveNode(graphId: string, record: RunNodeRecord, now: Date): Promise<void> {
      const columns = { state: record.state, outputs: JSON.stringify(record.outputs), logs: JSON.stringify(record.logs), cacheUrl: record.cacheUrl, updatedAt: now };
      await db.plynxRunNode.upsert({
        where: { graphId_nodeId: { graphId, nodeId: record.nodeId } },
        create: { graphId, nodeId: record.nodeId, ...columns },
        update: columns,
      });
    },

    async cached(key: string): Promise<CacheEntry | null> {
      const r = await db.plynxNodeCache.findUnique({ where: { key } });
      return r ? { outputs: parseMap(r.outputs), logs: parseMap(r.logs), cacheUrl: r.cacheUrl } : null;
    },

    /** Stores (or replaces) the cache entry of `key`. */
    async cache(key: string, entry: CacheEntry, now: Date): Promise<void> {
      const columns = { outputs: JSON.stringify(entry.outputs), logs: JSON.stringify(entry.logs), cacheUrl: entry.cacheUrl, insertionDate: now };
      await db.plynxNodeCache.upsert({ where: { key }, create: { key, ...columns }, update: columns });
    },
  };
}

export type RunRepository = ReturnType<typeof runRepository>;
