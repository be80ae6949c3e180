// Which of the candidate jobs a worker takes (semantics.md §4): greedy over the candidates in their sort
// order, a job is taken when its CPUs, GPUs and memory fit what is still free. Pure, so it is tested
// without a database.

export interface Candidate {
  id: number;
  cpus: number;
  gpus: number;
  bytes: number;
}

export interface FreeResources {
  cpus: number;
  gpus: number;
  bytes: number;
}

/**
 * The ids to take, in candidate order. Packing stops once no CPU or no memory is left; GPUs are not a stop
 * criterion (a GPU-less job may still fit after the GPUs run out).
 */
export function packJobs(candidates: readonly Candidate[], free: FreeResources): number[] {
  const take: number[] = [];
  let { cpus, gpus, bytes } = free;
  for (const c of candidates) {
    if (cpus <= 0 || bytes <= 0) break;
    if (c.cpus <= cpus && c.gpus <= gpus && c.bytes <= bytes) {
      take.push(c.id);
      cpus -= c.cpus;
      gpus -= c.gpus;
      bytes -= c.bytes;
    }
  }
  return take;
}
