// What a job's outcome depends on (semantics.md §5): its command and the revisions of the files and user
// data it reads or writes. complete_job stores the hash; change detection recomputes it to find done jobs
// whose inputs changed. One definition serves both.
import type { JobGraphRepository } from './job-graph-repository.ts';
import type { JobRow } from './job-wire.ts';

/** Torc's 32-bit string hash (Java's String.hashCode), made non-negative. */
export function stringHash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h >>> 0;
}

export interface JobInput {
  edge: string;
  inputId: number;
  rev: number;
}

/** The hash of one job from its inputs; the order the inputs come in does not matter. */
export function inputsHash(job: Pick<JobRow, 'command' | 'invocation_script'>, inputs: readonly JobInput[]): number {
  const sorted = [...inputs].sort((a, b) => a.edge.localeCompare(b.edge) || a.inputId - b.inputId);
  const of = (edge: string) => sorted.filter((i) => i.edge === edge).map((i) => ({ key: String(i.inputId), rev: String(i.rev) }));
  return stringHash(JSON.stringify({
    command: job.command, invocation_script: job.invocation_script ?? null,
    consumes: of('consumes'), stores: of('stores'), needs: of('needs'),
  }));
}

export class InputHasher {
  constructor(private readonly jobs: JobGraphRepository) {}

  /** inputsHash for many jobs, with one query per 10,000 jobs. */
  async hashes(jobs: readonly JobRow[]): Promise<Map<number, number>> {
    const byJob = new Map<number, JobInput[]>();
    for (const input of await this.jobs.jobInputs(jobs.map((j) => j.id))) {
      const list = byJob.get(input.jobId) ?? [];
      list.push(input);
      byJob.set(input.jobId, list);
    }
    return new Map(jobs.map((job) => [job.id, inputsHash(job, byJob.get(job.id) ?? [])]));
  }
}
