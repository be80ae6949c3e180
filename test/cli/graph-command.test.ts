// `pipeloom graph status|approve|cancel`: the command functions driven in-process against the real server,
// --wait against a scripted sequence of graph states with an injected sleep, and the shipped bin's help.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, type PipeloomClient } from '@pipeloom/sdk';
import type { components } from '@pipeloom/sdk/generated';
import { graphApprove, graphCancel, graphStatus, type GraphCommandContext } from '../../packages/sdk/src/cli/graph-command.ts';
import { formatGraphSummary, summarizeGraph } from '../../packages/sdk/src/cli/graph/summary.ts';
import { openDatabase } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { PROVIDERS } from '../helpers/server.ts';
import { graph, instance, operation, startPlynx, type Graph, type Node, type PlynxFixture } from '../plynx/plynx-fixture.ts';
import { root } from './helpers.ts';

type NodeRunningStatus = components['schemas']['PlynxNodeRunningStatus'];
type GraphRunningStatus = components['schemas']['PlynxGraphRunningStatus'];

/** A stream that keeps what is written to it; `tty` makes it claim to be a terminal. */
function capture(tty = false): Writable & { text: () => string; isTTY?: boolean } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return Object.assign(stream, { text: () => text }, tty ? { isTTY: true, columns: 200 } : {});
}

interface Harness {
  ctx: GraphCommandContext;
  stdout: ReturnType<typeof capture>;
  stderr: ReturnType<typeof capture>;
  /** Every sleep asked for, in milliseconds. */
  sleeps: number[];
}

/** A context around `client` whose sleep returns at once and whose clock stands still. */
function harness(client: PipeloomClient, url: string, extra: Partial<GraphCommandContext> = {}, tty = false): Harness {
  const stdout = capture(tty);
  const stderr = capture();
  const sleeps: number[] = [];
  const ctx: GraphCommandContext = {
    client,
    url,
    stdout,
    stderr,
    sleep: async (ms) => { sleeps.push(ms); },
    now: () => new Date('2026-01-02T03:04:05Z'),
    ...extra,
  };
  return { ctx, stdout, stderr, sleeps };
}

/** A port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Runs the shipped `pipeloom` bin with `args`. */
function runBin(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, CI: 'true' };
  delete env.PIPELOOM_URL;
  delete env.PIPELOOM_TOKEN;
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, [path.join(root, 'packages/sdk/bin/pipeloom.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('graph summaries', () => {
  it('When a graph has files and operations in several states, then files are left out and done counts SUCCESS and RESTORED', () => {
    const node = (status: NodeRunningStatus, base = 'python') => ({ _id: `n${Math.random()}`, base_node_name: base, node_running_status: status });
    const g: Graph = {
      _id: 'g1', title: 'Mixed', graph_running_status: 'RUNNING',
      nodes: [node('STATIC', 'file'), node('IN_QUEUE'), node('SUCCESS'), node('RUNNING'), node('SUCCESS'), node('RESTORED'), node('STATIC', 'file')],
    };
    const summary = summarizeGraph(g);
    expect(summary).toEqual({ id: 'g1', title: 'Mixed', status: 'RUNNING', total: 5, done: 3, nodes: { SUCCESS: 2, RESTORED: 1, RUNNING: 1, IN_QUEUE: 1 } });
    expect(formatGraphSummary(summary)).toBe('RUNNING  3/5 nodes done (SUCCESS 2, RESTORED 1, RUNNING 1, IN_QUEUE 1)');
  });
});

describe('pipeloom graph --help', () => {
  it('When a user asks the bin for help, then graph is listed and each subcommand documents its options and exit statuses', async () => {
    const top = await runBin(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^ {2}graph /m);
    const help = await runBin(['graph', '--help']);
    for (const command of ['approve', 'cancel', 'status']) expect(help.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    expect(help.stdout).toMatch(/Exit status:[\s\S]*3 {2}the server cannot be reached/);
    expect(help.stdout).toContain('PIPELOOM_TOKEN');
    const approve = await runBin(['graph', 'approve', '--help']);
    expect(approve.stdout).toMatch(/--url <url>[\s\S]*--token <token>[\s\S]*--json[\s\S]*--wait[\s\S]*--interval <seconds>/);
  });

  it('When a subcommand is misused, then it exits 2 and says what is wrong', async () => {
    const missing = await runBin(['graph', 'status']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'id'");
    const badInterval = await runBin(['graph', 'approve', 'x', '--wait', '--interval', '0']);
    expect(badInterval.code).toBe(2);
    expect(badInterval.stderr).toContain('--interval must be a positive number of seconds');
  });
});

describe.each(PROVIDERS)('pipeloom graph against the server on %s', (provider) => {
  let p: PlynxFixture;
  let producer: Node;
  let consumer: Node;

  async function libraryOperation(node: Node): Promise<Node> {
    await p.alice.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } });
    return (await p.alice.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: node._id! } } })).data!.data;
  }

  /** Saves a graph as alice and answers its id. */
  async function saved(g: Graph): Promise<string> {
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['SAVE'] } });
    expect(r.data).toMatchObject({ status: 'SUCCESS' });
    return g._id!;
  }

  const pipeline = (title: string) => {
    const a = instance(producer);
    return graph(title, [a, instance(consumer, { in: [[a, 'out']] })]);
  };
  const status = async (id: string) => (await p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } })).data!.data.graph_running_status;

  beforeAll(async () => {
    p = await startPlynx(provider);
    producer = await libraryOperation(operation('Produce', { outputs: ['out'] }));
    consumer = await libraryOperation(operation('Consume', { inputs: ['in'], outputs: ['result'] }));
  });
  afterAll(async () => p?.close());

  it('When status is asked of a stored graph, then its title, status and node counts are printed, or JSON with --json', async () => {
    const id = await saved(pipeline('Counted'));
    const h = harness(p.alice, p.t.url);
    expect(await graphStatus(id, {}, h.ctx)).toBe(0);
    expect(h.stdout.text()).toBe(`graph ${id}: Counted\nCREATED  0/2 nodes done (CREATED 2)\n`);
    const j = harness(p.alice, p.t.url);
    expect(await graphStatus(id, { json: true }, j.ctx)).toBe(0);
    expect(JSON.parse(j.stdout.text())).toEqual({ id, title: 'Counted', status: 'CREATED', total: 2, done: 0, nodes: { CREATED: 2 } });
  });

  it('When the bin is run with PIPELOOM_URL and PIPELOOM_TOKEN set, then it reads the graph from that server as that user', async () => {
    const id = await saved(pipeline('Through the bin'));
    const admin = await openDatabase(p.t.databaseUrl, { migrate: false });
    const token = await createIdentity(admin.db).issueToken('alice').finally(() => admin.close());
    const r = await runBin(['graph', 'status', id], { PIPELOOM_URL: p.t.url, PIPELOOM_TOKEN: token });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`graph ${id}: Through the bin\nCREATED  0/2 nodes done (CREATED 2)\n`);
    expect(r.code).toBe(0);
    const missing = await runBin(['graph', 'cancel', id, '--url', p.t.url, '--token', 'not-a-token']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the server refused the credentials (401)');
  });

  it('When a graph does not exist, then status, approve and cancel say so and exit 2', async () => {
    for (const [name, run] of [['status', graphStatus], ['approve', graphApprove], ['cancel', graphCancel]] as const) {
      const h = harness(p.alice, p.t.url);
      expect(await run('65f2c0de9a1b4c0012ab1001', {}, h.ctx)).toBe(2);
      expect(h.stderr.text()).toBe(`pipeloom graph ${name}: error: graph 65f2c0de9a1b4c0012ab1001 was not found\n`);
      expect(h.stdout.text()).toBe('');
    }
  });

  it('When a valid graph is approved, then it becomes RUNNING and the command says so; approving again is refused with exit 2', async () => {
    const id = await saved(pipeline('To approve'));
    const h = harness(p.alice, p.t.url);
    expect(await graphApprove(id, {}, h.ctx)).toBe(0);
    expect(h.stdout.text()).toBe(`Approved graph ${id} (To approve): RUNNING\n`);
    expect(await status(id)).toBe('RUNNING');
    const again = harness(p.alice, p.t.url);
    expect(await graphApprove(id, {}, again.ctx)).toBe(2);
    expect(again.stderr.text()).toContain(`graph ${id} cannot be approved: Graph status \`CREATED\` expected. Found \`RUNNING\``);
  });

  it('When an invalid graph is approved, then the validation tree is printed with node titles, nothing changes and the exit status is 2', async () => {
    const unlinked = instance(consumer);
    const id = await saved({ ...graph('Broken', [unlinked]), title: '' });
    const h = harness(p.alice, p.t.url);
    expect(await graphApprove(id, {}, h.ctx)).toBe(2);
    expect(h.stderr.text()).toBe([
      `pipeloom graph approve: graph ${id} failed validation, nothing was approved:`,
      `graph ${id}: has problems`,
      '  property "title": missing value',
      `  node "Consume" (${unlinked._id}): has problems`,
      '    input "in": missing input',
      '',
    ].join('\n'));
    expect(await status(id)).toBe('CREATED');
    const j = harness(p.alice, p.t.url);
    expect(await graphApprove(id, { json: true }, j.ctx)).toBe(2);
    expect(JSON.parse(j.stdout.text())).toMatchObject({ status: 'VALIDATION_FAILED', validation_error: { target: 'GRAPH', object_id: id } });
  });

  it('When someone other than the author approves or cancels, then permission is denied with exit 2', async () => {
    const id = await saved(pipeline('Alice only'));
    for (const run of [graphApprove, graphCancel]) {
      const h = harness(p.bob, p.t.url);
      expect(await run(id, {}, h.ctx)).toBe(2);
      expect(h.stderr.text()).toContain(`permission denied: only the author of graph ${id} may do this`);
    }
    expect(await status(id)).toBe('CREATED');
  });

  it('When a graph that is not running is canceled, then the command says so and exits 1', async () => {
    const id = await saved(pipeline('Idle'));
    const h = harness(p.alice, p.t.url);
    expect(await graphCancel(id, {}, h.ctx)).toBe(1);
    expect(h.stderr.text()).toBe(`pipeloom graph cancel: error: graph ${id} is not running, nothing to cancel (Graph status \`RUNNING\` expected. Found \`CREATED\`)\n`);
  });

  it('When a running graph is canceled, then the cancellation is recorded and the command exits 0', async () => {
    const id = await saved(pipeline('Running'));
    // Nothing runs graphs in this suite: mark the stored graph RUNNING as the scheduler would.
    const admin = await openDatabase(p.t.databaseUrl, { migrate: false });
    try {
      const row = await admin.db.plynxGraph.findUniqueOrThrow({ where: { id } });
      const document = { ...(JSON.parse(row.document) as Graph), graph_running_status: 'RUNNING' satisfies GraphRunningStatus };
      await admin.db.plynxGraph.update({ where: { id }, data: { graphRunningStatus: 'RUNNING', document: JSON.stringify(document) } });
      const h = harness(p.alice, p.t.url);
      expect(await graphCancel(id, {}, h.ctx)).toBe(0);
      expect(h.stdout.text()).toBe(`Cancellation of graph ${id} requested: its queued and running nodes will be canceled shortly\n`);
      expect(await admin.db.plynxGraphCancellation.count({ where: { graphId: id } })).toBe(1);
    } finally {
      await admin.close();
    }
  });

  it('When the server cannot be reached, then every command says where it tried and exits 3', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const client = createPipeloomClient({ baseUrl: url });
    for (const run of [graphStatus, graphApprove, graphCancel]) {
      const h = harness(client, url);
      expect(await run('65f2c0de9a1b4c0012ab1001', {}, h.ctx)).toBe(3);
      expect(h.stderr.text()).toMatch(new RegExp(`error: cannot reach the Pipeloom server at ${url.replace(/\./g, '\\.')}: ECONNREFUSED`));
    }
  });
});

describe('pipeloom graph approve --wait', () => {
  const ID = '65f2c0de9a1b4c0012ab1001';
  const URL_ = 'http://pipeloom.test';

  /** A graph with one file node and `statuses.length` operations. */
  function state(graphStatus: GraphRunningStatus, statuses: NodeRunningStatus[]): Graph {
    return {
      _id: ID, title: 'Scripted', description: 'd', graph_running_status: graphStatus, author: null,
      nodes: [
        { _id: 'f0', base_node_name: 'file', node_running_status: 'STATIC' },
        ...statuses.map((s, i) => ({ _id: `n${i}`, title: `step ${i}`, base_node_name: 'bash_jinja2', node_running_status: s })),
      ],
    };
  }

  interface Script {
    /** Graph states answered by successive GETs; the last one repeats. */
    states: Graph[];
    /** Answer the n-th GET (0-based) with a network failure instead. */
    failGet?: number;
  }

  /** A fetch that approves and then plays the scripted states; records every request. */
  function scripted(script: Script) {
    const requests: Request[] = [];
    let gets = 0;
    const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    const fetch = async (request: Request): Promise<Response> => {
      requests.push(request);
      const path = new URL(request.url).pathname;
      if (request.method === 'POST' && path === `/plynx/api/v0/graphs/${ID}/approve`) {
        return json({ status: 'SUCCESS', message: `Actions completed with Graph(_id=\`${ID}\`)`, graph: script.states[0] });
      }
      if (request.method === 'GET' && path === `/plynx/api/v0/graphs/${ID}`) {
        const n = gets++;
        if (n === script.failGet) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
        return json({ status: 'success', data: script.states[Math.min(n, script.states.length - 1)], resources_dict: {} });
      }
      return new Response('{}', { status: 500 });
    };
    return { client: createPipeloomClient({ baseUrl: URL_, token: 'tok-123', fetch }), requests };
  }

  const toSuccess = [
    state('READY', ['CREATED', 'CREATED', 'CREATED']),
    state('RUNNING', ['RUNNING', 'IN_QUEUE', 'CREATED']),
    state('RUNNING', ['SUCCESS', 'RESTORED', 'RUNNING']),
    state('SUCCESS', ['SUCCESS', 'RESTORED', 'SUCCESS']),
  ];

  it('When the graph runs to SUCCESS, then a line per change is printed, reads are an interval apart, and the exit status is 0', async () => {
    const { client, requests } = scripted({ states: toSuccess });
    const h = harness(client, URL_);
    expect(await graphApprove(ID, { wait: true, interval: 2 }, h.ctx)).toBe(0);
    expect(h.stdout.text()).toBe([
      `Approved graph ${ID} (Scripted); waiting for it to finish`,
      '[03:04:05] READY  0/3 nodes done (CREATED 3)',
      '[03:04:05] RUNNING  0/3 nodes done (RUNNING 1, IN_QUEUE 1, CREATED 1)',
      '[03:04:05] RUNNING  2/3 nodes done (SUCCESS 1, RESTORED 1, RUNNING 1)',
      '[03:04:05] SUCCESS  3/3 nodes done (SUCCESS 2, RESTORED 1)',
      '',
    ].join('\n'));
    expect(h.stderr.text()).toBe('');
    expect(h.sleeps).toEqual([2000, 2000, 2000]);
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([`POST /plynx/api/v0/graphs/${ID}/approve`, ...Array(4).fill(`GET /plynx/api/v0/graphs/${ID}`)]);
    for (const r of requests) expect(r.headers.get('authorization')).toBe('Bearer tok-123');
  });

  it('When nothing changes between reads, then no line is repeated and the default interval is one second', async () => {
    const { client } = scripted({ states: [toSuccess[1]!, toSuccess[1]!, toSuccess[1]!, toSuccess[3]!] });
    const h = harness(client, URL_);
    expect(await graphApprove(ID, { wait: true }, h.ctx)).toBe(0);
    expect(h.stdout.text().split('\n').filter((l) => l.startsWith('['))).toHaveLength(2);
    expect(h.sleeps).toEqual([1000, 1000, 1000]);
  });

  it('When the graph fails, then waiting goes on through FAILED_WAITING and ends with exit 1 naming FAILED', async () => {
    const { client } = scripted({ states: [
      state('RUNNING', ['RUNNING', 'RUNNING']),
      state('FAILED_WAITING', ['FAILED', 'RUNNING']),
      state('FAILED', ['FAILED', 'SUCCESS']),
    ] });
    const h = harness(client, URL_);
    expect(await graphApprove(ID, { wait: true }, h.ctx)).toBe(1);
    expect(h.stdout.text()).toContain('[03:04:05] FAILED_WAITING  0/2 nodes done (FAILED 1, RUNNING 1)\n[03:04:05] FAILED  1/2 nodes done (SUCCESS 1, FAILED 1)\n');
    expect(h.stderr.text()).toBe(`graph ${ID} FAILED: 1 node(s) failed, 1/2 done\n`);
  });

  it('When the graph is canceled, then the exit status is 1 and the message says CANCELED', async () => {
    const { client } = scripted({ states: [state('RUNNING', ['RUNNING', 'IN_QUEUE']), state('CANCELED', ['CANCELED', 'CANCELED'])] });
    const h = harness(client, URL_);
    expect(await graphApprove(ID, { wait: true }, h.ctx)).toBe(1);
    expect(h.stderr.text()).toBe(`graph ${ID} was CANCELED: 0/2 node(s) done\n`);
  });

  it('When stdout is a terminal, then a progress bar of nodes done over total is drawn and the final summary printed', async () => {
    const { client } = scripted({ states: toSuccess });
    const h = harness(client, URL_, {}, true);
    expect(await graphApprove(ID, { wait: true }, h.ctx)).toBe(0);
    const text = h.stdout.text();
    expect(text).toContain('\x1B[?25l');
    expect(text).toMatch(new RegExp(`graph ${ID} SUCCESS \\|█+\\| 3/3 nodes done \\| running 0 \\| queued 0 \\| failed 0`));
    expect(text).not.toContain('[03:04:05]');
    expect(text.endsWith('SUCCESS  3/3 nodes done (SUCCESS 2, RESTORED 1)\n')).toBe(true);
  });

  it('When --json is given, then progress lines go to stderr and the final summary is JSON on stdout', async () => {
    const { client } = scripted({ states: toSuccess });
    const h = harness(client, URL_, {}, true);
    expect(await graphApprove(ID, { wait: true, json: true }, h.ctx)).toBe(0);
    expect(JSON.parse(h.stdout.text())).toEqual({ id: ID, title: 'Scripted', status: 'SUCCESS', total: 3, done: 3, nodes: { SUCCESS: 2, RESTORED: 1 } });
    expect(h.stderr.text()).toContain('[03:04:05] SUCCESS  3/3 nodes done');
  });

  it('When the server stops answering while waiting, then the command exits 3', async () => {
    const { client } = scripted({ states: toSuccess, failGet: 2 });
    const h = harness(client, URL_);
    expect(await graphApprove(ID, { wait: true }, h.ctx)).toBe(3);
    expect(h.stderr.text()).toBe(`pipeloom graph approve: error: cannot reach the Pipeloom server at ${URL_}: ECONNRESET\n`);
  });

  it('When waiting is interrupted, then the command stops after the current read and says the graph is still running', async () => {
    const { client } = scripted({ states: [toSuccess[1]!] });
    const stop = new AbortController();
    const h = harness(client, URL_, { signal: stop.signal });
    h.ctx.sleep = async () => { stop.abort(); };
    expect(await graphApprove(ID, { wait: true }, h.ctx)).toBe(130);
    expect(h.stderr.text()).toBe(`stopped waiting; graph ${ID} is still RUNNING\n`);
  });
});
