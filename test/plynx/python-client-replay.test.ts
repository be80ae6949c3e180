// PLynx 0.2.10's own python client (`plynx.api`) against Pipeloom, replayed byte for byte: the requests it
// sends (python-requests' headers in their order, json.dumps bodies, its `{"body": {...}}` envelope and
// AUTO_LAYOUT action), the answers it reads, its token refresh on 401, and the VALIDATION_FAILED answer it
// logs. Operations and the file are created first as the web UI would; the client itself only reads nodes
// and posts graphs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { ClientError, PythonClientSession } from './python-client/client-session.ts';
import { file, operation, ScriptGraph } from './python-client/graph-script.ts';
import { pyGet, pyList, pyLoads, pyMap, pyStr, type PyDict } from './python-client/python-json.ts';
import { basicAuth, requestsRequest, type Exchange } from './python-client/wire.ts';

const PASSWORD = 'pl-ynx-pw';
const TEN_MINUTES_AND_ONE = 11 * 60 * 1000;

/** One request of the transcript in short form, e.g. `GET /plynx/api/v0/nodes/<id> -> 200`. */
const line = (e: Exchange) => `${e.request.method} ${new URL(e.request.url).pathname} -> ${e.response.status}`;

/** Parses a sent body back (as Python would) to look at what the client posted. */
const at = <T>(list: T[], i: number): T => {
  const v = list[i];
  if (v === undefined) throw new Error(`no item ${i} among ${list.length}`);
  return v;
};

const sentGraph = (e: Exchange) => pyMap(pyLoads(e.request.body ?? ''), 'body', 'graph');

describe.each(PROVIDERS)('PLynx python client 0.2.10 replayed against the server on %s', (provider) => {
  let t: TestServer;
  let admin: Database;
  let endpoint: string;
  let tokenPath: string;
  let accessForUi: string;
  const clock = new ManualClock();
  const ids = { file: '', grep: '', sum: '' };

  /** The web UI's calls used to prepare the library (not part of the replay). */
  const ui = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${endpoint}${p}`, {
      method,
      headers: { authorization: basicAuth(accessForUi), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await r.json()) as Record<string, unknown>;
    expect(r.status, `${method} ${p}: ${JSON.stringify(json)}`).toBe(200);
    return json;
  };

  /** A bash_jinja2 operation from the server's template, saved then approved as the UI does. */
  const createOperation = async (shape: Record<string, unknown>, extraParameters: unknown[]) => {
    const template = (await ui('GET', '/nodes/bash_jinja2')).data as Record<string, unknown>;
    const node: Record<string, unknown> = { ...template, ...shape, parameters: [...(template.parameters as unknown[]), ...extraParameters] };
    expect((await ui('POST', '/nodes', { node, action: 'SAVE' })).status).toBe('SUCCESS');
    expect((await ui('POST', '/nodes', { node, action: 'APPROVE' })).status).toBe('SUCCESS');
    return node._id as string;
  };

  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
    endpoint = `${t.url}/plynx/api/v0`;
    admin = await openDatabase(t.databaseUrl, { migrate: false });
    await createIdentity(admin.db).addUser('pyuser', { password: PASSWORD });
    // A server with no users looks for its first one at most once a second.
    clock.advance(1_000);

    // `plynx token` / the UI: user name and password for a pair; the refresh token goes to ~/.plynx_token.
    const login = await fetch(`${endpoint}/token`, { headers: { authorization: basicAuth('pyuser', PASSWORD) } });
    expect(login.status).toBe(200);
    const pair = (await login.json()) as { access_token: string; refresh_token: string };
    accessForUi = pair.access_token;
    tokenPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'plynx-home-')), '.plynx_token');
    fs.writeFileSync(tokenPath, `${pair.refresh_token}\n`);

    const form = new FormData();
    form.set('data', new Blob(['GET /a\nPOST /b\nGET /c\n']), 'access.log');
    form.set('title', 'access log');
    form.set('description', 'three requests');
    form.set('file_type', 'file');
    const uploaded = await fetch(`${endpoint}/upload_file`, { method: 'POST', headers: { authorization: basicAuth(accessForUi) }, body: form });
    const upload = (await uploaded.json()) as { status: string; node: { _id: string } };
    expect(uploaded.status, JSON.stringify(upload)).toBe(200);
    ids.file = upload.node._id;

    const widget = (alias: string) => ({ alias });
    ids.grep = await createOperation(
      {
        title: 'Grep',
        description: 'Keeps matching lines, naïvely',
        inputs: [{ name: 'in', file_types: ['file'], values: [], min_count: 1, max_count: 1 }],
        outputs: [{ name: 'out', file_type: 'file', resource_id: null }],
      },
      [
        { name: 'pattern', parameter_type: 'str', value: '', mutable_type: true, removable: true, publicable: true, widget: widget('pattern') },
        { name: 'mode', parameter_type: 'enum', value: { values: ['fast', 'exact'], index: 0 }, mutable_type: true, removable: true, publicable: true, widget: widget('mode') },
        { name: 'script', parameter_type: 'code', value: { value: 'cat', mode: 'sh' }, mutable_type: true, removable: true, publicable: true, widget: widget('script') },
      ],
    );
    ids.sum = await createOperation(
      {
        title: 'Sum',
        description: 'Adds numbers',
        inputs: [{ name: 'inputs', file_types: ['file'], values: [], min_count: 1, max_count: -1 }],
        outputs: [{ name: 'total', file_type: 'file', resource_id: null }],
      },
      [],
    );
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
    if (tokenPath) fs.rmSync(path.dirname(tokenPath), { recursive: true, force: true });
  });

  /** The script GENERATE_CODE would emit for a grep-and-sum graph, with one parameter left out. */
  const script = () => {
    const log = file({ id: ids.file, title: 'access log', description: 'three requests' });
    const Grep = operation({ id: ids.grep, title: 'Grep', inputs: ['in'], params: ['pattern', 'mode', 'script'], outputs: ['out'] });
    const Sum = operation({ id: ids.sum, title: 'Sum', inputs: ['inputs'], params: [], outputs: ['total'] });
    const gets = Grep({ in: log.output('out'), pattern: 'GET', mode: 'exact', script: 'grep -c "$pattern"' });
    const posts = Grep({ in: log.output('out'), pattern: 'POST ünïcode' });
    const sum = Sum({ inputs: [gets.output('out'), posts.output('out')] });
    return { log, gets, posts, sum };
  };

  let client: PythonClientSession;
  let graph: ScriptGraph;
  let nodes: ReturnType<typeof script>;

  it('When the client saves a graph, then it fetches a token, reads each library node once and posts [AUTO_LAYOUT, SAVE] in its envelope', async () => {
    client = PythonClientSession.fromTokenFile(endpoint, tokenPath);
    nodes = script();
    graph = new ScriptGraph(client, 'Count requests — ünïcode', 'grep then sum', [nodes.sum]);
    await graph.save();

    const ex = client.exchanges;
    expect(ex.map(line)).toEqual([
      'GET /plynx/api/v0/token -> 200',
      `GET /plynx/api/v0/nodes/${ids.sum} -> 200`,
      `GET /plynx/api/v0/nodes/${ids.grep} -> 200`,
      `GET /plynx/api/v0/nodes/${ids.file} -> 200`,
      'POST /plynx/api/v0/graphs -> 200',
    ]);
    // The exact header lists python-requests sends: the refresh token for /token, the access token after.
    const refresh = fs.readFileSync(tokenPath, 'utf8').trim();
    expect(at(ex, 0).request).toEqual(requestsRequest('GET', `${endpoint}/token`, refresh));
    expect(at(ex, 1).request).toEqual(requestsRequest('GET', `${endpoint}/nodes/${ids.sum}`, client.accessToken ?? ''));
    expect(at(ex, 4).request.headers.map(([k]) => k)).toEqual(['Host', 'User-Agent', 'Accept-Encoding', 'Accept', 'Connection', 'Content-Type', 'Content-Length', 'Authorization']);

    // The body: Python's separators and \u escapes, the envelope, the client's own action names.
    const body = at(ex, 4).request.body ?? '';
    expect(body.startsWith('{"body": {"graph": {"title": "Count requests \\u2014 \\u00fcn\\u00efcode", "description": "grep then sum", "graph_running_status": "CREATED", "nodes": [')).toBe(true);
    expect(body.endsWith(']}, "actions": ["AUTO_LAYOUT", "SAVE"]}}')).toBe(true);
    expect(/[^\x20-\x7e]/.test(body)).toBe(false);

    // What it sent for each node: the library node merged with the instance's own values.
    const sent = pyList(sentGraph(at(ex, 4)), 'nodes') as PyDict[];
    expect(sent.map((n) => pyStr(n, '_id'))).toEqual([nodes.sum._id, nodes.gets._id, nodes.posts._id, nodes.log._id]);
    expect(sent.map((n) => pyStr(n, 'parent_node'))).toEqual([ids.sum, ids.grep, ids.grep, ids.file]);
    expect(pyGet(at(sent, 0), 'inputs', 0, 'values')).toEqual([
      new Map([['output_id', 'out'], ['node_id', nodes.gets._id], ['resource_id', null]]),
      new Map([['output_id', 'out'], ['node_id', nodes.posts._id], ['resource_id', null]]),
    ]);
    const param = (n: PyDict, name: string) => (pyList(n, 'parameters') as PyDict[]).find((p) => p.get('name') === name) as PyDict;
    expect(pyGet(param(at(sent, 1), 'mode'), 'value', 'index')).toBe(1n);
    expect(pyGet(param(at(sent, 1), 'script'), 'value', 'value')).toBe('grep -c "$pattern"');
    expect(pyGet(param(at(sent, 2), 'pattern'), 'value')).toBe('POST ünïcode');
    expect(body).toContain('"POST \\u00fcn\\u00efcode"');
    // A parameter left out keeps the library's value; the empty running status keeps the library's.
    expect(pyGet(param(at(sent, 2), 'script'), 'value', 'value')).toBe('cat');
    expect(pyStr(at(sent, 3), 'node_running_status')).toBe('STATIC');

    // The answer as the client reads it: status (upper-cased), graph, url.
    const saved = graph.graphDict as PyDict;
    expect(pyStr(saved, 'graph_running_status')).toBe('CREATED');
    expect(graph.url?.endsWith(`/graphs/${pyStr(saved, '_id')}`)).toBe(true);
    expect((pyList(saved, 'nodes') as PyDict[]).map((n) => pyStr(n, '_id'))).toEqual(sent.map((n) => pyStr(n, '_id')));
  });

  it('When the client approves the saved graph, then it posts the same _id with [AUTO_LAYOUT, APPROVE] and reads RUNNING', async () => {
    const before = client.exchanges.length;
    const savedId = pyStr(graph.graphDict as PyDict, '_id');
    await graph.approve();

    const ex = client.exchanges.slice(before);
    // The access token is reused; _dictify fetches the library nodes again.
    expect(ex.map(line)).toEqual([
      `GET /plynx/api/v0/nodes/${ids.sum} -> 200`,
      `GET /plynx/api/v0/nodes/${ids.grep} -> 200`,
      `GET /plynx/api/v0/nodes/${ids.file} -> 200`,
      'POST /plynx/api/v0/graphs -> 200',
    ]);
    const body = at(ex, 3).request.body ?? '';
    // `_id` is set on the graph dict after its nodes, so it is the last key of the graph.
    expect(body.endsWith(`}], "_id": "${savedId}"}, "actions": ["AUTO_LAYOUT", "APPROVE"]}}`)).toBe(true);
    expect(pyStr(graph.graphDict as PyDict, '_id')).toBe(savedId);
    expect(pyStr(graph.graphDict as PyDict, 'graph_running_status').toUpperCase()).toBe('RUNNING');
  });

  it('When the client waits on the approved graph, then one poll reads RUNNING and the node running statuses', async () => {
    const before = client.exchanges.length;
    const round = await graph.waitOnce();
    expect(client.exchanges.slice(before).map(line)).toEqual([`GET /plynx/api/v0/graphs/${pyStr(graph.graphDict as PyDict, '_id')} -> 200`]);
    expect(round.finished).toBe(false);
    expect(at(round.line.split('\t'), 0).toUpperCase()).toBe('RUNNING');
    expect(round.line).toMatch(/^RUNNING\t0%\t/);
    expect(round.line).toContain('STATIC: 1');
  });

  it('When the access token has expired, then the call gets a 401, the client trades its refresh token at /token and the retry succeeds', async () => {
    clock.advance(TEN_MINUTES_AND_ONE);
    const before = client.exchanges.length;
    const stale = client.accessToken;
    await graph.waitOnce();

    const ex = client.exchanges.slice(before);
    const graphPath = `/plynx/api/v0/graphs/${pyStr(graph.graphDict as PyDict, '_id')}`;
    expect(ex.map(line)).toEqual([`GET ${graphPath} -> 401`, 'GET /plynx/api/v0/token -> 200', `GET ${graphPath} -> 200`]);
    expect(at(ex, 0).response.headers['www-authenticate']).toBe('PlynxBasic realm="Login Required"');
    expect(at(ex, 1).request.headers.find(([k]) => k === 'Authorization')?.[1]).toBe(basicAuth(fs.readFileSync(tokenPath, 'utf8').trim()));
    expect(client.accessToken).not.toBe(stale);
    expect(at(ex, 2).request.headers.find(([k]) => k === 'Authorization')?.[1]).toBe(basicAuth(client.accessToken ?? ''));
  });

  it('When the client approves a graph missing an input, then the answer is a 200 VALIDATION_FAILED whose tree it logs before raising', async () => {
    const Sum = operation({ id: ids.sum, title: 'Sum', inputs: ['inputs'], params: [], outputs: ['total'] });
    const lonely = new ScriptGraph(client, 'Nothing to sum', 'no inputs', [Sum()]);
    const before = client.exchanges.length;
    const error = await lonely.approve().then(
      () => null,
      (e: unknown) => e,
    );

    expect(client.exchanges.slice(before).map(line)).toEqual([`GET /plynx/api/v0/nodes/${ids.sum} -> 200`, 'POST /plynx/api/v0/graphs -> 200']);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).kind).toBe('ApiActionError');
    expect((error as ClientError).message).toBe('ApiActionError: Graph validation failed');
    expect((error as ClientError).logged).toEqual(['Validation error:', 'Missing input: `inputs`']);
    // Nothing was saved: the client never learnt an _id.
    expect(lonely.graphDict).toBeNull();
  });
});
