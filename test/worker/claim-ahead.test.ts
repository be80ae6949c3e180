// Claim-ahead and batched completion (issue 15): a busy worker keeps claimed jobs queued so a slot that frees
// starts the next one without waiting for the server, and reports finished jobs in batches while it goes on.
// Jobs run in-process (a kind the test ends by hand) and the worker runs on a manual clock, so nothing here
// depends on how fast the machine is.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, unwrap, type JobKind } from '@pipeloom/sdk/node';
import { ManualClock } from '../../packages/sdk/src/worker/clock.ts';
import { runWorker } from '../../packages/sdk/src/worker/worker.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow, statuses, tempDir, waitFor } from './helpers.ts';

/** `gate:` jobs run until the test ends them (or the worker stops them). */
function gates() {
  const started: string[] = [];
  const open = new Map<string, () => void>();
  const kind: JobKind = {
    name: 'gate',
    matches: (job) => job.command === 'gate:',
    run: (job, ctx) => new Promise((resolve) => {
      started.push(job.name!);
      open.set(job.name!, () => resolve({ returnCode: 0 }));
      ctx.stop.addEventListener('abort', () => resolve({ returnCode: -15 }));
    }),
  };
  const end = (name: string) => {
    open.get(name)!();
    open.delete(name);
  };
  return { kind, started, end, endAll: () => [...open.keys()].forEach(end), running: () => [...open.keys()] };
}

/** A promise whose resolve is kept, to hold answers back until the test lets them through. */
function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

/** A client that records claim and completion bodies and can hold their answers back. */
function observedClient(url: string) {
  const claims: { limit: number; resources: { num_cpus: number; memory_gb: number } }[] = [];
  const batches: number[] = [];
  const held = { claims: 0, completions: 0 };
  const outputsListed = { count: 0 };
  const hold: { claims?: ReturnType<typeof deferred>; completions?: ReturnType<typeof deferred> } = {};
  const client = createPipeloomClient({
    baseUrl: url,
    fetch: async (request) => {
      const isClaim = request.url.endsWith('/claim_jobs');
      const isCompletion = request.url.endsWith('/complete_jobs');
      if (isClaim) claims.push(await request.clone().json());
      if (isCompletion) batches.push((await request.clone().json()).completions.length);
      const response = await fetch(request);
      if (request.url.includes('/files/produced_by_job/')) outputsListed.count++;
      const gate = isClaim ? hold.claims : isCompletion ? hold.completions : undefined;
      if (gate) {
        held[isClaim ? 'claims' : 'completions']++;
        await gate.promise;
      }
      return response;
    },
  });
  return { client, claims, batches, held, hold, outputsListed };
}

const count = (s: Record<string, string>, status: string) => Object.values(s).filter((v) => v === status).length;

describe.each(PROVIDERS)('claim-ahead on %s', (provider) => {
  let t: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => { t = await startTestServer(provider); tmp = tempDir(); });
  afterAll(async () => { await t?.close(); tmp?.remove(); });

  const workflow = (jobs: number) =>
    createWorkflow(t.client, { name: `ahead-${randomUUID()}`, jobs: Array.from({ length: jobs }, (_, i) => ({ name: `j${i}`, command: 'gate:' })) });

  it('When every slot is busy, then the worker queues up to its resources of claimed jobs, a freed slot starts one while claims and completions are unanswered, and completions go in batches', async () => {
    // Arrange: 2 CPUs, 6 one-CPU jobs.
    const key = await workflow(6);
    const gate = gates();
    const o = observedClient(t.url);
    const clock = new ManualClock();
    let done = false;
    const worker = runWorker({ client: o.client, workflowKey: key, jobKinds: [gate.kind], clock, resources: { cpus: 2, memoryGb: 1, gpus: 0 }, cwd: tmp.dir, outputDir: 'ahead', pollIntervalMs: 1_000, log: () => {} })
      .finally(() => (done = true));
    await waitFor('two jobs running and two claimed ahead', async () => gate.started.length === 2 && count(await statuses(t.client, key), 'submitted') === 4);

    // Assert: claimed-ahead jobs fit what the worker has; no more is claimed while the queue is full.
    expect(o.claims.every((c) => c.resources.num_cpus <= 2 && c.resources.memory_gb <= 1)).toBe(true);
    expect(count(await statuses(t.client, key), 'ready')).toBe(2);

    // Act: the server stops answering claims and completions; one job ends.
    o.hold.claims = deferred();
    o.hold.completions = deferred();
    gate.end(gate.started[0]!);
    await waitFor('a queued job to start while a claim waits for its answer', async () => gate.started.length === 3 && o.held.claims === 1 && o.held.completions === 1);
    // Two more end while the first completion is unanswered: they wait for it and then go together.
    gate.end(gate.started[1]!);
    gate.end(gate.started[2]!);
    // (Their outputs are checked before their completions are queued.)
    await waitFor('the last queued job to start and the ended ones to be queued for reporting', async () =>
      gate.started.length === 4 && o.outputsListed.count === 3 && (await statuses(t.client, key)) !== undefined);
    o.hold.claims.release();
    o.hold.completions.release();
    o.hold = {};
    while (!done) {
      gate.endAll();
      await waitFor('a job to run or the worker to leave', async () => done || gate.running().length > 0);
    }
    const summary = await worker;

    // Assert: every job ran once, was reported once, and two completions shared one complete_jobs call.
    expect(summary.reason).toBe('complete');
    expect(summary.counts).toEqual({ done: 6, failed: 0, canceled: 0, terminated: 0, rejected: 0 });
    expect([...gate.started].sort()).toEqual(['j0', 'j1', 'j2', 'j3', 'j4', 'j5']);
    expect(o.batches.reduce((a, b) => a + b, 0)).toBe(6);
    expect(o.batches).toContain(2);
    expect(o.claims.every((c) => c.resources.num_cpus <= 2)).toBe(true);
  });

  it('When the worker is stopped with jobs claimed ahead, then the running job is terminated and the queued one is handed back, not left submitted', async () => {
    const key = await workflow(3);
    const gate = gates();
    const stop = new AbortController();
    const lines: string[] = [];
    const worker = runWorker({ client: t.client, workflowKey: key, jobKinds: [gate.kind], clock: new ManualClock(), resources: { cpus: 1, memoryGb: 1, gpus: 0 }, cwd: tmp.dir, outputDir: 'ahead-stop', pollIntervalMs: 1_000, signal: stop.signal, log: (_l, m) => lines.push(m) });
    await waitFor('one job running and one claimed ahead', async () => gate.started.length === 1 && count(await statuses(t.client, key), 'submitted') === 2);

    stop.abort();
    const summary = await worker;

    expect(summary.reason).toBe('signal');
    expect(summary.counts).toEqual({ done: 0, failed: 0, canceled: 0, terminated: 1, rejected: 0 });
    const s = await statuses(t.client, key);
    expect(s[gate.started[0]!]).toBe('terminated');
    expect(count(s, 'ready'), lines.join('\n')).toBe(2);
    expect(lines.filter((m) => m.includes('claimed ahead and not started, was handed back'))).toHaveLength(1);
  });

  it('When the workflow is canceled with jobs claimed ahead, then the running job is reported canceled and the queued one is handed back, never started, as an unclaimed job stays', async () => {
    const key = await workflow(3);
    const gate = gates();
    const lines: string[] = [];
    const clock = new ManualClock();
    const worker = runWorker({ client: t.client, workflowKey: key, jobKinds: [gate.kind], clock, resources: { cpus: 1, memoryGb: 1, gpus: 0 }, cwd: tmp.dir, outputDir: 'ahead-cancel', pollIntervalMs: 1_000, log: (_l, m) => lines.push(m) });
    await waitFor('one job running and one claimed ahead', async () => gate.started.length === 1 && count(await statuses(t.client, key), 'submitted') === 2);

    await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key } }, body: {} }));
    // The next heartbeat tells the worker.
    await clock.advance(5_000);
    const summary = await worker;

    expect(summary.reason).toBe('canceled');
    expect(summary.counts).toEqual({ done: 0, failed: 0, canceled: 1, terminated: 0, rejected: 0 });
    expect(gate.started).toHaveLength(1);
    const s = await statuses(t.client, key);
    expect(s[gate.started[0]!]).toBe('canceled');
    // (A cancel leaves jobs nobody runs as they are: the queued one is `ready` again, like the unclaimed one.)
    expect(count(s, 'ready'), lines.join('\n')).toBe(2);
  });
});
