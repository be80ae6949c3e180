// The workers of PLynx runs as master_state shows them: what each is running (graph and node, from the
// engine's claimed jobs) and how many jobs it finished since the previous snapshot.
import type { RunEngine } from '../../engine/run-engine.ts';
import type { GraphRepository } from '../graphs/graph-repository.ts';
import type { WorkerState } from '../session/master-state-service.ts';
import type { GraphRuns } from './graph-runs.ts';
import type { RunRepository } from './run-repository.ts';
import { PLYNX_OWNER } from './run-spec.ts';

export interface RunWorkersDeps {
  engine: RunEngine;
  runs: RunRepository;
  graphs: GraphRepository;
  graphRuns: GraphRuns;
}

/** Lists the workers of PLynx runs, with the jobs they finished since `since`. */
export function runWorkers({ engine, runs, graphs, graphRuns }: RunWorkersDeps) {
  return async (since: Date): Promise<WorkerState[]> => {
    const workers = await engine.workers(PLYNX_OWNER, since);
    const byKey = await runs.findByWorkflowKeys(workers.flatMap((w) => w.running.map((r) => r.workflowKey)));
    return Promise.all(workers.map(async (worker): Promise<WorkerState> => {
      const job = worker.running.find((r) => byKey.has(r.workflowKey));
      const graphId = job ? byKey.get(job.workflowKey)!.graphId : null;
      const stored = graphId ? await graphs.find(graphId) : null;
      const node = stored && job ? (await graphRuns.current(stored)).nodes.find((n) => n._id === job.jobName) : undefined;
      return {
        _id: worker.workerId,
        worker_id: worker.workerId,
        host: worker.host,
        graph_id: graphId,
        node: node ? { ...node, node_running_status: 'RUNNING' } : null,
        num_finished_jobs: worker.finishedSince,
      };
    }));
  };
}
