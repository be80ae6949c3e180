// Pipeloom's batched lifecycle extension: claim_jobs hands out and starts many jobs at once, complete_jobs
// completes many in one transaction, with the same rules as start_job and complete_job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Job = components['schemas']['job_model'];

describe.each(PROVIDERS)('batched lifecycle extension on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  async function workflow(jobs: components['schemas']['job_model'][]) {
    const key = (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'batch' } })))._key!;
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    const node = (await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'n', pid: 1, start_time: 'now', resources: { num_cpus: 8, memory_gb: 8 } } })))._key!;
    const created = (await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: key } }, body: { jobs } }))).items!;
    await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
    return { key, node, created };
  }
  const claimJobs = (key: string, body: components['schemas']['claim_jobs_request']) =>
    unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key } }, body }));
  const completion = (job: Job, returnCode = 0): components['schemas']['job_completion'] => ({
    job_key: job._key!, rev: job._rev!, status: 'done',
    result: { job_key: job._key!, run_id: 1, return_code: returnCode, exec_time_minutes: 0.1, completion_time: new Date().toISOString(), status: 'done' },
  });

  it('When a worker claims with claim_jobs, then the jobs are running on its node, with executed edges and start events', async () => {
    const w = await workflow(Array.from({ length: 5 }, (_, i) => ({ name: `j${i}`, command: 'true' })));
    const { jobs, reason } = await claimJobs(w.key, { compute_node_key: w.node, run_id: 1, limit: 3 });
    expect(reason).toBe('');
    expect(jobs.map((j) => j.status)).toEqual(['submitted', 'submitted', 'submitted']);
    const executed = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w.key, name: 'executed' } } }));
    expect(executed.items!.map((e) => e._to).sort()).toEqual(jobs.map((j) => j._id).sort());
    expect(executed.items![0]!.data).toEqual({ run_id: 1 });
    const events = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: w.key }, query: { category: 'job' } } }));
    expect(events.total_count).toBe(3);
  });

  it('When claim_jobs carries the worker\'s free resources, then it packs them like prepare_jobs_for_submission', async () => {
    const w = await workflow(Array.from({ length: 10 }, (_, i) => ({ name: `j${i}`, command: 'true' })));
    const { jobs } = await claimJobs(w.key, { compute_node_key: w.node, run_id: 1, limit: 100, resources: { num_cpus: 4, memory_gb: 1 } });
    expect(jobs).toHaveLength(4);
  });

  it('When complete_jobs reports a batch, then every job completes, results are stored and children are released at once', async () => {
    const w = await workflow([{ name: 'a', command: 'true' }, { name: 'b', command: 'true' }]);
    const [a, b] = w.created;
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: w.key } }, body: { jobs: [{ name: 'child', command: 'true', blocked_by: [a!._id!, b!._id!] }] } }));
    await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key: w.key } }, body: {} }));
    const { jobs } = await claimJobs(w.key, { compute_node_key: w.node, run_id: 1, limit: 10 });
    expect(jobs.map((j) => j.name).sort()).toEqual(['a', 'b']);

    const done = await unwrap(t.client.POST('/torc-service/workflows/{key}/complete_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: w.node, run_id: 1, completions: jobs.map((j) => completion(j)) } }));

    expect(done.jobs.map((j) => [j.name, j.status])).toEqual(jobs.map((j) => [j.name, 'done']));
    const list = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w.key }, query: { name: 'child' } } }));
    expect(list.items![0]!.status).toBe('ready');
    const results = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow: w.key } } }));
    expect(results.total_count).toBe(2);
  });

  it('When one completion in a batch has a stale _rev, then the call answers 409 and nothing is written', async () => {
    const w = await workflow([{ name: 'a', command: 'true' }, { name: 'b', command: 'true' }]);
    const { jobs } = await claimJobs(w.key, { compute_node_key: w.node, run_id: 1, limit: 10 });
    const stale = { ...completion(jobs[1]!), rev: '1' };
    const r = await t.client.POST('/torc-service/workflows/{key}/complete_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: w.node, run_id: 1, completions: [completion(jobs[0]!), stale] } });
    expect(r.response.status).toBe(409);
    const statuses = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w.key } } }))).items!.map((j) => j.status);
    expect(statuses).toEqual(['submitted', 'submitted']);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow: w.key } } }))).total_count).toBe(0);
  });

  it('When the run or the node is wrong, or a job is named twice, then the call is refused', async () => {
    const w = await workflow([{ name: 'a', command: 'true' }]);
    const wrongRun = await t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: w.node, run_id: 9 } });
    expect(wrongRun.response.status).toBe(400);
    const noNode = await t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: '99999', run_id: 1 } });
    expect(noNode.response.status).toBe(404);
    const { jobs } = await claimJobs(w.key, { compute_node_key: w.node, run_id: 1 });
    const twice = await t.client.POST('/torc-service/workflows/{key}/complete_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: w.node, run_id: 1, completions: [completion(jobs[0]!), completion(jobs[0]!)] } });
    expect(twice.response.status).toBe(400);
  });

  it('When 8 callers use claim_jobs at once, then no job is handed out twice', async () => {
    const w = await workflow(Array.from({ length: 100 }, (_, i) => ({ name: `j${i}`, command: 'true' })));
    const got = await Promise.all(Array.from({ length: 8 }, (_, i) => claimJobs(w.key, { compute_node_key: w.node, run_id: 1, limit: 20, ...(i % 2 ? { resources: { num_cpus: 20, memory_gb: 10 } } : {}) })));
    const keys = got.flatMap((g) => g.jobs.map((j) => j._key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.length).toBe(100);
  });
});
