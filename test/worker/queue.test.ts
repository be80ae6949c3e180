// `pipeloom worker --queue <name>`: one real worker process serves every started workflow on a queue,
// running each job under its own workflow (its run, its compute node, its completions), and leaves once
// nothing is left to do on the queue.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import type { QueueWorkerSummary } from '../../packages/sdk/src/worker/types.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow, finished, nodeEval, results, running, startQueueWorker, statuses, tempDir, waitFor, type WorkerProcess } from './helpers.ts';

/** A job that appends `<workflow>:<name>` to runs.log (after `ms`), then writes `<name>.out`. */
const step = (tag: string, name: string, ms = 0) =>
  nodeEval(`setTimeout(() => { require('fs').appendFileSync('runs.log', process.argv[1] + '\\n'); require('fs').writeFileSync(process.argv[2], 'ok'); }, ${ms})`, `${tag}:${name}`, `${tag}-${name}.out`);

/** A job that records its pid in `<name>.pid`, then idles for 60 s. */
const sleeper = (name: string) => nodeEval(`require('fs').writeFileSync(${JSON.stringify(`${name}.pid`)}, String(process.pid)); setTimeout(() => {}, 60000);`);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each(PROVIDERS)('pipeloom worker --queue on %s', (provider) => {
  let t: TestServer;
  const live = new Set<WorkerProcess>();
  const dirs: Array<() => void> = [];
  // A short node lease, so heartbeats (and with them, cancel notices) come every 750 ms.
  beforeAll(async () => { t = await startTestServer(provider, { nodeLeaseSeconds: 3 }); });
  afterAll(async () => {
    for (const w of live) w.child.kill('SIGKILL');
    await Promise.all([...live].map((w) => w.exited));
    await t?.close();
    for (const remove of dirs) remove();
  });

  /** Puts a workflow on a queue. */
  async function enqueue(key: string, queue: string): Promise<void> {
    const wf = await unwrap(t.client.GET('/torc-service/workflows/{key}', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key } }, body: { ...wf, queue } }));
  }

  /** A started workflow of a chain a -> b -> c and an independent d, put on `queue`. */
  async function queuedWorkflow(tag: string, queue: string): Promise<string> {
    const key = await createWorkflow(t.client, {
      name: tag,
      jobs: [
        { name: 'a', command: step(tag, 'a', 200) },
        { name: 'b', command: step(tag, 'b'), blocked_by: ['a'] },
        { name: 'c', command: step(tag, 'c'), blocked_by: ['b'] },
        { name: 'd', command: step(tag, 'd') },
      ],
    });
    await enqueue(key, queue);
    return key;
  }

  it('When a worker serves a queue of two workflows, then it runs every job of both once, in dependency order, reports each to its own workflow, and leaves', async () => {
    const { dir, remove } = tempDir();
    dirs.push(remove);
    const queue = `shell-${provider}`;
    const one = await queuedWorkflow('one', queue);
    const two = await queuedWorkflow('two', queue);
    const elsewhere = await queuedWorkflow('elsewhere', `other-${provider}`);

    const worker = startQueueWorker(t.url, queue, dir, ['--cpus', '4', '--memory', '4']);
    live.add(worker);
    const exit = await finished(worker, 60_000);
    live.delete(worker);

    expect(exit.code, exit.log).toBe(0);
    const summary = exit.summary as unknown as QueueWorkerSummary;
    expect(summary.reason).toBe('complete');
    expect(summary.counts).toMatchObject({ done: 8, failed: 0 });
    expect(new Set(summary.workflows.map((w) => w.workflowKey))).toEqual(new Set([one, two]));
    for (const key of [one, two]) {
      expect(Object.values(await statuses(t.client, key))).toEqual(['done', 'done', 'done', 'done']);
      const rs = await results(t.client, key);
      expect(rs.map((r) => r.return_code)).toEqual([0, 0, 0, 0]);
      // Every job ran on this worker's compute node in that workflow.
      const node = summary.workflows.find((w) => w.workflowKey === key)!.computeNodeKey;
      const executed = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: key, name: 'executed' } } }));
      expect(new Set(executed.items!.map((e) => e._from))).toEqual(new Set([`compute_nodes__${key}/${node}`]));
    }
    const runs = fs.readFileSync(path.join(dir, 'runs.log'), 'utf8').trim().split('\n');
    expect([...runs].sort()).toEqual(['one:a', 'one:b', 'one:c', 'one:d', 'two:a', 'two:b', 'two:c', 'two:d']);
    for (const tag of ['one', 'two']) expect(runs.filter((r) => r.startsWith(`${tag}:`) && r !== `${tag}:d`)).toEqual([`${tag}:a`, `${tag}:b`, `${tag}:c`]);
    expect(Object.values(await statuses(t.client, elsewhere)).sort()).toEqual(['blocked', 'blocked', 'ready', 'ready']);
  });

  it('When one workflow on the queue is canceled, then the worker kills its jobs, reports them canceled, and goes on with the others', async () => {
    const { dir, remove } = tempDir();
    dirs.push(remove);
    const queue = `cancel-${provider}`;
    const doomed = await createWorkflow(t.client, { name: 'doomed', jobs: [{ name: 'long', command: sleeper('long') }] });
    await enqueue(doomed, queue);
    const worker = startQueueWorker(t.url, queue, dir, ['--cpus', '2', '--memory', '2']);
    live.add(worker);
    await running(t.client, doomed, ['long']);
    const pid = await waitFor('the pid of long', async () => fs.existsSync(path.join(dir, 'long.pid')) && Number(fs.readFileSync(path.join(dir, 'long.pid'), 'utf8')));
    const other = await queuedWorkflow('other', queue);

    await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key: doomed } }, body: {} }));
    const exit = await finished(worker, 60_000);
    live.delete(worker);

    expect(exit.code, exit.log).toBe(0);
    const summary = exit.summary as unknown as QueueWorkerSummary;
    expect(summary.reason).toBe('complete');
    expect(summary.counts).toMatchObject({ done: 4, canceled: 1, rejected: 0 });
    expect(await statuses(t.client, doomed)).toEqual({ long: 'canceled' });
    expect((await results(t.client, doomed)).map((r) => [r.status, r.return_code])).toEqual([['canceled', -9]]);
    expect(Object.values(await statuses(t.client, other))).toEqual(['done', 'done', 'done', 'done']);
    expect(alive(pid)).toBe(false);
  });

  it('When two worker processes serve one queue, then each job runs exactly once', async () => {
    const { dir, remove } = tempDir();
    dirs.push(remove);
    const queue = `pair-${provider}`;
    const keys: string[] = [];
    for (const tag of ['p', 'q']) {
      const key = await createWorkflow(t.client, { name: tag, jobs: Array.from({ length: 8 }, (_, i) => ({ name: `n${i}`, command: step(tag, `n${i}`, 100) })) });
      await enqueue(key, queue);
      keys.push(key);
    }
    const workers = [0, 1].map(() => startQueueWorker(t.url, queue, dir, ['--cpus', '3', '--memory', '2']));
    for (const w of workers) live.add(w);
    const exits = await Promise.all(workers.map((w) => finished(w, 60_000)));
    for (const w of workers) live.delete(w);

    for (const exit of exits) expect(exit.code, exit.log).toBe(0);
    const runs = fs.readFileSync(path.join(dir, 'runs.log'), 'utf8').trim().split('\n');
    expect(runs).toHaveLength(16);
    expect(new Set(runs).size).toBe(16);
    const summaries = exits.map((e) => e.summary as unknown as QueueWorkerSummary);
    expect(summaries.reduce((n, s) => n + s.counts.done, 0)).toBe(16);
    for (const key of keys) expect(Object.values(await statuses(t.client, key)).every((s) => s === 'done')).toBe(true);
  });

  it('When neither a workflow key nor a queue is given, or both, then the worker refuses to start', async () => {
    const { dir, remove } = tempDir();
    dirs.push(remove);
    const both = startQueueWorker(t.url, 'q', dir, ['17']);
    const exit = await finished(both);
    expect(exit.code).not.toBe(0);
    expect(exit.log).toMatch(/either a workflow key or --queue/);
  });
});
