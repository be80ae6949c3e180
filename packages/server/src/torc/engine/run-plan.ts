// A run checked before anything is written: a queue name workers can name (the contract's pattern), unique
// job names, dependencies on jobs of the same run, and no cycle (a cycle would leave its jobs blocked for
// ever). The answer is the `blocks` edges by job index.
import { AppError } from '../../errors.ts';
import type { RunJobSpec, RunSpec } from '../../engine/run-engine.ts';

// torc.yaml's workflow_model.queue, without the empty name (a run is always on a queue).
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A `blocks` edge between two jobs of the run, by their index in the spec. */
export interface PlannedEdge {
  from: number;
  to: number;
}

export function planRun({ queue, jobs }: Pick<RunSpec, 'queue' | 'jobs'>): PlannedEdge[] {
  if (!QUEUE_NAME.test(queue)) throw new AppError('INVALID_ARGUMENT', `"${queue}" is not a queue name (letters, digits, _ . -, at most 64)`);
  const index = new Map<string, number>();
  jobs.forEach((job, i) => {
    if (index.has(job.name)) throw new AppError('INVALID_ARGUMENT', `the run has two jobs named ${job.name}`);
    index.set(job.name, i);
  });
  const edges: PlannedEdge[] = [];
  jobs.forEach((job, to) => {
    for (const name of new Set(job.after)) {
      const from = index.get(name);
      if (from === undefined) throw new AppError('INVALID_ARGUMENT', `job ${job.name} runs after ${name}, which is not a job of the run`);
      if (from === to) throw new AppError('INVALID_ARGUMENT', `job ${job.name} cannot run after itself`);
      edges.push({ from, to });
    }
  });
  assertAcyclic(jobs, edges);
  return edges;
}

// Kahn's algorithm: whatever is never freed lies on a cycle.
function assertAcyclic(jobs: RunJobSpec[], edges: PlannedEdge[]): void {
  const waiting = jobs.map(() => 0);
  const next = jobs.map((): number[] => []);
  for (const e of edges) {
    waiting[e.to]! += 1;
    next[e.from]!.push(e.to);
  }
  const free = waiting.flatMap((n, i) => (n === 0 ? [i] : []));
  let freed = 0;
  while (free.length) {
    const i = free.pop()!;
    freed += 1;
    for (const j of next[i]!) if (--waiting[j]! === 0) free.push(j);
  }
  if (freed < jobs.length) {
    const stuck = jobs.filter((_, i) => waiting[i]! > 0).map((j) => j.name);
    throw new AppError('INVALID_ARGUMENT', `the run's dependencies form a cycle through ${stuck.join(', ')}`);
  }
}
