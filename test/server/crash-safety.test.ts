// Crash safety, with the real server as a subprocess killed by SIGKILL in the middle of its four largest
// writes: a 20,000-job workflow specification, a 10,000-job bulk insert, a PLynx graph SAVE of 1,500 nodes
// and a Dioptra job submission with its archive. "In the middle" is made deterministic by a fail point
// (PIPELOOM_FAIL_POINT, see packages/server/src/fail-points.ts): the server stops inside the write's open
// transaction, after some of its rows are written, says so on stderr, and is killed right then. After a
// restart on the same database and data folder: the server is ready, the object is not there at all (it
// was never committed) and can then be written whole, and the content store holds no file that no row
// references.
//
// One database and one server process per provider, killed and restarted by each test: each restart arms
// the next test's fail point, so the four crashes cost five server starts rather than eight, and the
// replacement process loads its code while the write under test runs (test/helpers/warm-start.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { failPointReached, type FailPoint } from '../../packages/server/src/fail-points.ts';
import { FAULT_SUITES, createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';

const root = path.resolve(import.meta.dirname, '../..');

const SPEC_JOBS = 20_000;
const SPEC_CHAIN = 100;
const BULK_JOBS = 10_000;
const GRAPH_NODES = 1_500;
const ARCHIVE_BYTES = 1024 * 1024;

/** The fail points in the order the tests below reach them; a restart arms the one after the crash's. */
const ORDER: FailPoint[] = ['torc.specification.jobs-inserted', 'torc.bulk-jobs.jobs-inserted', 'plynx.graph-save.written', 'dioptra.job-submission.run-started'];

/** Polls `check` until it answers a value (not undefined) or `ms` pass. */
async function until<T>(what: string, ms: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

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
  armed: FailPoint | undefined;
  output: () => string;
  exited: Promise<void>;
}

/**
 * A server process on `databaseUrl` and `dataDir` with `armed` as its fail point: main.ts from the sources,
 * as `npm start` runs it, behind test/helpers/warm-start.ts, which loads the code and then waits for
 * `start()` before running main.ts.
 */
async function spawnServer(databaseUrl: string, dataDir: string, armed: FailPoint | undefined): Promise<ServerProcess & { start(): Promise<ServerProcess> }> {
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env, NODE_OPTIONS: '', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: databaseUrl, PIPELOOM_DATA_DIR: dataDir, LOG_LEVEL: 'warn',
    PIPELOOM_FAIL_POINT: armed ?? '',
  };
  delete env.PIPELOOM_TOKENS;
  const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', path.join(root, 'test/helpers/warm-start.ts')], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const server: ServerProcess = { child, url: `http://127.0.0.1:${port}`, armed, output: () => output, exited };
  return {
    ...server,
    async start() {
      child.stdin!.end('start\n');
      // Ready means the database answers with every migration applied.
      await until('the server to be ready', 60_000, async () => {
        if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
        const r = await fetch(`${server.url}/readyz`).catch(() => null);
        return r?.ok ? true : undefined;
      });
      return server;
    },
  };
}

describe.skipIf(!FAULT_SUITES).each(PROVIDERS)('Crash safety on %s', (provider) => {
  let database: TestDatabase;
  let dataDir: string;
  let db: Database;
  let server: ServerProcess | undefined;
  /** The next server, loading its code while the current one works; started once that one is dead. */
  let spare: Awaited<ReturnType<typeof spawnServer>> | undefined;

  /** A spare armed with `failPoint`: the one loading already, or a new one. */
  async function spareArmedWith(failPoint: FailPoint | undefined) {
    let ready = spare;
    spare = undefined;
    if (!ready || ready.armed !== failPoint || ready.child.exitCode !== null) {
      if (ready) await kill(ready);
      ready = await spawnServer(database.url, dataDir, failPoint);
    }
    return ready;
  }

  const content = () => path.join(dataDir, 'content');
  const send = (method: string, route: string, body: unknown) =>
    fetch(`${server!.url}${route}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = async (r: Response) => ({ status: r.status, body: await r.json() as Record<string, unknown> });

  /** A running server with `failPoint` armed: the one left by the previous test, or a new one. */
  async function serverArmedWith(failPoint: FailPoint): Promise<ServerProcess> {
    if (server && server.child.exitCode === null && server.armed === failPoint) return server;
    if (server) await kill(server);
    server = await (await spawnServer(database.url, dataDir, failPoint)).start();
    return server;
  }

  async function kill(s: ServerProcess): Promise<void> {
    if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await s.exited;
  }

  /**
   * Starts `write`, waits until the server reports it stopped at `failPoint` inside the write's transaction,
   * kills it with SIGKILL, restarts it on the same database and data folder (arming the next test's fail
   * point), and answers how the interrupted request ended and what the content store held when it died.
   */
  async function crashDuring(failPoint: FailPoint, write: () => Promise<Response>): Promise<{ outcome: string; leftInContent: string[] }> {
    const s = await serverArmedWith(failPoint);
    const next = ORDER.indexOf(failPoint) + 1;
    const replacement = await spareArmedWith(ORDER[next]);
    const request = write().then((r) => `answered ${r.status}`, (e: Error) => `failed: ${e.message}`);
    await until(`fail point ${failPoint}`, 60_000, () => {
      if (s.child.exitCode !== null) throw new Error(`the server exited before the fail point:\n${s.output()}`);
      return s.output().includes(failPointReached(failPoint)) ? true : undefined;
    });
    await kill(s);
    const outcome = await request;
    const leftInContent = fs.readdirSync(content());
    // Files written just now count as in flight for another hour; this restart is as if that hour had passed.
    for (const f of fs.readdirSync(content())) {
      const then = new Date(Date.now() - 2 * 3_600_000);
      fs.utimesSync(path.join(content(), f), then, then);
    }
    server = await replacement.start();
    // The test after the next one will need a server armed with its own fail point: let it load meanwhile.
    if (next < ORDER.length) spare = await spawnServer(database.url, dataDir, ORDER[next + 1]);
    return { outcome, leftInContent };
  }

  /** Files in the content store that no row references (every family's references, read from the tables). */
  async function unreferencedContent(): Promise<string[]> {
    const jobs = await db.db.dioptraJob.findMany({ select: { contentKey: true, logKey: true } });
    const referenced = new Set(jobs.flatMap((j) => (j.logKey ? [j.contentKey, j.logKey] : [j.contentKey])));
    return fs.readdirSync(content()).filter((f) => !referenced.has(f));
  }

  async function expectCleanStart(): Promise<void> {
    expect((await fetch(`${server!.url}/readyz`)).status).toBe(200);
    if (provider === 'sqlite') expect(await db.db.$queryRawUnsafe('PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
    // Collection runs once the server listens: wait for it, then show whatever is still left.
    await until('content no row references to be collected', 30_000, async () => ((await unreferencedContent()).length ? undefined : true)).catch(() => undefined);
    expect(await unreferencedContent()).toEqual([]);
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-crash-'));
    server = await (await spawnServer(database.url, dataDir, ORDER[0])).start();
    spare = await spawnServer(database.url, dataDir, ORDER[1]);
    db = await openDatabase(database.url, { migrate: false });
  }, 90_000);

  afterAll(async () => {
    for (const s of [server, spare]) if (s) await kill(s);
    await db?.close();
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it(`When the server is killed while it writes a workflow specification of ${SPEC_JOBS} jobs, then after a restart there is no trace of the workflow and the same specification is then stored whole`, async () => {
    const name = `spec-${crypto.randomUUID()}`;
    const jobs = Array.from({ length: SPEC_JOBS }, (_, i) => ({
      name: `j${i}`, command: 'true', ...(i % SPEC_CHAIN ? { blocked_by: [`j${i - 1}`] } : {}),
    }));
    const spec = { name, user: 'tester', jobs };

    const { outcome, leftInContent } = await crashDuring('torc.specification.jobs-inserted', () => send('POST', '/torc-service/workflow_specifications', spec));

    expect(outcome).toMatch(/^failed/);
    expect(leftInContent).toEqual([]);
    await expectCleanStart();
    expect(await db.db.torcWorkflow.count({ where: { name } })).toBe(0);
    expect(await db.db.torcJob.count()).toBe(0);
    expect(await db.db.torcEdge.count()).toBe(0);
    // Nothing half-written stands in the way: the same specification is stored, every job and every edge.
    const stored = await json(await send('POST', '/torc-service/workflow_specifications', spec));
    expect(stored.status).toBe(200);
    const workflowId = Number(stored.body._key);
    expect(await db.db.torcJob.count({ where: { workflowId } })).toBe(SPEC_JOBS);
    expect(await db.db.torcEdge.count({ where: { workflowId, name: 'blocks' } })).toBe(SPEC_JOBS - SPEC_JOBS / SPEC_CHAIN);
  }, 120_000);

  it(`When the server is killed while it inserts ${BULK_JOBS} jobs in bulk, then after a restart the workflow has none of them, and then all of them`, async () => {
    await serverArmedWith('torc.bulk-jobs.jobs-inserted');
    const workflow = await json(await send('POST', '/torc-service/workflows', { name: `bulk-${crypto.randomUUID()}`, user: 'tester' }));
    expect(workflow.status).toBe(200);
    const key = String(workflow.body._key);
    const workflowId = Number(key);
    const body = { jobs: Array.from({ length: BULK_JOBS }, (_, i) => ({ name: `b${i}`, command: `echo ${i}` })) };

    const { outcome, leftInContent } = await crashDuring('torc.bulk-jobs.jobs-inserted', () => send('POST', `/torc-service/workflows/${key}/bulk_jobs`, body));

    expect(outcome).toMatch(/^failed/);
    expect(leftInContent).toEqual([]);
    await expectCleanStart();
    expect(await db.db.torcWorkflow.count({ where: { id: workflowId } })).toBe(1);
    expect(await db.db.torcJob.count({ where: { workflowId } })).toBe(0);
    const inserted = await json(await send('POST', `/torc-service/workflows/${key}/bulk_jobs`, body));
    expect(inserted.status).toBe(200);
    expect(await db.db.torcJob.count({ where: { workflowId } })).toBe(BULK_JOBS);
  }, 120_000);

  it(`When the server is killed while it saves a PLynx graph of ${GRAPH_NODES} nodes, then after a restart the graph is not there, and a save then stores every node`, async () => {
    const graph = plynxGraph(GRAPH_NODES);
    const read = () => fetch(`${server!.url}/plynx/api/v0/graphs/${graph._id}`);

    const { outcome, leftInContent } = await crashDuring('plynx.graph-save.written', () => send('POST', '/plynx/api/v0/graphs', { graph, actions: ['SAVE'] }));

    expect(outcome).toMatch(/^failed/);
    expect(leftInContent).toEqual([]);
    await expectCleanStart();
    expect((await read()).status).toBe(404);
    expect(await db.db.plynxGraph.count()).toBe(0);
    const saved = await json(await send('POST', '/plynx/api/v0/graphs', { graph, actions: ['SAVE'] }));
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const stored = await json(await read());
    const nodes = (stored.body.data as { nodes: Array<{ _id: string }> }).nodes;
    expect(nodes.map((n) => n._id)).toEqual(graph.nodes.map((n) => n._id));
  }, 120_000);

  it('When the server is killed while it records a Dioptra job whose archive is already stored, then after a restart there is no job, no engine run and no archive, and a new submission is stored whole', async () => {
    await serverArmedWith('dioptra.job-submission.run-started');
    for (const what of ['experiment', 'queue']) {
      const r = await fetch(`${server!.url}/api/${what}/`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ name: 'crash' }) });
      expect(r.status).toBe(200);
    }
    const archive = crypto.randomBytes(ARCHIVE_BYTES);
    const submit = () => {
      const form = new FormData();
      for (const [k, v] of Object.entries({ experiment_name: 'crash', queue: 'crash', entry_point: 'main' })) form.append(k, v);
      form.append('workflow', new Blob([new Uint8Array(archive)]), 'workflows.tar.gz');
      return fetch(`${server!.url}/api/job/`, { method: 'POST', body: form });
    };
    const runsBefore = await db.db.torcWorkflow.count();

    const { outcome, leftInContent } = await crashDuring('dioptra.job-submission.run-started', submit);

    expect(outcome).toMatch(/^failed/);
    // The archive was stored before the transaction that would have recorded it: the crash orphaned it.
    expect(leftInContent).toEqual([expect.stringMatching(/^dioptra-workflow-/)]);
    await expectCleanStart();
    expect(await db.db.dioptraJob.count()).toBe(0);
    expect(await db.db.torcWorkflow.count()).toBe(runsBefore);
    expect(fs.readdirSync(content())).toEqual([]);
    const submitted = await json(await submit());
    expect(submitted.status).toBe(200);
    const job = await db.db.dioptraJob.findUniqueOrThrow({ where: { jobId: String(submitted.body.jobId) } });
    expect(fs.readFileSync(path.join(content(), job.contentKey)).equals(archive)).toBe(true);
    expect(job.runWorkflowKey).not.toBeNull();
    expect(await unreferencedContent()).toEqual([]);
  }, 120_000);
});

/** A PLynx graph of `count` python operations, each reading the previous one's output. */
function plynxGraph(count: number) {
  const oid = () => crypto.randomBytes(12).toString('hex');
  const nodes: Array<Record<string, unknown> & { _id: string }> = [];
  for (let i = 0; i < count; i++) {
    const previous = nodes[i - 1];
    nodes.push({
      _id: oid(), title: `op ${i}`, description: '', base_node_name: 'python', node_status: 'READY', node_running_status: 'CREATED', parent_node: null,
      inputs: [{ name: 'in', file_types: ['file'], values: previous ? [{ node_id: previous._id, output_id: 'out', resource_id: null }] : [], min_count: 0, max_count: 1 }],
      outputs: [{ name: 'out', file_type: 'file', resource_id: null }],
      parameters: [{ name: 'cmd', parameter_type: 'code', value: { value: `print(${i})\n`, mode: 'python' }, mutable_type: false, removable: false, publicable: false, widget: null }],
    });
  }
  return { _id: oid(), title: 'crash', description: '', graph_running_status: 'CREATED', nodes };
}
