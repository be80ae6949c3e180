// Workflows a family runs (a PLynx graph run, started through the run engine) are read-only in structure
// through the Torc API: every operation of the guard table answers 403 in Torc's error shape, while the
// calls a queue worker makes, reads and cancel_workflow keep working, and unowned workflows are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { runTransaction } from '../../packages/server/src/db/transaction.ts';
import type { RunEngine } from '../../packages/server/src/engine/run-engine.ts';
import { createRunEngine } from '../../packages/server/src/torc/engine/torc-run-engine.ts';
import { loadSpec } from '../../packages/server/src/spec.ts';
import { OWNED_WORKFLOW_GUARDS, type GuardedOperation } from '../../packages/server/src/torc/ownership.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

interface SpecOperation {
  operationId?: string;
  requestBody?: { content?: Record<string, { example?: unknown }> };
  responses?: Record<string, unknown>;
}

/** Each guarded operation's method and path template, and the example body its contract gives. */
const GUARDED = (Object.keys(OWNED_WORKFLOW_GUARDS) as GuardedOperation[]).map((operationId) => {
  for (const [path, item] of Object.entries(loadSpec().document.paths as Record<string, Record<string, SpecOperation>>)) {
    for (const [method, op] of Object.entries(item)) {
      if (op?.operationId === operationId) return { operationId, method: method.toUpperCase(), path, op, body: op.requestBody?.content?.['application/json']?.example };
    }
  }
  throw new Error(`${operationId} is not in the contract`);
});

type QueueJob = components['schemas']['queue_job'];

describe.each(PROVIDERS)('workflows owned by a family on %s', (provider) => {
  let t: TestServer;
  let engine: RunEngine;
  const clock = new ManualClock(Date.parse('2026-12-03T08:00:00Z'));
  let runs = 0;
  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
    engine = createRunEngine(t.server.database, clock);
  });
  afterAll(async () => { await t?.close(); });

  async function ownedRun() {
    const queue = `owned${++runs}-${provider}`;
    const { workflowKey } = await runTransaction(t.server.database.db, (tx) => engine.startRun(tx, {
      owner: 'plynx', name: `graph${runs}`, user: 'alice', queue,
      jobs: [{ name: 'a', command: 'plynx-node g a', after: [] }, { name: 'b', command: 'plynx-node g b', after: ['a'] }, { name: 'c', command: 'plynx-node g c', after: [] }],
    }));
    return { key: workflowKey, queue };
  }

  /** Sends the operation on `workflow`, naming `jobKey` wherever the path wants a document key. */
  function send(g: (typeof GUARDED)[number], workflow: string, jobKey: string) {
    const guard = OWNED_WORKFLOW_GUARDS[g.operationId];
    const path = g.path
      .replace(`{${guard.param}}`, workflow)
      .replace('{key}', jobKey)
      .replace('{workflow}', workflow)
      .replace('{rr_key}', '1')
      .replace('{name}', 'blocks');
    return fetch(`${t.url}${path}`, {
      method: g.method,
      headers: { 'content-type': 'application/json' },
      ...(g.body === undefined ? {} : { body: JSON.stringify(g.body) }),
    });
  }

  const jobsOf = async (key: string) =>
    (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } } }))).items!.map((j) => ({ name: j.name, status: j.status, command: j.command }));
  const blocksOf = async (key: string) =>
    (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: key, name: 'blocks' } } }))).items!.map((e) => [e._from, e._to]);

  it('When the contract is read, then every guarded operation documents the 403', () => {
    for (const g of GUARDED) expect(Object.keys(g.op.responses ?? {}), g.operationId).toContain('403');
  });

  it('When any guarded operation is sent for an owned workflow, then it answers 403 in Torc\'s shape and the workflow is unchanged', async () => {
    const { key } = await ownedRun();
    const jobs = await jobsOf(key);
    const blocks = await blocksOf(key);
    const jobKey = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } } }))).items![0]!._key!;
    const answers: Record<string, unknown> = {};
    for (const g of GUARDED) {
      const r = await send(g, key, jobKey);
      answers[g.operationId] = { status: r.status, body: await r.json() };
    }
    const expected = { status: 403, body: { error: true, code: 403, errorNum: 403, errorMessage: `workflow ${key} is run by plynx; change it through plynx`, pipeloomCode: 'FORBIDDEN' } };
    expect(answers).toEqual(Object.fromEntries(GUARDED.map((g) => [g.operationId, expected])));
    expect(await jobsOf(key)).toEqual(jobs);
    expect(await blocksOf(key)).toEqual(blocks);
    expect((await engine.runState(key))!.jobs.map((j) => j.status)).toEqual(['ready', 'blocked', 'ready']);
  });

  it('When the same operations are sent for workflows made through the Torc API, then none answers 403', async () => {
    for (const g of GUARDED) {
      const key = (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'torc', name: `plain-${g.operationId}` } })))._key!;
      const job = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key } }, body: { name: 'j', command: 'true' } }));
      const r = await send(g, key, job._key!);
      expect(r.status, g.operationId).not.toBe(403);
      await r.arrayBuffer();
    }
  });

  it('When a queue worker runs an owned workflow\'s jobs, then its calls, the reads and cancel_workflow keep working', async () => {
    const { key, queue } = await ownedRun();
    const worker = { hostname: 'w', pid: 9, start_time: '2026-12-03T08:00:00Z', resources: { num_cpus: 4, memory_gb: 4 } };
    const claim = async (): Promise<QueueJob[]> => (await unwrap(t.client.POST('/torc-service/queues/{queue}/claim_jobs', { params: { path: { queue } }, body: { worker, resources: worker.resources } }))).jobs;
    const [a, c] = await claim();
    expect([a!.job.name, c!.job.name]).toEqual(['a', 'c']);
    const node = a!.compute_node_key;
    const workflow = key;

    const heartbeat = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', { params: { path: { workflow, key: node } }, body: {} }));
    expect(heartbeat.is_canceled).toBe(false);
    // The worker hands a job back (manage_status_change to ready) and records statistics, edges and events.
    const handedBack = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/jobs/{key}/manage_status_change/{status}/{rev}/{run_id}', {
      params: { path: { workflow, key: c!.job._key!, status: 'ready', rev: c!.job._rev!, run_id: 1 } }, body: {},
    }));
    expect(handedBack.status).toBe('ready');
    const stats = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/job_process_stats', {
      params: { path: { workflow } }, body: { job_key: a!.job._key!, run_id: 1, avg_cpu_percent: 1, max_cpu_percent: 2, avg_rss: 3, max_rss: 4, num_samples: 1, timestamp: '2026-12-03T08:00:01Z' },
    }));
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow, name: 'process_used' } }, body: { _from: a!.job._id!, _to: stats._id! } }));
    const forged = await t.client.POST('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow, name: 'executed' } }, body: { _from: `compute_nodes__${key}/${node}`, _to: c!.job._id! } });
    expect(forged.response.status).toBe(403); // only the server records who ran a job
    await unwrap(t.client.POST('/torc-service/workflows/{workflow}/events', { params: { path: { workflow } }, body: { category: 'job', type: 'note', message: 'hello' } }));
    const current = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow, key: node } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}', { params: { path: { workflow, key: node } }, body: { ...current, duration_seconds: 1 } }));

    await unwrap(t.client.POST('/torc-service/workflows/{key}/complete_jobs', {
      params: { path: { key } },
      body: {
        compute_node_key: node, run_id: 1,
        completions: [{ job_key: a!.job._key!, rev: a!.job._rev!, status: 'done', result: { job_key: a!.job._key!, run_id: 1, return_code: 0, exec_time_minutes: 0.1, completion_time: '2026-12-03T08:00:02Z', status: 'done' } }],
      },
    }));
    expect((await claim()).map((q) => q.job.name).sort()).toEqual(['b', 'c']);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key } } }))).is_complete).toBe(false);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{key}', { params: { path: { key } } }))).name).toMatch(/^graph/);

    await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key } } }));
    expect((await engine.runState(key))!.canceled).toBe(true);
    const after = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', { params: { path: { workflow, key: node } }, body: {} }));
    expect(after.is_canceled).toBe(true);
  });
});
