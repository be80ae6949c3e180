// A separate client process for the cycle benchmark: claims a batch, starts and completes each job, until
// the workflow is complete or time runs out. Prints {cycles, startedAt, endedAt, cpuMs} as one JSON line.
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';

const [url, workflow, node, seconds, mode = 'per-job'] = process.argv.slice(2);
const client = createPipeloomClient({ baseUrl: url! });
// Jobs per claim_jobs / complete_jobs call in batch mode.
const BATCH = Number(process.env.PIPELOOM_BENCH_BATCH ?? 250);
const deadline = Date.now() + Number(seconds) * 1000;
let cycles = 0;
// Timed from the first call, so process start-up does not count (neither in time nor in CPU).
const startedAt = Date.now();
const cpuAtStart = process.cpuUsage();
// Batched extension: one call claims and starts up to 100 jobs, one call completes them all.
while (mode === 'batch' && Date.now() < deadline) {
  const { jobs } = await unwrap(client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: workflow! } }, body: { compute_node_key: node!, run_id: 1, limit: BATCH } }));
  if (jobs.length === 0) {
    const done = await unwrap(client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: workflow! } } }));
    if (done.is_complete) break;
    await new Promise((r) => setTimeout(r, 5));
    continue;
  }
  const completionTime = new Date().toISOString();
  await unwrap(client.POST('/torc-service/workflows/{key}/complete_jobs', {
    params: { path: { key: workflow! } },
    body: { compute_node_key: node!, run_id: 1, completions: jobs.map((j) => ({ job_key: j._key!, rev: j._rev!, status: 'done' as const, result: { job_key: j._key!, run_id: 1, return_code: 0, exec_time_minutes: 0, completion_time: completionTime, status: 'done' } })) },
  }));
  cycles += jobs.length;
}
while (mode === 'per-job' && Date.now() < deadline) {
  const { jobs } = await unwrap(client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key: workflow! }, query: { limit: 20 } }, body: {} }));
  if (jobs.length === 0) {
    const done = await unwrap(client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: workflow! } } }));
    if (done.is_complete) break;
    await new Promise((r) => setTimeout(r, 5));
    continue;
  }
  for (const job of jobs) {
    const started = await unwrap(client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/start_job/{rev}/{run_id}/{compute_node_key}', { params: { path: { workflow: workflow!, key: job._key!, rev: job._rev!, run_id: 1, compute_node_key: node! } }, body: {} }));
    await unwrap(client.POST('/torc-service/workflows/{workflow}/jobs/{key}/complete_job/{status}/{rev}/{run_id}/{compute_node_key}', {
      params: { path: { workflow: workflow!, key: started._key!, status: 'done', rev: started._rev!, run_id: 1, compute_node_key: node! } },
      body: { job_key: started._key!, run_id: 1, return_code: 0, exec_time_minutes: 0, completion_time: new Date().toISOString(), status: 'done' },
    }));
    cycles++;
  }
}
const cpu = process.cpuUsage(cpuAtStart);
process.stdout.write(`${JSON.stringify({ cycles, startedAt, endedAt: Date.now(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
