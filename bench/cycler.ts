// A separate client process for the cycle benchmark: claims a batch, starts and completes each job, until
// the workflow is complete or time runs out. Prints {cycles, waitedMs} as one JSON line.
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';

const [url, workflow, node, seconds] = process.argv.slice(2);
const client = createPipeloomClient({ baseUrl: url! });
const deadline = Date.now() + Number(seconds) * 1000;
let cycles = 0;
while (Date.now() < deadline) {
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
process.stdout.write(`${JSON.stringify({ cycles })}\n`);
