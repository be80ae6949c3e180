// Named queues (a Pipeloom extension): workflows carry a `queue`, and claim_queue_jobs hands out the ready
// jobs of every started workflow on a queue to many workers at once, each job exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type ClaimRequest = components['schemas']['claim_queue_jobs_request'];

const worker = (hostname: string): ClaimRequest['worker'] => ({ hostname, pid: 1, start_time: '2026-12-02T00:00:00Z', resources: { num_cpus: 64, memory_gb: 64 } });

describe.each(PROVIDERS)('named queues on %s', (provider) => {
  let t: TestServer;
  let queues = 0;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  /** A fresh queue name per test: the tests share one database. */
  const newQueue = () => `q${++queues}-${provider}`;

  async function workflow(queue: string | undefined, jobs: number, { started = true } = {}) {
    const key = (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'queues', ...(queue ? { queue } : {}) } })))._key!;
    if (started) {
      const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
      await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    }
    const body = { jobs: Array.from({ length: jobs }, (_, i) => ({ name: `w${key}-j${i}`, command: 'true' })) };
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: key } }, body }));
    await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
    return key;
  }

  const claim = (queue: string, body: Partial<ClaimRequest> = {}) =>
    unwrap(t.client.POST('/torc-service/queues/{queue}/claim_jobs', { params: { path: { queue } }, body: { worker: worker('w'), resources: { num_cpus: 64, memory_gb: 64 }, ...body } }));

  it('When a workflow is created or updated with a queue, then it reads back with that queue, and an empty queue takes it off', async () => {
    const created = await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'queues', queue: 'plynx' } }));
    expect(created.queue).toBe('plynx');
    const key = created._key!;
    const moved = await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key } }, body: { user: 'queues', _key: key, _rev: created._rev, queue: 'other' } }));
    expect(moved.queue).toBe('other');
    const kept = await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key } }, body: { user: 'queues', _key: key, _rev: moved._rev, name: 'renamed' } }));
    expect(kept.queue).toBe('other');
    const off = await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key } }, body: { user: 'queues', _key: key, _rev: kept._rev, queue: '' } }));
    expect(off.queue).toBeUndefined();
    const bad = await t.client.POST('/torc-service/workflows', { body: { user: 'queues', queue: 'no spaces' } });
    expect(bad.response.status).toBe(400);
  });

  it('When concurrent workers claim from a queue, then every ready job of its started workflows is handed out exactly once, and nothing of other queues or unstarted workflows', async () => {
    const q = newQueue();
    const a = await workflow(q, 30);
    const b = await workflow(q, 25);
    const other = await workflow(newQueue(), 10);
    const unstarted = await workflow(q, 5, { started: false });
    const offQueue = await workflow(undefined, 5);

    const claimers = Array.from({ length: 6 }, (_, i) => (async () => {
      const got: components['schemas']['queue_job'][] = [];
      const nodes: Record<string, string> = {};
      for (;;) {
        const reply = await claim(q, { worker: worker(`w${i}`), compute_nodes: nodes, limit: 4, ...(i % 2 ? { resources: { num_cpus: 3, memory_gb: 8 } } : {}) });
        if (!reply.jobs.length) return got;
        for (const j of reply.jobs) nodes[j.workflow_key] = j.compute_node_key;
        got.push(...reply.jobs);
      }
    })());
    const all = (await Promise.all(claimers)).flat();

    const ids = all.map((j) => j.job._id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(55);
    expect(new Set(all.map((j) => j.workflow_key))).toEqual(new Set([a, b]));
    for (const j of all) {
      expect(j.job.status).toBe('submitted');
      expect(j.run_id).toBe(1);
      expect(j.job._id).toMatch(new RegExp(`^jobs__${j.workflow_key}/`));
      expect(j.compute_node_id).toBe(`compute_nodes__${j.workflow_key}/${j.compute_node_key}`);
    }
    // Each worker has one compute node per workflow, and each started job an executed edge from it.
    const nodesOfA = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: a } } }));
    expect(new Set(all.filter((j) => j.workflow_key === a).map((j) => j.compute_node_key)).size).toBe(nodesOfA.total_count);
    const executed = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: a, name: 'executed' } } }));
    expect(executed.total_count).toBe(30);
    for (const key of [other, unstarted, offQueue]) {
      const jobs = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } } }));
      expect(jobs.items!.every((j) => j.status === 'ready')).toBe(true);
    }
  });

  it('When a queue has nothing ready, then the answer says why and how many jobs are still unfinished', async () => {
    const q = newQueue();
    const key = await workflow(q, 2);
    const first = await claim(q);
    expect(first.jobs).toHaveLength(2);
    expect(first.unfinished_jobs).toBeUndefined();
    const idle = await claim(q, { compute_nodes: { [key]: first.jobs[0]!.compute_node_key } });
    expect(idle.jobs).toEqual([]);
    expect(idle.reason).not.toBe('');
    expect(idle.unfinished_jobs).toBe(2);

    const done = await unwrap(t.client.POST('/torc-service/workflows/{key}/complete_jobs', {
      params: { path: { key } },
      body: {
        compute_node_key: first.jobs[0]!.compute_node_key, run_id: 1,
        completions: first.jobs.map(({ job }) => ({ job_key: job._key!, rev: job._rev!, status: 'done' as const, result: { job_key: job._key!, run_id: 1, return_code: 0, exec_time_minutes: 0, completion_time: new Date().toISOString(), status: 'done' } })),
      },
    }));
    expect(done.jobs).toHaveLength(2);
    expect((await claim(q)).unfinished_jobs).toBe(0);
    expect((await claim(newQueue())).unfinished_jobs).toBe(0);
  });

  it('When a workflow on the queue is canceled, then its jobs are no longer handed out', async () => {
    const q = newQueue();
    const key = await workflow(q, 3);
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key } } }));
    const reply = await claim(q);
    expect(reply.jobs).toEqual([]);
  });

  it('When a worker names a compute node it has, then that node is reused; a node of another workflow is not', async () => {
    const q = newQueue();
    const a = await workflow(q, 2);
    const b = await workflow(q, 2);
    const first = await claim(q, { limit: 1 });
    const nodeInA = first.jobs[0]!.compute_node_key;
    expect(first.jobs[0]!.workflow_key).toBe(a);
    const again = await claim(q, { limit: 1, compute_nodes: { [a]: nodeInA } });
    expect(again.jobs[0]!.compute_node_key).toBe(nodeInA);
    const wrong = await claim(q, { limit: 2, compute_nodes: { [b]: nodeInA } });
    expect(wrong.jobs.map((j) => j.workflow_key)).toEqual([b, b]);
    const nodesOfB = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: b } } }));
    expect(nodesOfB.items!.map((n) => n._key)).toEqual([wrong.jobs[0]!.compute_node_key]);
  });
});

describe.each(PROVIDERS)('named queues and leases on %s', (provider) => {
  let t: TestServer;
  // The server's lifecycle reads this clock, so the tests move time forward instead of waiting.
  const clock = new ManualClock();
  beforeAll(async () => { t = await startTestServer(provider, { claimLeaseSeconds: 1, nodeLeaseSeconds: 2, clock }); });
  afterAll(async () => { await t?.close(); });

  async function queued(queue: string) {
    const key = (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'queues', queue } })))._key!;
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: key } }, body: { jobs: [{ name: 'only', command: 'true' }] } }));
    await unwrap(t.client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
    return key;
  }
  const claim = (queue: string, hostname: string) =>
    unwrap(t.client.POST('/torc-service/queues/{queue}/claim_jobs', { params: { path: { queue } }, body: { worker: worker(hostname), resources: { num_cpus: 4, memory_gb: 4 } } }));

  it('When a queue worker stops sending heartbeats, then its jobs go to another queue worker; while it sends them, they stay', async () => {
    const silent = `silent-${provider}`;
    await queued(silent);
    const [first] = (await claim(silent, 'a')).jobs;
    expect((await claim(silent, 'b')).jobs).toEqual([]);
    clock.advance(2_500);
    const [again] = (await claim(silent, 'b')).jobs;
    expect(again!.job._key).toBe(first!.job._key);
    expect(again!.compute_node_key).not.toBe(first!.compute_node_key);

    const alive = `alive-${provider}`;
    const key = await queued(alive);
    const [kept] = (await claim(alive, 'a')).jobs;
    clock.advance(1_500);
    await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', { params: { path: { workflow: key, key: kept!.compute_node_key } }, body: {} }));
    clock.advance(1_500);
    expect((await claim(alive, 'b')).jobs).toEqual([]);
  });
});
