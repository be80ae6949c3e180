// A TEST DOUBLE of the run engine: runs kept in memory, with the lifecycle rules PLynx relies on (a job is
// ready once its dependencies succeeded, canceled when one of them failed; cancelling a run cancels every
// job that has not ended). The test drives claims and completions itself. The end-to-end suite
// (execution.test.ts) uses the real engine; this one lets the services be tested on their own.
import type { CancelListener, RunEngine, RunJobState, RunSpec, RunWorker } from '../../packages/server/src/engine/run-engine.ts';

interface Run {
  spec: RunSpec;
  canceled: boolean;
  jobs: Map<string, RunJobState & { after: string[]; worker: string | null }>;
}

export class RunEngineDouble implements RunEngine {
  readonly runs = new Map<string, Run>();
  private finished: { worker: string; at: Date }[] = [];
  private next = 1;
  /** Set to make the next startRun throw, as a failing database write would. */
  failNextStart = false;

  async startRun(_tx: unknown, spec: RunSpec) {
    if (this.failNextStart) {
      this.failNextStart = false;
      throw new Error('engine unavailable');
    }
    const workflowKey = String(this.next++);
    const jobs = new Map(spec.jobs.map((j) => [j.name, { name: j.name, status: j.after.length ? 'blocked' as const : 'ready' as const, returnCode: null, computeNodeKey: null, after: j.after, worker: null }]));
    this.runs.set(workflowKey, { spec, canceled: false, jobs });
    return { workflowKey };
  }

  async runState(workflowKey: string) {
    const run = this.runs.get(workflowKey);
    return run ? { canceled: run.canceled, jobs: [...run.jobs.values()].map(({ name, status, returnCode, computeNodeKey }) => ({ name, status, returnCode, computeNodeKey })) } : null;
  }

  async mayRun(workflowKey: string, user: string) {
    const spec = this.runs.get(workflowKey)?.spec;
    return spec !== undefined && (spec.user === user || (spec.runners ?? []).includes(user));
  }

  async isClaimed(workflowKey: string, jobName: string) {
    const status = this.runs.get(workflowKey)?.jobs.get(jobName)?.status;
    return status === 'submitted' || status === 'submitted_pending';
  }

  private readonly cancelListeners = new Map<string, CancelListener>();

  async cancelRun(tx: unknown, workflowKey: string) {
    const run = this.runs.get(workflowKey);
    if (!run) return;
    const open = [...run.jobs.values()].filter((job) => !['done', 'canceled', 'terminated'].includes(job.status));
    if (!open.length) return;
    run.canceled = true;
    for (const job of open) job.status = 'canceled';
    await this.cancelListeners.get(run.spec.owner)?.(tx as never, { workflowKey, jobNames: [...run.jobs.keys()] });
  }

  onCancel(owner: string, listener: CancelListener) {
    this.cancelListeners.set(owner, listener);
  }

  async workers(owner: string, since: Date): Promise<RunWorker[]> {
    const byWorker = new Map<string, RunWorker>();
    const worker = (id: string) => byWorker.get(id) ?? byWorker.set(id, { workerId: id, host: id, running: [], finishedSince: 0 }).get(id)!;
    for (const [key, run] of this.runs) {
      if (run.spec.owner !== owner) continue;
      for (const job of run.jobs.values()) if (job.worker && job.status === 'submitted') worker(job.worker).running.push({ workflowKey: key, jobName: job.name });
    }
    for (const f of this.finished) if (f.at >= since) worker(f.worker).finishedSince++;
    return [...byWorker.values()];
  }

  /** A worker claims every ready job; answers them as [workflowKey, jobName]. */
  claim(worker: string): Array<[string, string]> {
    const got: Array<[string, string]> = [];
    for (const [key, run] of this.runs) {
      if (run.canceled) continue;
      for (const job of run.jobs.values()) {
        if (job.status !== 'ready') continue;
        job.status = 'submitted';
        job.worker = worker;
        got.push([key, job.name]);
      }
    }
    return got;
  }

  /** Completes a claimed job; a failure cancels everything that depends on it. */
  complete(workflowKey: string, jobName: string, returnCode: number, at = new Date()): void {
    const run = this.runs.get(workflowKey)!;
    const job = run.jobs.get(jobName)!;
    if (job.status !== 'submitted') return;
    job.status = 'done';
    job.returnCode = returnCode;
    this.finished.push({ worker: job.worker!, at });
    job.worker = null;
    let changed = true;
    while (changed) {
      changed = false;
      for (const other of run.jobs.values()) {
        if (other.status !== 'blocked') continue;
        const parents = other.after.map((n) => run.jobs.get(n)!);
        if (parents.some((p) => p.status === 'canceled' || (p.status === 'done' && p.returnCode !== 0))) {
          other.status = 'canceled';
          changed = true;
        } else if (parents.every((p) => p.status === 'done')) {
          other.status = 'ready';
          changed = true;
        }
      }
    }
  }
}
