// The parsed documents of running graphs, for the worker's start/progress/finish calls: without it every
// call would read and parse the whole document (hundreds of KB for a large graph) to find one node.
// While a graph runs its document does not change (editing answers 409; the final status is written once,
// in the transaction that marks the run finished), yet several servers may share one database, so an entry
// is served only while the run is unfinished and the stored update date still matches the one it was read
// with. Entries are never changed after they are stored: callers copy what they return.
import type { GraphDoc, NodeDoc } from '../model/document-types.ts';
import type { PlynxRunRecord } from './run-repository.ts';

export interface RunningGraph {
  graph: GraphDoc;
  /** Node id → node. */
  nodes: ReadonlyMap<string, NodeDoc>;
}

interface Entry extends RunningGraph {
  updateDate: number;
  workflowKey: string;
}

/** A few graphs run at once; the bound keeps large documents from piling up. */
const DEFAULT_CAPACITY = 8;

export function runningGraphs(capacity = DEFAULT_CAPACITY) {
  const entries = new Map<string, Entry>();

  return {
    /** The graph read at `updateDate` for the (unfinished) `run`, when it was stored. */
    get(run: PlynxRunRecord, updateDate: Date): RunningGraph | null {
      const entry = entries.get(run.graphId);
      if (!entry) return null;
      if (run.finishedAt || entry.workflowKey !== run.workflowKey || entry.updateDate !== updateDate.getTime()) {
        entries.delete(run.graphId);
        return null;
      }
      // Most recently used last, so that the first key is the one to evict.
      entries.delete(run.graphId);
      entries.set(run.graphId, entry);
      return entry;
    },

    /** Remembers a graph of a run that had not finished when the graph was read; answers it indexed. */
    put(run: PlynxRunRecord, graph: GraphDoc, updateDate: Date): RunningGraph {
      const found: RunningGraph = { graph, nodes: new Map(graph.nodes.map((n) => [n._id, n])) };
      if (run.finishedAt) return found;
      entries.delete(run.graphId);
      entries.set(run.graphId, { ...found, updateDate: updateDate.getTime(), workflowKey: run.workflowKey });
      while (entries.size > capacity) entries.delete(entries.keys().next().value!);
      return found;
    },
  };
}

export type RunningGraphs = ReturnType<typeof runningGraphs>;
