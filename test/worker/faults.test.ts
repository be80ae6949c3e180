// How `pipeloom worker` stops jobs: a canceled workflow, SIGTERM to the worker, a job over its runtime and a
// worker over its time limit. Each ends in Torc's documented statuses, with nothing left running.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow, finished, jobs, nodeEval, results, running, startWorker, statuses, tempDir, waitFor } from './helpers.ts';

/** A job that records its pid in pids/<name>, then idles for 30 s; with `graceful` it leaves cleanly on SIGTERM. */
const sleeper = (name: string, { graceful = false, ignoreTerm = false } = {}) => nodeEval(`
  const fs = require('node:fs');
  ${graceful ? `process.on('SIGTERM', () => { fs.writeFileSync('terminated-' + ${JSON.stringify(name)}, 'bye'); process.exit(0); });` : ''}
  ${ignoreTerm ? `process.on('SIGTERM', () => {});` : ''}
  fs.mkdirSync('pids', { recursive: true });
  fs.writeFileSync('pids/' + ${JSON.stringify(name)}, String(process.pid));
  setTimeout(() => {}, 30000);`);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('pipeloom worker stopping jobs', () => {
  let t: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  // A short node lease, so heartbeats (and with them, cancel notices) come every 750 ms.
  beforeAll(async () => { t = await startTestServer('sqlite', { nodeLeaseSeconds: 3 }); tmp = tempDir(); });
  afterAll(async () => { await t?.close(); tmp?.remove(); });

  function workDir(name: string) {
    const dir = path.join(tmp.dir, name);
    fs.mkdirSync(dir);
    return dir;
  }
  const pidOf = (dir: string, name: string) => waitFor(`the pid of ${name}`, async () => {
    try {
      return Number(fs.readFileSync(path.join(dir, 'pids', name), 'utf8'));
    } catch {
      return undefined;
    }
  });
  /** No job is left handed out or running. */
  async function nothingInFlight(key: string) {
    const s = Object.values(await statuses(t.client, key));
    expect(s).not.toContain('submitted');
    expect(s).not.toContain('submitted_pending');
  }
  async function resultsByName(key: string) {
    const list = await jobs(t.client, key);
    return Object.fromEntries((await results(t.client, key)).map((r) => [list.find((j) => j._key === r.job_key)!.name, { status: r.status, return_code: r.return_code }]));
  }

  it('When the workflow is canceled while jobs run, then the worker kills them, reports them canceled and leaves', async () => {
    const dir = workDir('cancel');
    const key = await createWorkflow(t.client, {
      name: 'cancel',
      jobs: [{ name: 'a', command: sleeper('a') }, { name: 'b', command: sleeper('b') }, { name: 'after', command: nodeEval(''), blocked_by: ['a'] }],
    });
    const worker = startWorker(t.url, key, dir, ['--cpus', '2']);
    await running(t.client, key, ['a', 'b']);
    const pids = [await pidOf(dir, 'a'), await pidOf(dir, 'b')];

    await unwrap(t.client.PUT('/torc-service/workflows/{key}/cancel', { params: { path: { key } }, body: {} }));
    const exit = await finished(worker, 15_000);

    expect(exit.code, exit.log).toBe(0);
    expect(exit.summary!.reason).toBe('canceled');
    expect(exit.summary!.counts).toMatchObject({ canceled: 2, rejected: 0 });
    expect(await statuses(t.client, key)).toEqual({ a: 'canceled', b: 'canceled', after: 'blocked' });
    expect(await resultsByName(key)).toEqual({ a: { status: 'canceled', return_code: -9 }, b: { status: 'canceled', return_code: -9 } });
    await nothingInFlight(key);
    expect(pids.filter(alive)).toEqual([]);
  });

  it('When the worker gets SIGTERM, then a job that supports termination gets SIGTERM and a grace period, the others are killed, and all are reported terminated', async () => {
    const dir = workDir('sigterm');
    const key = await createWorkflow(t.client, {
      name: 'sigterm',
      config: { compute_node_expiration_buffer_seconds: 5 },
      jobs: [
        { name: 'graceful', command: sleeper('graceful', { graceful: true }), supports_termination: true },
        { name: 'stubborn', command: sleeper('stubborn', { ignoreTerm: true }) },
        { name: 'later', command: nodeEval(''), blocked_by: ['graceful'] },
      ],
    });
    const worker = startWorker(t.url, key, dir, ['--cpus', '2']);
    await running(t.client, key, ['graceful', 'stubborn']);
    const pids = [await pidOf(dir, 'graceful'), await pidOf(dir, 'stubborn')];

    worker.child.kill('SIGTERM');
    const exit = await finished(worker, 15_000);

    expect(exit.code, exit.log).toBe(0);
    expect(exit.summary!.reason).toBe('signal');
    // (`later` is canceled: Pipeloom counts a terminated blocker as failed, whatever its return code.)
    expect(await statuses(t.client, key)).toMatchObject({ graceful: 'terminated', stubborn: 'terminated' });
    expect(await resultsByName(key)).toEqual({ graceful: { status: 'terminated', return_code: 0 }, stubborn: { status: 'terminated', return_code: -9 } });
    expect(fs.readFileSync(path.join(dir, 'terminated-graceful'), 'utf8')).toBe('bye');
    await nothingInFlight(key);
    expect(pids.filter(alive)).toEqual([]);
    const node = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } } }))).items![0]!;
    expect(node.is_active).toBe(false);
  });

  it('When a job runs past its runtime, then the worker terminates it and the workflow completes', async () => {
    const dir = workDir('runtime');
    const key = await createWorkflow(t.client, {
      name: 'runtime',
      resource_requirements: [{ name: 'two-seconds', runtime: 'P0DT0H0M2S' }],
      jobs: [{ name: 'slow', command: sleeper('slow'), resource_requirements: 'two-seconds' }, { name: 'quick', command: nodeEval('') }],
    });
    const started = Date.now();
    const exit = await finished(startWorker(t.url, key, dir), 15_000);

    expect(exit.code, exit.log).toBe(0);
    expect(exit.summary!.reason).toBe('complete');
    expect(Date.now() - started).toBeGreaterThan(2_000);
    expect(await resultsByName(key)).toEqual({ slow: { status: 'terminated', return_code: -9 }, quick: { status: 'done', return_code: 0 } });
    expect(exit.log).toContain('ran longer than its runtime');
    await nothingInFlight(key);
    expect(alive(await pidOf(dir, 'slow'))).toBe(false);
  });

  it('When the worker reaches its time limit, then it terminates its jobs in time for them to wind down, and leaves', async () => {
    const dir = workDir('time-limit');
    const key = await createWorkflow(t.client, {
      name: 'time-limit',
      // A runtime of 0 puts no limit on the job itself; only the worker's time limit stops it.
      resource_requirements: [{ name: 'open-ended', runtime: 'P0DT0S' }, { name: 'too-long', runtime: 'P0DT1H' }],
      jobs: [
        { name: 'graceful', command: sleeper('graceful', { graceful: true }), supports_termination: true, resource_requirements: 'open-ended' },
        { name: 'hour', command: nodeEval(''), resource_requirements: 'too-long' },
      ],
    });
    const started = Date.now();
    const exit = await finished(startWorker(t.url, key, dir, ['--time-limit', 'PT3S']), 15_000);

    expect(exit.code, exit.log).toBe(0);
    expect(exit.summary!.reason).toBe('time-limit');
    expect(Date.now() - started).toBeLessThan(8_000);
    // The hour-long job does not fit in three seconds, so it was never claimed.
    expect(await statuses(t.client, key)).toEqual({ graceful: 'terminated', hour: 'ready' });
    expect(await resultsByName(key)).toEqual({ graceful: { status: 'terminated', return_code: 0 } });
    expect(fs.existsSync(path.join(dir, 'terminated-graceful'))).toBe(true);
    await nothingInFlight(key);
  });
});
