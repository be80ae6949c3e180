// Leases (Pipeloom extension): a claim whose answer was lost, and the jobs of a worker that died, are
// handed out again once their lease expires; a worker that keeps sending heartbeats keeps its jobs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(PROVIDERS)('leases on %s', (provider) => {
  let t: TestServer;
  // The server's lifecycle reads this clock, so the tests move time forward instead of waiting.
  const clock = new ManualClock();
  const elapse = async (ms: number) => clock.advance(ms);
  beforeAll(async () => { t = await startTestServer(provider, { claimLeaseSeconds: 1, nodeLeaseSeconds: 2, clock }); });
  afterAll(async () => { await t?.close(); });

  async function workflow(jobs: number) {
    const key = (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'lease' } })))._key!;
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: key } }, body: { jobs: Array.from({ length: jobs }, (_, i) => ({ name: `j${i}`, command: 'true' })) } }));
    await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
    const node = async (hostname: string) => (await unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname, pid: 1, start_time: 'now', resources: { num_cpus: 1, memory_gb: 1 } } })))._key!;
    return { key, node };
  }
  const heartbeat = (workflow: string, node: string) => unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', { params: { path: { workflow, key: node } }, body: {} }));
  const claimNext = (key: string) => unwrap(t.client.POST('/torc-service/workflows/{key}/prepare_next_jobs_for_submission', { params: { path: { key }, query: { limit: 10 } }, body: {} })).then((r) => r.jobs);

  it('When a claimed job is not started within the claim lease, then it is handed out again', async () => {
    const w = await workflow(1);
    const [first] = await claimNext(w.key);
    expect(await claimNext(w.key)).toEqual([]);
    await elapse(1_300);
    const [again] = await claimNext(w.key);
    expect(again!._key).toBe(first!._key);
    expect(again!._rev).not.toBe(first!._rev);
  });

  it('When a worker stops sending heartbeats, then its running jobs go to another worker and its late completion is refused', async () => {
    const w = await workflow(1);
    const [a, b] = [await w.node('a'), await w.node('b')];
    expect(await heartbeat(w.key, a)).toEqual({ is_canceled: false, claim_lease_seconds: 1, node_lease_seconds: 2 });
    const [job] = (await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: a, run_id: 1 } }))).jobs;
    expect(job!.status).toBe('submitted');

    await elapse(2_300);
    const [rescued] = (await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: b, run_id: 1 } }))).jobs;

    expect(rescued!._key).toBe(job!._key);
    const nodeA = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow: w.key, key: a } } }));
    expect(nodeA.is_active).toBe(false);
    const late = await t.client.POST('/torc-service/workflows/{key}/complete_jobs', {
      params: { path: { key: w.key } },
      body: { compute_node_key: a, run_id: 1, completions: [{ job_key: job!._key!, rev: job!._rev!, status: 'done', result: { job_key: job!._key!, run_id: 1, return_code: 0, exec_time_minutes: 0, completion_time: 'now', status: 'done' } }] },
    });
    expect(late.response.status).toBe(409);
  });

  it('When a claim_jobs answer never reached the worker, then its heartbeat (listing what it runs) hands those jobs out again', async () => {
    const w = await workflow(2);
    const a = await w.node('a');
    const jobs = (await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: a, run_id: 1 } }))).jobs;
    expect(jobs).toHaveLength(2);
    await elapse(1_300);
    // The worker only knows about the first job: the second was in an answer it lost.
    await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', { params: { path: { workflow: w.key, key: a } }, body: { running_job_keys: [jobs[0]!._key!] } }));
    const list = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w.key } } }))).items!;
    expect(list.map((j) => [j._key, j.status])).toEqual([[jobs[0]!._key, 'submitted'], [jobs[1]!._key, 'ready']]);
  });

  it('When a worker set inactive sends a heartbeat the same instant, then it is active again', async () => {
    const w = await workflow(1);
    const a = await w.node('a');
    await heartbeat(w.key, a);
    const node = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow: w.key, key: a } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow: w.key, key: a } }, body: { ...node, is_active: false } }));
    // Contact within the second is not written again, but reactivating is.
    await heartbeat(w.key, a);
    const after = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow: w.key, key: a } } }));
    expect(after.is_active).toBe(true);
  });

  it('When a worker keeps sending heartbeats, then its long-running jobs stay with it', async () => {
    const w = await workflow(1);
    const a = await w.node('a');
    await heartbeat(w.key, a);
    const [job] = (await unwrap(t.client.POST('/torc-service/workflows/{key}/claim_jobs', { params: { path: { key: w.key } }, body: { compute_node_key: a, run_id: 1 } }))).jobs;
    for (let i = 0; i < 3; i++) {
      await elapse(900);
      await heartbeat(w.key, a);
    }
    expect(await claimNext(w.key)).toEqual([]);
    const still = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w.key, key: job!._key! } } }));
    expect(still.status).toBe('submitted');
  });
});
