// Torc part 1 targets (issue 4): creating big workflows through the API, bulk job inserts, and paging a
// large job list. Each figure is printed with its goal and the anchor it is measured against.
import { createPipeloomClient, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import { fmt } from './lib.ts';

const TORC_RUST_22K_SECONDS = 6; // Torc's Rust rewrite reports ~6 s for the 22,000 files + 22,000 jobs workflow.

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

/** 22,000 files and 22,000 jobs; job i needs file i and produces file i+1 (a chain through files). */
export function chainSpecification(n: number) {
  return {
    name: `chain-${n}`,
    user: 'bench',
    files: Array.from({ length: n }, (_, i) => ({ name: `f${i}`, path: `/data/f${i}` })),
    jobs: Array.from({ length: n }, (_, i) => ({
      name: `j${i}`,
      command: `process f${i}`,
      input_files: i === 0 ? [] : [`f${i - 1}`],
      output_files: [`f${i}`],
    })),
  };
}

async function bulkJobs(client: PipeloomClient, workflow: string, count: number, prefix: string) {
  const jobs = Array.from({ length: count }, (_, i) => ({ name: `${prefix}${i}`, command: `run ${i}` }));
  await unwrap(client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow } }, body: { jobs } }));
}

export async function benchTorcData(baseUrl: string): Promise<void> {
  const client = createPipeloomClient({ baseUrl });

  // 1. A whole workflow from one specification.
  const spec = chainSpecification(22_000);
  const [created, specSeconds] = await timed(() => unwrap(client.POST('/torc-service/workflow_specifications', { body: spec as never })));
  console.log('POST /workflow_specifications, 22,000 files + 22,000 jobs (each needs the previous job\'s output)');
  console.log(`  pipeloom: ${fmt(specSeconds, 2)} s   goal <= 1 s   anchor: Torc-Rust ~${TORC_RUST_22K_SECONDS} s   ratio to anchor: ${fmt(specSeconds / TORC_RUST_22K_SECONDS, 3)}`);
  void created;

  // 2. bulk_jobs with 10,000 jobs.
  const wf = await unwrap(client.POST('/torc-service/workflows', { body: { user: 'bench', name: 'bulk' } }));
  await bulkJobs(client, wf._key!, 1_000, 'warm'); // warm the route and the statements
  const [, bulkSeconds] = await timed(() => bulkJobs(client, wf._key!, 10_000, 'b'));
  console.log('POST /bulk_jobs with 10,000 jobs');
  console.log(`  pipeloom: ${fmt(10_000 / bulkSeconds)} jobs/s (${fmt(bulkSeconds, 2)} s)`);

  // 3. One page of 10,000 jobs from a 100,000-job workflow.
  const big = await unwrap(client.POST('/torc-service/workflows', { body: { user: 'bench', name: 'big' } }));
  for (let i = 0; i < 10; i++) await bulkJobs(client, big._key!, 10_000, `p${i}-`);
  const page = () => unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: big._key! }, query: { skip: 50_000, limit: 10_000 } } }));
  await page();
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) runs.push((await timed(page))[1]);
  runs.sort((a, b) => a - b);
  console.log('GET /jobs?skip=50000&limit=10000 on a 100,000-job workflow (median of 5)');
  console.log(`  pipeloom: ${fmt(runs[2]! * 1000)} ms`);
}
