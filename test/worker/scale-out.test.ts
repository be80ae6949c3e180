// Scaling out as docs/deployment.md describes it: two server processes on one PostgreSQL database, sixteen
// `pipeloom worker` processes split between them, one workflow of short jobs in dependency chains, and
// one replica killed with SIGKILL mid-run and restarted on its port. Every job must run exactly once,
// whichever replica its worker talks to and whatever that replica was doing when it died. PostgreSQL only:
// SQLite is the one-server deployment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAllItems, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import { FAULT_SUITES, createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';
import { serverReady, startServerProcess, stopProcess, type ServerProcess } from '../helpers/server-process.ts';
import { createWorkflow, finished, startWorker, tempDir, waitFor, type WorkerProcess } from './helpers.ts';

// 10,000 jobs is the requirement, but a chained job costs about 57 ms of CPU across the replicas and workers
// (11 ms of it spawning `true`), PostgreSQL's share aside: 10,000 need over nine CPU-minutes, far past the
// file's 120 s budget on a 2-core machine. CI runs 1,000; set PIPELOOM_SCALE_OUT_JOBS=10000 for the full run.
const JOBS = Number(process.env.PIPELOOM_SCALE_OUT_JOBS ?? 1_000);
const CHAINS = 100;
const CHAIN_LENGTH = Math.ceil(JOBS / CHAINS);
const SERVERS = 2;
const WORKERS_PER_SERVER = 8;
/** The replica dies once this share of the jobs is done: mid-run, at a point the test can name. */
const KILL_AT = 0.3;
/** A safety net, not a target: a loaded 2-core machine runs about 10 chained jobs a second. */
const DEADLINE_MS = 120_000 + JOBS * 150;

/** How many jobs of the workflow are done, counted by the server. */
async function doneCount(client: PipeloomClient, workflow: string): Promise<number> {
  return (await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow }, query: { status: 'done', limit: 1 } } }))).total_count;
}

describe.runIf(FAULT_SUITES && PROVIDERS.includes('postgresql'))('pipeloom worker scaled out on PostgreSQL', () => {
  let database: TestDatabase | undefined;
  const servers: ServerProcess[] = [];
  const workers: WorkerProcess[] = [];
  let tmp: ReturnType<typeof tempDir> | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('postgresql');
    tmp = tempDir();
    // Started together on an empty database: they migrate it once, under the advisory lock.
    for (let i = 0; i < SERVERS; i++) servers.push(await startServerProcess(database.url));
    await Promise.all(servers.map((s) => serverReady(s, 120_000)));
  }, 150_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => stopProcess(w.child, w.exited, 5_000)));
    await Promise.all(servers.map((s) => stopProcess(s.child, s.exited)));
    await database?.drop();
    tmp?.remove();
  }, 60_000);

  it(`When ${SERVERS * WORKERS_PER_SERVER} workers on ${SERVERS} server processes run ${JOBS} chained jobs and one replica is killed with SIGKILL and restarted mid-run, then every job runs exactly once, the workflow completes and every worker exits 0`, async () => {
    const began = Date.now();
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const jobSpecs = [];
    for (let c = 0; c < CHAINS; c++) {
      for (let i = 0; i < CHAIN_LENGTH && jobSpecs.length < JOBS; i++) {
        // `true` is the cheapest job there is: the run measures the servers and workers, not the jobs.
        jobSpecs.push({ name: `c${c}-${i}`, command: 'true', ...(i > 0 ? { blocked_by: [`c${c}-${i - 1}`] } : {}) });
      }
    }
    // Created through one replica, served through both.
    const key = await createWorkflow(first.client, { name: 'scale-out', jobs: jobSpecs });
    const created = Date.now();

    for (const server of servers) {
      for (let i = 0; i < WORKERS_PER_SERVER; i++) workers.push(startWorker(server.url, key, tmp!.dir, ['--cpus', '4', '--memory', '4']));
    }
    const exiting = Promise.all(workers.map((w) => finished(w, DEADLINE_MS)));

    // Act: the first replica dies with requests in flight, and comes back on its port; its workers wait it out.
    await waitFor(`${KILL_AT * 100}% of the jobs to be done`, async () => (await doneCount(second.client, key)) >= JOBS * KILL_AT, DEADLINE_MS);
    first.child.kill('SIGKILL');
    await first.exited;
    const killed = Date.now();
    const doneAtKill = await doneCount(second.client, key);
    const restarted = await startServerProcess(database!.url, { port: first.port });
    servers[0] = restarted;
    await serverReady(restarted, 120_000);
    const back = Date.now();
    const doneAtRestart = await doneCount(restarted.client, key);
    expect(doneAtRestart, 'the workflow finished before the replica came back').toBeLessThan(JOBS);

    const exits = await exiting;
    const ran = Date.now();

    for (const exit of exits) {
      expect(exit.code, exit.log).toBe(0);
      expect(exit.summary!.reason, exit.log).toBe('complete');
    }
    // The killed replica's workers met the outage and retried through it.
    for (const exit of exits.slice(0, WORKERS_PER_SERVER)) expect(exit.log).toMatch(/failed \(.*\); retrying/);
    // The workers' own accounts: every job between them, none twice, none refused, and both replicas served jobs.
    const outcomes = exits.flatMap((e) => e.summary!.jobs);
    expect(new Set(outcomes.map((o) => o.job_key)).size).toBe(JOBS);
    expect(outcomes).toHaveLength(JOBS);
    expect(outcomes.every((o) => o.status === 'done' && o.return_code === 0 && o.accepted)).toBe(true);
    const perServer = [0, 1].map((s) => exits.slice(s * WORKERS_PER_SERVER, (s + 1) * WORKERS_PER_SERVER).reduce((n, e) => n + e.summary!.jobs.length, 0));
    expect(perServer.every((n) => n > 0), `jobs per server: ${perServer.join(', ')}`).toBe(true);

    // The server's account, read through the replica that stayed up: one result per job, all of run 1.
    const all = await listAllItems(({ skip, limit }) => unwrap(second.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: key }, query: { skip, limit } } })));
    expect(all).toHaveLength(JOBS);
    const byStatus: Record<string, number> = {};
    for (const j of all) byStatus[j.status!] = (byStatus[j.status!] ?? 0) + 1;
    expect(byStatus).toEqual({ done: JOBS });

    const results = await listAllItems(({ skip, limit }) => unwrap(second.client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow: key }, query: { skip, limit } } })));
    const perJob = new Map<string, number>();
    for (const r of results) perJob.set(r.job_key, (perJob.get(r.job_key) ?? 0) + 1);
    const notOnce = all.filter((j) => perJob.get(j._key!) !== 1).map((j) => `${j.name}: ${perJob.get(j._key!) ?? 0}`);
    expect(notOnce, 'jobs without exactly one result').toEqual([]);
    expect(results).toHaveLength(JOBS);
    expect(results.every((r) => r.run_id === 1 && r.return_code === 0 && r.status === 'done')).toBe(true);
    // Each job was handed out once: one `executed` edge from the compute node that claimed it, so no job
    // went back to the queue and ran again elsewhere.
    const edges = await listAllItems(({ skip, limit }) => unwrap(second.client.POST('/torc-service/workflows/{key}/join_by_inbound_edge/{collection}/{edge}', { params: { path: { key, collection: 'jobs', edge: 'executed' }, query: { skip, limit } }, body: {} })));
    const handedOut = new Map<string, number>();
    for (const row of edges) handedOut.set(String(row.to._key), (handedOut.get(String(row.to._key)) ?? 0) + 1);
    const notHandedOutOnce = all.filter((j) => handedOut.get(j._key!) !== 1).map((j) => `${j.name}: ${handedOut.get(j._key!) ?? 0}`);
    expect(notHandedOutOnce, 'jobs not handed out exactly once').toEqual([]);

    // Each chain ran in order: a job completed no earlier than the job it waits for.
    const keyOf = new Map(all.map((j) => [j.name!, j._key!]));
    const completedAt = new Map(results.map((r) => [r.job_key, Date.parse(r.completion_time)]));
    for (let c = 0; c < CHAINS; c++) {
      for (let i = 1; i < CHAIN_LENGTH && keyOf.has(`c${c}-${i}`); i++) {
        expect(completedAt.get(keyOf.get(`c${c}-${i}`)!)!).toBeGreaterThanOrEqual(completedAt.get(keyOf.get(`c${c}-${i - 1}`)!)!);
      }
    }

    const complete = await unwrap(restarted.client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key } } }));
    expect(complete).toMatchObject({ is_complete: true, is_canceled: false });
    // Both replicas are healthy: the one that stayed up and the restarted one.
    for (const server of servers) expect(server.child.exitCode, server.output()).toBeNull();

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`scale-out: created ${JOBS} jobs in ${s(created - began)}; ${exits.length} workers ran them in ${s(ran - created)} `
      + `(replica killed at ${doneAtKill} done, ${s(killed - created)} in; back after ${s(back - killed)} at ${doneAtRestart} done; `
      + `jobs per server ${perServer.join(' / ')}; claim wait ${exits.map((e) => e.summary!.claimWaitSeconds.toFixed(1)).join(', ')} s)`);
  }, DEADLINE_MS + 60_000);
});
