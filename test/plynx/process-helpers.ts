// A PLynx server that can be stopped and started again on the same database, data folder and port (for
// server restarts under a running worker), with a node lease of its choosing, plus the operations, graphs and
// reads the real-process suites share.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { createPipeloomClient, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { startServer, type RunningServer } from '../../packages/server/src/index.ts';
import { createTestDatabase, type Provider } from '../helpers/server.ts';
import { startQueueWorker, waitFor } from '../worker/helpers.ts';
import { oid, type Graph, type Node } from './plynx-fixture.ts';

export interface RestartablePlynx {
  /** The server's URL; the same across restarts. */
  url: string;
  clock: ManualClock;
  alice: PipeloomClient;
  aliceToken: string;
  /** Stops the server (its database and data folder stay). */
  stop(): Promise<void>;
  /** Starts it again on the same port, database, data folder and clock. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A server with the user alice (and her API token) whose time moves only when the test says so. */
export async function startRestartablePlynx(provider: Provider, { nodeLeaseSeconds = 120 } = {}): Promise<RestartablePlynx> {
  const database = await createTestDatabase(provider);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-data-'));
  const clock = new ManualClock();
  let port = 0;
  let server: RunningServer | undefined;
  const start = async () => {
    server = await startServer({
      dataDir,
      port,
      host: '127.0.0.1',
      databaseUrl: database.url,
      logLevel: process.env.LOG_LEVEL ?? 'silent',
      tokens: [],
      families: { torc: { nodeLeaseSeconds } },
      validateResponses: true,
      clock,
    });
    port = server.port;
  };
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  await start();
  const admin = await openDatabase(database.url, { migrate: false });
  const identity = createIdentity(admin.db);
  await identity.addUser('alice', { password: 'alice-pw' });
  const aliceToken = await identity.issueToken('alice');
  await admin.close();
  // The single-user check is remembered for a second of server time.
  clock.advance(1_000);
  const url = server!.url;
  return {
    url,
    clock,
    alice: createPipeloomClient({ baseUrl: url, token: aliceToken }),
    aliceToken,
    stop,
    start,
    async close() {
      await stop();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** An operation from the server's `bash_jinja2` or `python` template with the given script, inputs and outputs, approved. */
export async function approvedOperation(client: PipeloomClient, base: 'bash_jinja2' | 'python', title: string, cmd: string, io: { inputs?: string[]; outputs?: string[] }): Promise<Node> {
  const template = (await unwrap(client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: base } } }))).data;
  const node: Node = {
    ...template,
    _id: oid(),
    title,
    inputs: (io.inputs ?? []).map((name) => ({ name, file_types: ['file'], values: [], min_count: 1, max_count: 1 })),
    outputs: (io.outputs ?? []).map((name) => ({ name, file_type: 'file', resource_id: null })),
    parameters: [
      { name: 'cmd', parameter_type: 'code', value: { value: cmd, mode: base === 'python' ? 'python' : 'sh' }, mutable_type: false, removable: false, publicable: false, widget: null },
      ...template.parameters!.filter((param) => param.name !== 'cmd'),
    ],
  };
  expect((await client.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } })).data).toMatchObject({ status: 'SUCCESS' });
  return node;
}

/** A File node holding `text`, uploaded as a client does (multipart `upload_file`). */
export async function uploadFile(url: string, token: string, title: string, text: string): Promise<Node> {
  const form = new FormData();
  form.append('data', new Blob([text]), `${title}.txt`);
  form.append('title', title);
  const res = await fetch(`${url}/plynx/api/v0/upload_file`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { node: Node }).node;
}

export async function approveGraph(client: PipeloomClient, g: Graph): Promise<void> {
  expect((await client.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } })).data).toMatchObject({ status: 'SUCCESS' });
}

export async function readGraph(client: PipeloomClient, id: string): Promise<Graph> {
  return (await unwrap(client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } }))).data;
}

/** Polls the graph every 150 ms until `check` holds, answering the graph read then. */
export function graphWhen(client: PipeloomClient, id: string, what: string, check: (g: Graph) => boolean, ms = 30_000): Promise<Graph> {
  return waitFor(what, async () => {
    const g = await readGraph(client, id);
    return check(g) ? g : undefined;
  }, ms);
}

export async function resourceText(url: string, resourceId: string): Promise<string> {
  return (await fetch(`${url}/plynx/api/v0/resource/${resourceId}`)).text();
}

/** A `pipeloom worker --queue plynx` process for alice, in `cwd`. */
export const plynxWorker = (url: string, token: string, cwd: string) => startQueueWorker(url, 'plynx', cwd, ['--token', token, '--cpus', '2', '--memory', '1']);

/** The pid a script wrote into `file`, once it is there. */
export const pidIn = (file: string, ms = 30_000) => waitFor(`a pid in ${file}`, async () => {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  return /^\d+$/.test(text) ? Number(text) : undefined;
}, ms);

/** Whether a process still runs: a killed one left a zombie until some parent reaps it counts as gone. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (!fs.existsSync('/proc/self/stat')) return true;
  try {
    // The state follows the parenthesized command name in /proc/<pid>/stat (Linux).
    return !/\)\s+Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Kills a process group (a node's script runs in its own), ignoring one already gone. */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
