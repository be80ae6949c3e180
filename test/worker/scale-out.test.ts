// Scaling out as docs/deployment.md describes it: two server processes on one PostgreSQL database, eight
// `pipeloom worker` processes split between them, one workflow of 2,000 short jobs in dependency chains.
// Every job must run exactly once, whichever replica its worker talks to. PostgreSQL only: SQLite is the
// one-server deployment.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, listAllItems, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import { createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';
import { createWorkflow, finished, pause, root, startWorker, tempDir, type WorkerProcess } from './helpers.ts';

const CHAINS = 20;
const CHAIN_LENGTH = 100;
const SERVERS = 2;
const WORKERS_PER_SERVER = 4;

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

interface ServerProcess {
  child: ChildProcess;
  url: string;
  client: PipeloomClient;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` without npm: the server's main module from the TypeScript sources, configured by the environment. */
async function startServerProcess(databaseUrl: string): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  delete env.PIPELOOM_TOKENS;
  const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', path.join(root, 'packages/server/src/main.ts')], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  return { child, url, client: createPipeloomClient({ baseUrl: url }), output: () => output, exited };
}

/** Waits until the server answers its ping (it migrates the database first). */
async function ready(server: ServerProcess, ms = 45_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`the server exited with ${server.child.exitCode}:\n${server.output()}`);
    try {
      const r = await fetch(`${server.url}/torc-service/ping`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server at ${server.url} did not answer within ${ms} ms:\n${server.output()}`);
    await pause(100);
  }
}

/** SIGTERM (the server drains and exits 0), SIGKILL if it lingers. */
async function stop(child: ChildProcess, exited: Promise<unknown>, ms = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

describe.runIf(PROVIDERS.includes('postgresql'))('pipeloom worker scaled out on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  const workers: WorkerProcess[] = [];
  let tmp: ReturnType<typeof tempDir> | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    tmp = tempDir();
    // Started together on an empty database: they migrate it once, under the advisory lock.
    for (let i = 0; i < SERVERS; i++) servers.push(await startServerProcess(database.url));
    await Promise.all(servers.map((s) => ready(s)));
  }, 90_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stop(w.child, w.exited, 5_000)));
    await Promise.all(servers.map((s) => stop(s.child, s.exited)));
    await database?.drop();
    tmp?.remove();
  }, 60_000);

  it(`When ${SERVERS * WORKERS_PER_SERVER} workers on ${SERVERS} server processes share one database and run ${CHAINS * CHAIN_LENGTH} chained jobs, then every job runs exactly once, the workflow completes and every worker exits 0`, async () => {
    const began = Date.now();
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const jobSpecs = [];
    for (let c = 0; c < CHAINS; c++) {
      for (let i = 0; i < CHAIN_LENGTH; i++) {
        jobSpecs.push({ name: `c${c}-${i}`, command: 'true', ...(i > 0 ? { blocked_by: [`c${c}-${i - 1}`] } : {}) });
      }
    }
    // Created through one replica, served through both.
    const key = await createWorkflow(first.client, { name: 'scale-out', jobs: jobSpecs });
    const created = Date.now();

    for (const server of servers) {
      for (let i = 0; i < WORKERS_PER_SERVER; i++) workers.push(startWorker(server.url, key, tmp!.dir, ['--cpus', '2', '--memory', '2']));
    }
    const exits = await Promise.all(workers.map((w) => finished(w, 270_000)));
    const ran = Date.now();

    for (const exit of exits) {
      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason, exit.log).toBe('complete');
    }
    // The workers' own accounts: 2,000 jobs between them, none twice, none refused, and both replicas served jobs.
    const outcomes = exits.flatMap((e) => e.summary!.jobs);
    expect(outcomes).toHaveLength(CHAINS * CHAIN_LENGTH);
    expect(new Set(outcomes.map((o) => o.job_key)).size).toBe(CHAINS * CHAIN_LENGTH);
    expect(outcomes.every((o) => o.status === 'done' && o.return_code === 0 && o.accepted)).toBe(true);
    const perServer = [0, 1].map((s) => exits.slice(s * WORKERS_PER_SERVER, (s + 1) * WORKERS_PER_SERVER).reduce((n, e) => n + e.summary!.jobs.length, 0));
    expect(perServer.every((n) => n > 0), `jobs per server: ${perServer.join(', ')}`).toBe(true);

    // The server's account, read through the other replica: one result per job, all of run 1.
    const all = await listAllItems(({ skip, limit }) => unwrap(second.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key }, query: { skip, limit } } })));
    expect(all).toHaveLength(CHAINS * CHAIN_LENGTH);
    const byStatus: Record<string, number> = {};
    for (const j of all) byStatus[j.status!] = (byStatus[j.status!] ?? 0) + 1;
    expect(byStatus).toEqual({ done: CHAINS * CHAIN_LENGTH });

    const results = await listAllItems(({ skip, limit }) => unwrap(second.client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow: key }, query: { skip, limit } } })));
    const perJob = new Map<string, number>();
    for (const r of results) perJob.set(r.job_key, (perJob.get(r.job_key) ?? 0) + 1);
    const notOnce = all.filter((j) => perJob.get(j._key!) !== 1).map((j) => `${j.name}: ${perJob.get(j._key!) ?? 0}`);
    expect(notOnce, 'jobs without exactly one result').toEqual([]);
    expect(results).toHaveLength(CHAINS * CHAIN_LENGTH);
    expect(results.every((r) => r.run_id === 1 && r.return_code === 0 && r.status === 'done')).toBe(true);

    // Each chain ran in order: a job completed no earlier than the job it waits for.
    const keyOf = new Map(all.map((j) => [j.name!, j._key!]));
    const completedAt = new Map(results.map((r) => [r.job_key, Date.parse(r.completion_time)]));
    for (let c = 0; c < CHAINS; c++) {
      for (let i = 1; i < CHAIN_LENGTH; i++) {
        expect(completedAt.get(keyOf.get(`c${c}-${i}`)!)!).toBeGreaterThanOrEqual(completedAt.get(keyOf.get(`c${c}-${i - 1}`)!)!);
      }
    }

    const complete = await unwrap(first.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key } } }));
    expect(complete).toMatchObject({ is_complete: true, is_canceled: false });
    // Both replicas are still healthy.
    for (const server of servers) expect(server.child.exitCode, server.output()).toBeNull();

    console.log(`scale-out: created ${CHAINS * CHAIN_LENGTH} jobs in ${((created - began) / 1000).toFixed(1)} s; `
      + `${exits.length} workers ran them in ${((ran - created) / 1000).toFixed(1)} s (jobs per server ${perServer.join(' / ')}; `
      + `claim wait ${exits.map((e) => e.summary!.claimWaitSeconds.toFixed(1)).join(', ')} s)`);
  }, 300_000);
});
