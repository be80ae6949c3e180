// The run engine families start, read and cancel runs through (engine/run-engine.ts), on Torc's lifecycle:
// a run is an owned Torc workflow on a queue, its jobs are claimed with claim_queue_jobs and completed with
// complete_jobs as `pipeloom worker --queue` does, and starts and cancels ride on the caller's transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { runTransaction } from '../../packages/server/src/db/transaction.ts';
import type { RunEngine, RunJobSpec, RunSpec } from '../../packages/server/src/engine/run-engine.ts';
import { createRunEngine } from '../../packages/server/src/torc/engine/torc-run-engine.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type QueueJob = components['schemas']['queue_job'];
type Worker = components['schemas']['queue_worker'];

const worker = (hostname: string, pid = 1): Worker => ({ hostname, pid, start_time: '2026-12-03T00:00:00Z', resources: { num_cpus: 8, memory_gb: 8 } });

describe.each(PROVIDERS)('the run engine on %s', (provider) => {
  let t: TestServer;
  let engine: RunEngine;
  const clock = new ManualClock(Date.parse('2026-12-03T08:00:00Z'));
  let runs = 0;
  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
    engine = createRunEngine(t.server.database, clock);
  });
  afterAll(async () => { await t?.close(); });

  const job = (name: string, after: string[] = []): RunJobSpec => ({ name, command: `plynx-node g ${name}`, after });
  /** A spec on a queue and owner of its own: the tests share one database. */
  const spec = (jobs: RunJobSpec[]): RunSpec => {
    const n = ++runs;
    return { owner: `family${n}`, name: `run${n}`, description: 'a graph run', user: 'alice', queue: `q${n}-${provider}`, jobs };
  };
  const inTx = <T>(fn: Parameters<typeof runTransaction<T>>[1]) => runTransaction(t.server.database.db, fn);
  const start = async (s: RunSpec) => (await inTx((tx) => engine.startRun(tx, s))).workflowKey;

  const claim = async (queue: string, w = worker('host-a'), limit = 100) =>
    (await unwrap(t.client.POST('/torc-service/queues/{queue}/claim_jobs', { params: { path: { queue } }, body: { worker: w, resources: { num_cpus: 8, memory_gb: 8 }, limit } }))).jobs;
  const complete = (q: QueueJob, returnCode = 0) => unwrap(t.client.POST('/torc-service/workflows/{key}/complete_jobs', {
    params: { path: { key: q.workflow_key } },
    body: {
      compute_node_key: q.compute_node_key, run_id: q.run_id,
      completions: [{
        job_key: q.job._key!, rev: q.job._rev!, status: 'done',
        result: { job_key: q.job._key!, run_id: q.run_id, return_code: returnCode, exec_time_minutes: 0.1, completion_time: new Date(clock.now()).toISOString(), status: 'done' },
      }],
    },
  }));
  const statuses = async (key: string) => Object.fromEntries((await engine.runState(key))!.jobs.map((j) => [j.name, j.status]));

  it('When the caller\'s transaction throws after startRun, then no trace of the run is left', async () => {
    const s = spec([job('a'), job('b', ['a'])]);
    let key = '';
    await expect(inTx(async (tx) => {
      key = (await engine.startRun(tx, s)).workflowKey;
      throw new Error('the family failed to save its own record');
    })).rejects.toThrow('the family failed');
    expect(key).not.toBe('');
    expect(await engine.runState(key)).toBeNull();
    const listed = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { name: s.name } } }));
    expect(listed.total_count).toBe(0);
    expect(await claim(s.queue)).toEqual([]);
  });

  it('When a run starts, then it is an owned workflow on the queue whose ready jobs a queue worker claims, and blocked jobs wait for their blockers', async () => {
    const s = spec([job('a'), job('b', ['a']), job('c', ['a', 'b']), job('d')]);
    const key = await start(s);
    const wf = await unwrap(t.client.GET('/torc-service/workflows/{key}', { params: { path: { key } } }));
    expect(wf).toMatchObject({ name: s.name, user: 'alice', description: 'a graph run', queue: s.queue });
    expect(await statuses(key)).toEqual({ a: 'ready', b: 'blocked', c: 'blocked', d: 'ready' });

    const first = await claim(s.queue);
    expect(first.map((q) => q.job.name).sort()).toEqual(['a', 'd']);
    expect(first.every((q) => q.workflow_key === key && q.run_id === 1 && q.job.command === `plynx-node g ${q.job.name}`)).toBe(true);
    const a = first.find((q) => q.job.name === 'a')!;
    expect(await engine.isClaimed(key, 'a')).toBe(true);
    expect(await engine.isClaimed(key, 'b')).toBe(false);
    expect(await engine.isClaimed(key, 'nope')).toBe(false);
    const running = await engine.runState(key);
    expect(running).toEqual({
      canceled: false,
      jobs: [
        { name: 'a', status: 'submitted', returnCode: null, computeNodeKey: a.compute_node_key },
        { name: 'b', status: 'blocked', returnCode: null, computeNodeKey: null },
        { name: 'c', status: 'blocked', returnCode: null, computeNodeKey: null },
        { name: 'd', status: 'submitted', returnCode: null, computeNodeKey: a.compute_node_key },
      ],
    });

    await complete(a);
    expect(await statuses(key)).toMatchObject({ a: 'done', b: 'ready', c: 'blocked' });
    const [b] = await claim(s.queue);
    expect(b!.job.name).toBe('b');
    await complete(b!);
    const [c] = await claim(s.queue);
    expect(c!.job.name).toBe('c');
  });

  it('When a blocker fails, then its dependants are canceled and the run state shows each return code', async () => {
    const s = spec([job('a'), job('b', ['a']), job('c', ['b']), job('side')]);
    const key = await start(s);
    const claimed = await claim(s.queue);
    await complete(claimed.find((q) => q.job.name === 'side')!, 0);
    await complete(claimed.find((q) => q.job.name === 'a')!, 3);
    const state = await engine.runState(key);
    expect(state!.jobs.map(({ name, status, returnCode, computeNodeKey }) => [name, status, returnCode, computeNodeKey])).toEqual([
      ['a', 'done', 3, null], ['b', 'canceled', null, null], ['c', 'canceled', null, null], ['side', 'done', 0, null],
    ]);
    expect(state!.canceled).toBe(false);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key } } }))).is_complete).toBe(true);
  });

  it('When a run has no jobs, then it is complete at once', async () => {
    const key = await start(spec([]));
    expect(await engine.runState(key)).toEqual({ canceled: false, jobs: [] });
    expect(await unwrap(t.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key } } })))
      .toEqual({ is_canceled: false, is_complete: true, needs_to_run_completion_script: false });
  });

  it('When a run names an unknown, duplicate or circular dependency or a bad queue, then startRun refuses it and writes nothing', async () => {
    for (const jobs of [[job('a', ['x'])], [job('a'), job('a')], [job('a', ['b']), job('b', ['a'])], [job('a', ['a'])]]) {
      const s = spec(jobs);
      await expect(start(s)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect((await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { name: s.name } } }))).total_count).toBe(0);
    }
    await expect(start({ ...spec([job('a')]), queue: 'no spaces' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('When a run is canceled, then every unfinished job is canceled, its worker hears it in the heartbeat, and cancelling again or rolling back changes nothing', async () => {
    const s = spec([job('a'), job('b', ['a']), job('c'), job('d')]);
    const key = await start(s);
    const [held] = await claim(s.queue, worker('host-c'), 1);
    expect(held!.job.name).toBe('a');
    await complete((await claim(s.queue, worker('host-c'), 1))[0]!); // c ends before the cancel

    // A cancel in a transaction the caller then rolls back leaves the run as it was.
    await expect(inTx(async (tx) => { await engine.cancelRun(tx, key); throw new Error('rolled back'); })).rejects.toThrow('rolled back');
    expect((await engine.runState(key))!.canceled).toBe(false);

    await inTx((tx) => engine.cancelRun(tx, key));
    const state = (await engine.runState(key))!;
    expect(state.canceled).toBe(true);
    expect(state.jobs.filter((j) => j.status !== 'canceled')).toEqual([expect.objectContaining({ status: 'done', returnCode: 0 })]);
    const heartbeat = await unwrap(t.client.PUT('/torc-service/workflows/{workflow}/compute_nodes/{key}/heartbeat', {
      params: { path: { workflow: key, key: held!.compute_node_key } }, body: {},
    }));
    expect(heartbeat.is_canceled).toBe(true);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }))).is_canceled).toBe(true);
    expect(await claim(s.queue)).toEqual([]);

    await inTx((tx) => engine.cancelRun(tx, key));
    expect(await engine.runState(key)).toEqual(state);
  });

  it('When a run is canceled through the Torc API, then its waiting jobs are canceled too, not only those held by workers', async () => {
    const s = spec([job('a'), job('b', ['a'])]);
    const key = await start(s);
    await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key } } }));
    expect(await engine.runState(key)).toMatchObject({ canceled: true, jobs: [{ status: 'canceled' }, { status: 'canceled' }] });
    // Once ended, a second cancel changes nothing.
    await inTx((tx) => engine.cancelRun(tx, key));
    expect((await engine.runState(key))!.jobs.map((j) => j.status)).toEqual(['canceled', 'canceled']);
  });

  it('When a run is canceled, then its owner\'s listener is told inside the cancelling transaction, and its failure undoes the cancel', async () => {
    const s = spec([job('a'), job('b', ['a'])]);
    const key = await start(s);
    const told: unknown[] = [];
    engine.onCancel(s.owner, async (_tx, run) => {
      told.push(run);
      if (told.length === 1) throw new Error('the family could not record the end');
    });

    await expect(inTx((tx) => engine.cancelRun(tx, key))).rejects.toThrow('could not record');
    expect(await engine.runState(key)).toMatchObject({ canceled: false, jobs: [{ status: 'ready' }, { status: 'blocked' }] });

    await inTx((tx) => engine.cancelRun(tx, key));
    expect(told).toEqual([{ workflowKey: key, jobNames: ['a', 'b'] }, { workflowKey: key, jobNames: ['a', 'b'] }]);
    expect((await engine.runState(key))!.canceled).toBe(true);
    // Another owner's listener is not told.
    const other = spec([job('x')]);
    const otherKey = await start(other);
    await inTx((tx) => engine.cancelRun(tx, otherKey));
    expect(told).toHaveLength(2);
  });

  it('When a finished run is canceled, then it stays as it ended; an unknown run is not found', async () => {
    const s = spec([job('only')]);
    const key = await start(s);
    await complete((await claim(s.queue))[0]!);
    const ended = await engine.runState(key);
    await inTx((tx) => engine.cancelRun(tx, key));
    expect(await engine.runState(key)).toEqual(ended);
    expect(ended!.canceled).toBe(false);
    await expect(inTx((tx) => engine.cancelRun(tx, '999999'))).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
    expect(await engine.runState('999999')).toBeNull();
    expect(await engine.runState('not-a-key')).toBeNull();
  });

  it('When a worker process serves two runs of an owner, then workers() shows it once with the jobs it holds and those it finished since', async () => {
    const one = spec([job('x1'), job('x2')]);
    const two = { ...spec([job('y1')]), owner: one.owner, queue: one.queue };
    const other = spec([job('z')]); // another owner's run, with a worker of its own
    const since = new Date(clock.now());
    clock.advance(1000);
    const k1 = await start(one);
    const k2 = await start(two);
    await start(other);
    const proc = worker('host-w', 4242);
    const got = [...(await claim(one.queue, proc))];
    await claim(other.queue, worker('host-other', 7));
    expect(got.map((q) => q.job.name).sort()).toEqual(['x1', 'x2', 'y1']);
    expect(new Set(got.map((q) => q.compute_node_key)).size).toBe(2); // one compute node per workflow
    clock.advance(1000);
    await complete(got.find((q) => q.job.name === 'x1')!);

    const workers = await engine.workers(one.owner, since);
    expect(workers).toHaveLength(1);
    expect(workers[0]).toMatchObject({ workerId: 'host-w:4242', host: 'host-w', finishedSince: 1 });
    expect(workers[0]!.running.sort((a, b) => a.jobName.localeCompare(b.jobName))).toEqual([
      { workflowKey: k1, jobName: 'x2' }, { workflowKey: k2, jobName: 'y1' },
    ]);
    // Finished before `since` does not count; a worker not heard from since and holding nothing is gone.
    expect((await engine.workers(one.owner, new Date(clock.now() + 1)))).toEqual([
      { workerId: 'host-w:4242', host: 'host-w', running: expect.any(Array), finishedSince: 0 },
    ]);
    expect(await engine.workers('nobody', since)).toEqual([]);
  });
});
