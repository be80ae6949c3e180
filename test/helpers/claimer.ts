// A separate process that claims jobs until none are left and prints the keys it got, one JSON line.
// Used by the concurrency tests: real processes, not promises in one event loop.
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';

const [url, workflow, mode = 'resources'] = process.argv.slice(2);
const client = createPipeloomClient({ baseUrl: url! });
const keys: string[] = [];
for (let empty = 0; empty < 2;) {
  const jobs = mode === 'next'
    ? (await unwrap(client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: workflow! }, query: { limit: 7 } }, body: {} }))).jobs
    : (await unwrap(client.POST('/torc-service/workflows/{key}/prepare_jobs_for_submission', { params: { path: { key: workflow! }, query: { limit: 7 } }, body: { num_cpus: 7, memory_gb: 64 } }))).jobs;
  if (jobs.length === 0) empty++;
  else empty = 0;
  keys.push(...jobs.map((j) => j._key!));
}
process.stdout.write(`${JSON.stringify(keys)}\n`);
