// A queue worker process opens one compute node in each workflow it serves; families see the process, so
// the nodes are merged by host and process id.
import type { RunWorker } from '../../engine/run-engine.ts';
import type { FinishedJobRow, OwnedNodeRow, RunningJobRow } from './run-repository.ts';

const workerId = (n: OwnedNodeRow) => `${n.hostname}:${n.pid}`;

export function collectWorkers(nodes: OwnedNodeRow[], running: RunningJobRow[], finished: FinishedJobRow[], sinceMs: number): RunWorker[] {
  const workers = new Map<string, RunWorker>();
  const of = (n: OwnedNodeRow): RunWorker => {
    const id = workerId(n);
    let w = workers.get(id);
    if (!w) workers.set(id, (w = { workerId: id, host: n.hostname, running: [], finishedSince: 0 }));
    return w;
  };
  for (const n of nodes) of(n);
  for (const r of running) of(r).running.push({ workflowKey: String(r.workflowId), jobName: r.jobName });
  for (const f of finished) {
    // completion_time is the worker's clock; one it wrote in a form we cannot read still counts (its node was
    // heard from since `since`, and completing a job is what touched it).
    const at = Date.parse(f.completionTime);
    if (Number.isNaN(at) || at >= sinceMs) of(f).finishedSince += 1;
  }
  return [...workers.values()].sort((a, b) => a.workerId.localeCompare(b.workerId));
}
