// A graph's life as a run of the job lifecycle engine: approving starts the run, reading derives PLynx's
// statuses from it (and writes the final ones into the graph once), cancelling cancels it. Every write that
// goes with a graph write shares its transaction, so nothing is left half-done when one of them fails.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import { runTransaction, type DbTx } from '../../db/transaction.ts';
import type { RunEngine } from '../../engine/run-engine.ts';
import { graphRepository, type StoredGraph } from '../graphs/graph-repository.ts';
import type { GraphDoc } from '../model/document-types.ts';
import { runRepository, type PlynxRunRecord } from './run-repository.ts';
import { runSpec } from './run-spec.ts';
import { FINAL_GRAPH_STATUSES, graphInRun } from './run-status.ts';

export interface GraphRunsDeps {
  db: Db;
  provider: 'sqlite' | 'postgresql';
  engine: RunEngine;
  clock: Clock;
  /** The queue PLynx runs go to. */
  queue: string;
}

/** Statuses of a graph whose run may still change it. */
const LIVE_STATUSES = new Set(['RUNNING', 'FAILED_WAITING']);

export function graphRuns({ db, provider, engine, clock, queue }: GraphRunsDeps) {
  const runs = runRepository(db);

  /** The graph as its run has it now, or null when it has no run or the run's workflow is gone. */
  async function derive(graph: GraphDoc, run: PlynxRunRecord): Promise<GraphDoc | null> {
    const [state, reported] = await Promise.all([engine.runState(run.workflowKey), runs.nodes(graph._id)]);
    return state ? graphInRun(graph, state, reported) : null;
  }

  /** Writes a final graph into its stored document, once (the first reader to see it final does). */
  async function finalize(graph: GraphDoc, authorName: string | null): Promise<void> {
    const now = new Date(clock.now());
    await runTransaction(db, async (tx) => {
      if (await runRepository(tx).markFinished(graph._id, now)) await graphRepository(tx, provider).save(graph, authorName, now);
    });
  }

  return {
    /**
     * Starts the run of a graph just approved, inside the transaction that stores it. Upstream's master
     * picks READY graphs up; here there is no master to wait for, so the graph is RUNNING at once.
     */
    async start(tx: DbTx, graph: GraphDoc, username: string): Promise<void> {
      const { workflowKey } = await engine.startRun(tx, runSpec(graph, username, queue));
      await runRepository(tx).create({ graphId: graph._id, workflowKey, queue, startedAt: new Date(clock.now()) });
    },

    /** The stored graph with its run's statuses; a graph that reached a final status is written once. */
    async current(stored: StoredGraph): Promise<GraphDoc> {
      const graph = stored.graph;
      if (!LIVE_STATUSES.has(graph.graph_running_status)) return graph;
      const run = await runs.find(graph._id);
      if (!run) return graph;
      // Finalized since `stored` was read: the stored document now holds the final state.
      if (run.finishedAt) return (await graphRepository(db, provider).find(graph._id))?.graph ?? graph;
      const derived = await derive(graph, run);
      if (!derived) return graph;
      if (FINAL_GRAPH_STATUSES.has(derived.graph_running_status)) await finalize(derived, stored.authorName);
      return derived;
    },

    /** Cancels the graph's run inside `tx` (the transaction that records the cancellation). */
    async cancel(tx: DbTx, graphId: string): Promise<void> {
      const run = await runRepository(tx).find(graphId);
      if (run) await engine.cancelRun(tx, run.workflowKey);
    },
  };
}

export type GraphRuns = ReturnType<typeof graphRuns>;
