// A PostgreSQL restart under a running workflow. The shared PostgreSQL cluster is not restarted (other suites
// use it): the server reaches its database through a TCP proxy that plays the restart, telling every session
// FATAL 57P01 as PostgreSQL does, closing them and refusing new connections, then accepting again. Meanwhile
// the server must answer 503 with Retry-After, stay up, and afterwards serve again without a restart.
// PostgreSQL only: SQLite has no database server to lose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAllItems, unwrap } from '@pipeloom/sdk';
import { FAULT_SUITES, createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';
import { serverReady, startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { createWorkflow, finished, startWorker, tempDir, waitFor, type WorkerProcess } from './helpers.ts';

const JOBS = 200;
const WORKERS = 2;

describe.runIf(FAULT_SUITES && PROVIDERS.includes('postgresql'))('the server through a PostgreSQL restart', () => {
  let database: TestDatabase | undefined;
  let proxy: TcpProxy | undefined;
  let server: ServerProcess | undefined;
  const workers: WorkerProcess[] = [];
  let tmp: ReturnType<typeof tempDir> | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    const direct = new URL(database.url);
    proxy = await tcpProxy(Number(direct.port || 5432), direct.hostname);
    const proxied = new URL(database.url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    server = await startServerProcess(proxied.toString());
    await serverReady(server);
    tmp = tempDir();
  }, 90_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child, w.exited, 5_000)));
    if (server) await stopProcess(server.child, server.exited);
    await proxy?.stop();
    await database?.drop();
    tmp?.remove();
  }, 60_000);

  it(`When PostgreSQL restarts while ${WORKERS} workers run ${JOBS} jobs, then the server answers 503 with Retry-After meanwhile, stays up, recovers by itself and the workflow completes with every job run once`, async () => {
    const { client, url } = server!;
    const key = await createWorkflow(client, { name: 'database-restart', jobs: Array.from({ length: JOBS }, (_, i) => ({ name: `j${i}`, command: 'true' })) });
    for (let i = 0; i < WORKERS; i++) workers.push(startWorker(url, key, tmp!.dir, ['--cpus', '4', '--memory', '4']));
    const done = async () => (await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key }, query: { status: 'done', limit: 1 } } }))).total_count;

    // Arrange: the restart comes once a quarter of the jobs are done, so it lands mid-run.
    await waitFor('a quarter of the jobs to be done', async () => (await done()) >= JOBS / 4, 60_000);
    const pid = server!.child.pid;

    // Act: the database goes away.
    await proxy!.stop({ postgresShutdown: true });

    // Assert: the API answers 503 DATABASE_BUSY with Retry-After, in Torc's error shape; so does a write.
    const read = await client.GET('/torc-service/workflows/{key}', { params: { path: { key } } });
    expect(read.response.status).toBe(503);
    expect(Number(read.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(read.error).toMatchObject({ error: true, code: 503, pipeloomCode: 'DATABASE_BUSY' });
    const write = await client.POST('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: key } }, body: { category: 'test', type: 'probe' } });
    expect(write.response.status).toBe(503);
    expect(Number(write.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(write.error).toMatchObject({ pipeloomCode: 'DATABASE_BUSY' });
    // The probes tell orchestrators: alive, not ready, come back later.
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const readyz = await fetch(`${url}/readyz`);
    expect(readyz.status).toBe(503);
    expect(Number(readyz.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await readyz.json()).toMatchObject({ status: 'not ready' });
    // The database stays down until every worker has been answered 503 and has missed a heartbeat (they come
    // every 5 s), so the outage spans the workers' calls of every kind.
    await waitFor('every worker to be answered 503 and miss a heartbeat', async () =>
      workers.every((w) => /failed \(503 DATABASE_BUSY/.test(w.log()) && /heartbeat failed \(503 DATABASE_BUSY/.test(w.log())), 30_000);
    expect(server!.child.exitCode, server!.output()).toBeNull();

    // The database is back: the same server process serves again, without being restarted.
    await proxy!.start();
    await waitFor('/readyz to report ready', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
    expect((await client.GET('/torc-service/workflows/{key}', { params: { path: { key } } })).response.status).toBe(200);
    expect(server!.child.pid).toBe(pid);

    const exits = await Promise.all(workers.map((w) => finished(w, 120_000)));
    for (const exit of exits) {
      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason, exit.log).toBe('complete');
    }
    // Every job ran once: the workers report each job once, all accepted; the server holds one result per job.
    const outcomes = exits.flatMap((e) => e.summary!.jobs);
    expect(outcomes).toHaveLength(JOBS);
    expect(new Set(outcomes.map((o) => o.job_key)).size).toBe(JOBS);
    expect(outcomes.every((o) => o.status === 'done' && o.return_code === 0 && o.accepted)).toBe(true);
    const results = await listAllItems(({ skip, limit }) => unwrap(client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow: key }, query: { skip, limit } } })));
    expect(results).toHaveLength(JOBS);
    expect(new Set(results.map((r) => r.job_key)).size).toBe(JOBS);
    expect(await unwrap(client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key } } }))).toMatchObject({ is_complete: true });
    expect(server!.child.exitCode, server!.output()).toBeNull();
    expect(server!.output()).not.toMatch(/uncaught|shutting down after an error/i);
  }, 240_000);
});
