// Packing jobs into a worker's free resources (semantics.md §4), without a database.
import { describe, expect, it } from 'vitest';
import { packJobs, type Candidate } from '../../packages/server/src/torc/lifecycle/claim-packing.ts';

const GIB = 1024 ** 3;
const job = (id: number, cpus: number, gib: number, gpus = 0): Candidate => ({ id, cpus, gpus, bytes: gib * GIB });

describe('packJobs', () => {
  it('When 30 jobs need 4 CPUs and 4 GiB, then a 36-CPU/92 GiB worker takes 9 and a 200-CPU/82 GiB worker takes 20 (Torc\'s numbers)', () => {
    const jobs = Array.from({ length: 30 }, (_, i) => job(i + 1, 4, 4));
    expect(packJobs(jobs, { cpus: 36, gpus: 0, bytes: 92 * GIB })).toHaveLength(9);
    expect(packJobs(jobs, { cpus: 200, gpus: 0, bytes: 82 * GIB })).toHaveLength(20);
  });

  it('When a job does not fit what is left, then it is skipped and later smaller jobs are still taken, in candidate order', () => {
    const jobs = [job(3, 4, 1), job(1, 8, 1), job(2, 2, 1), job(4, 2, 1)];
    expect(packJobs(jobs, { cpus: 8, gpus: 0, bytes: 64 * GIB })).toEqual([3, 2, 4]);
  });

  it('When the GPUs run out, then packing goes on with jobs that need none; when CPUs or memory run out, it stops', () => {
    const jobs = [job(1, 1, 1, 1), job(2, 1, 1, 1), job(3, 1, 1), job(4, 1, 1)];
    expect(packJobs(jobs, { cpus: 8, gpus: 1, bytes: 8 * GIB })).toEqual([1, 3, 4]);
    expect(packJobs(jobs, { cpus: 2, gpus: 2, bytes: 8 * GIB })).toEqual([1, 2]);
    expect(packJobs(jobs, { cpus: 8, gpus: 2, bytes: 0 })).toEqual([]);
  });

  it('When there are no candidates, then nothing is taken', () => {
    expect(packJobs([], { cpus: 8, gpus: 0, bytes: GIB })).toEqual([]);
  });
});
