// What `pipeloom worker` survives: a worker killed with SIGKILL (its jobs go to another worker once its lease
// expires) and a server that is out of reach for a while (every call is retried; no result is lost).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tcpProxy } from '../helpers/tcp-proxy.ts';
import { createWorkflow, executedBy, finished, jobs, nodeEval, results, running, startWorker, statuses, tempDir, waitFor } from './helpers.ts';

/** A job that records its pid under pids/<worker pid>-<name>, works for `ms`, then writes out-<name>.txt. */
const job = (name: string, ms: number) => ({
  name,
  command: nodeEval(`
    const fs = require('node:fs');
    fs.mkdirSync('pids', { recursive: true });
    fs.writeFileSync('pids/' + process.ppid + '-' + ${JSON.stringify(name)}, String(process.pid));
    setTimeout(() => fs.writeFileSync('out-' + ${JSON.stringify(name)} + '.txt', 'ok'), ${ms});`),
  output_files: [name],
});
const file = (name: string) => ({ name, path: `out-${name}.txt` });

describe('pipeloom worker recovering from faults', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => { tmp = tempDir(); });
  afterAll(() => { tmp?.remove(); });

  describe('with a 3-second node lease', () => {
    let t: TestServer;
    beforeAll(async () => { t = await startTestServer('sqlite', { nodeLeaseSeconds: 3 }); });
    afterAll(async () => { await t?.close(); });

    it('When a worker is killed with SIGKILL mid-run, then its jobs are handed to another worker once its lease expires and run to completion', async () => {
      const dir = path.join(tmp.dir, 'kill');
      fs.mkdirSync(dir);
      const names = ['a', 'b', 'c'];
      const key = await createWorkflow(t.client, { name: 'kill-9', files: names.map(file), jobs: names.map((n) => job(n, 1_500)) });
      const first = startWorker(t.url, key, dir, ['--cpus', '3']);
      await running(t.client, key, names);

      await waitFor('the first worker\'s jobs to record their pids', async () => names.every((n) => fs.existsSync(path.join(dir, 'pids', `${first.child.pid}-${n}`))));

      first.child.kill('SIGKILL');
      await first.exited;
      // The machine is gone too: so are the jobs it was running.
      for (const n of names) {
        try {
          process.kill(Number(fs.readFileSync(path.join(dir, 'pids', `${first.child.pid}-${n}`), 'utf8')), 'SIGKILL');
        } catch {
          // already gone
        }
      }
      for (const n of names) fs.rmSync(path.join(dir, `out-${n}.txt`), { force: true });

      const second = startWorker(t.url, key, dir, ['--cpus', '3']);
      const exit = await finished(second, 20_000);

      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason).toBe('complete');
      expect(exit.summary!.counts).toMatchObject({ done: 3, rejected: 0 });
      expect(await statuses(t.client, key)).toEqual({ a: 'done', b: 'done', c: 'done' });
      expect((await results(t.client, key)).map((r) => r.job_key).sort()).toEqual((await jobs(t.client, key)).map((j) => j._key).sort());
      for (const n of names) expect(fs.readFileSync(path.join(dir, `out-${n}.txt`), 'utf8')).toBe('ok');
      // Each job ran on both compute nodes; the dead one was marked inactive by the server.
      const by = await executedBy(t.client, key);
      for (const n of names) expect(new Set(by[n]).size).toBe(2);
      const nodes = (await unwrap(t.client.GET('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } } }))).items!;
      expect(nodes.map((n) => n.is_active)).toEqual([false, false]);
    });
  });

  describe('behind a proxy that goes down', () => {
    let t: TestServer;
    beforeAll(async () => { t = await startTestServer('sqlite'); });
    afterAll(async () => { await t?.close(); });

    it('When the server is out of reach for a while, then the worker retries every call and no result is lost', async () => {
      const dir = path.join(tmp.dir, 'outage');
      fs.mkdirSync(dir);
      const names = Array.from({ length: 8 }, (_, i) => `j${i}`);
      const key = await createWorkflow(t.client, { name: 'outage', files: names.map(file), jobs: names.map((n) => job(n, 600)) });
      const proxy = await tcpProxy(t.server.port);
      // Verbose, so every retried attempt is logged, not only a call's first failure: a call still backing off
      // from the first outage may be the only one the second outage meets.
      const worker = startWorker(`http://127.0.0.1:${proxy.port}`, key, dir, ['--cpus', '2', '--verbose']);
      await waitFor('a job to run', async () => Object.values(await statuses(t.client, key)).includes('submitted'));

      // Two outages, each lasting until the worker has seen it (a retry in its log): in the first, a job ends
      // while the server is unreachable; the second starts once results flow again, cutting connections mid-run.
      const retries = () => (worker.log().match(/; retrying/g) ?? []).length;
      const ended = () => names.filter((n) => fs.existsSync(path.join(dir, `out-${n}.txt`))).length;
      const endedBefore = ended();
      await proxy.stop();
      await waitFor('the worker to retry and a job to end during the first outage', async () => retries() > 0 && ended() > endedBefore);
      await proxy.start();
      const stored = (await results(t.client, key)).length;
      await waitFor('a result to be stored after the first outage', async () => (await results(t.client, key)).length > stored);
      const seen = retries();
      await proxy.stop();
      // Backoff is capped at 10 s, so within 30 s some attempt meets the outage.
      await waitFor('the worker to retry during the second outage', async () => retries() > seen || worker.child.exitCode !== null, 30_000);
      await proxy.start();
      const exit = await finished(worker, 40_000);
      if (process.env.SHOW_LOG) console.log(exit.log);

      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason).toBe('complete');
      expect(exit.summary!.counts).toMatchObject({ done: 8, failed: 0, rejected: 0 });
      expect(exit.log).toMatch(/failed \(.*\); retrying/);
      expect(Object.values(await statuses(t.client, key))).toEqual(names.map(() => 'done'));
      const all = await results(t.client, key);
      expect(all.map((r) => r.job_key).sort()).toEqual((await jobs(t.client, key)).map((j) => j._key).sort());
      expect(all.every((r) => r.return_code === 0)).toBe(true);
    }, 120_000);
  });
});
