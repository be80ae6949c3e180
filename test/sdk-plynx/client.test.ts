// Client: endpoint and token fallbacks, the token exchange and the renewal on 401, and how answers become
// results or errors. The server is a scripted fetch.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiActionError, Client, File, Graph, MissingArgumentError, Operation, TooManyArgumentsError, ValidationFailedError } from '@pipeloom/sdk/plynx';
import { ENDPOINT, fakePlynx, json, tokenRoute, unauthorized, type Recorded } from './fake-plynx.ts';
import { IDS, LIBRARY } from './library.ts';

const ENV_KEYS = ['PLYNX_ENDPOINT', 'PLYNX_TOKEN_PATH', 'HOME'] as const;

describe('Client', () => {
  const saved: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  let home: string;
  beforeEach(() => {
    for (const k of ENV_KEYS) saved[k] = process.env[k];
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'plynx-home-'));
    process.env.HOME = home;
    delete process.env.PLYNX_ENDPOINT;
    delete process.env.PLYNX_TOKEN_PATH;
  });
  afterEach(() => {
    for (const k of ENV_KEYS) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('When token and tokenPath are both given, then TooManyArgumentsError', () => {
    expect(() => new Client({ endpoint: ENDPOINT, token: 't', tokenPath: '/tmp/t' })).toThrow(TooManyArgumentsError);
  });

  it('When nothing is given, then the endpoint defaults to a local Pipeloom server and the token is the first line of ~/.plynx_token', () => {
    fs.writeFileSync(path.join(home, '.plynx_token'), 'home-token  \nsecond line\n');
    const client = new Client();
    expect(client.endpoint).toBe('http://localhost:8080/plynx/api/v0');
    expect(Reflect.get(client, 'refreshToken')).toBe('home-token');
  });

  it('When PLYNX_ENDPOINT and PLYNX_TOKEN_PATH are set, then they are used; arguments win over them', () => {
    const file = path.join(home, 'token');
    fs.writeFileSync(file, 'env-token\n');
    process.env.PLYNX_ENDPOINT = 'http://env.test/plynx/api/v0/';
    process.env.PLYNX_TOKEN_PATH = file;
    const fromEnv = new Client();
    expect(fromEnv.endpoint).toBe('http://env.test/plynx/api/v0');
    expect(Reflect.get(fromEnv, 'refreshToken')).toBe('env-token');
    const given = new Client({ endpoint: ENDPOINT, token: 'arg-token' });
    expect([given.endpoint, Reflect.get(given, 'refreshToken')]).toEqual([ENDPOINT, 'arg-token']);
  });

  it('When no token is given and no token file exists, then MissingArgumentError', () => {
    expect(() => new Client({ endpoint: ENDPOINT })).toThrow(MissingArgumentError);
  });

  it('When the endpoint does not end with /plynx/api/v0, then MissingArgumentError', () => {
    expect(() => new Client({ endpoint: 'http://plynx.test/api', token: 't' })).toThrow(/must end with \/plynx\/api\/v0/);
  });

  it('When the first call is made, then the refresh token is traded at /token and the access token is the Basic user name', async () => {
    const server = fakePlynx({ 'GET /token': tokenRoute(), 'GET /master_state': () => json({ status: 'success', master_state: null }) });
    const client = new Client({ endpoint: ENDPOINT, token: 'refresh-token', fetch: server.fetch });
    expect(await client.masterState()).toEqual({ status: 'success', master_state: null });
    await client.masterState();
    expect(server.lines()).toEqual(['GET /token as refresh-token', 'GET /master_state as access-1', 'GET /master_state as access-1']);
  });

  it('When a call is answered 401, then the token is renewed once and the call sent again', async () => {
    let calls = 0;
    const server = fakePlynx({
      'GET /token': tokenRoute(),
      'GET /master_state': (r: Recorded) => (++calls === 1 || r.user === 'access-1' ? unauthorized() : json({ status: 'success', master_state: null })),
    });
    const client = new Client({ endpoint: ENDPOINT, token: 'refresh-token', fetch: server.fetch });
    await client.masterState();
    expect(server.lines()).toEqual(['GET /token as refresh-token', 'GET /master_state as access-1', 'GET /token as refresh-token', 'GET /master_state as access-2']);
  });

  it('When the retry is refused again, then ApiActionError with status 401', async () => {
    const server = fakePlynx({ 'GET /token': tokenRoute(), 'GET /master_state': unauthorized });
    const client = new Client({ endpoint: ENDPOINT, token: 'refresh-token', fetch: server.fetch });
    const error = await client.masterState().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiActionError);
    expect((error as ApiActionError).status).toBe(401);
    expect(server.requests).toHaveLength(4);
  });

  it('When the refresh token is refused, then ApiActionError saying no access token could be had', async () => {
    const server = fakePlynx({ 'GET /token': tokenRoute('another') });
    const client = new Client({ endpoint: ENDPOINT, token: 'refresh-token', fetch: server.fetch });
    await expect(client.masterState()).rejects.toThrow(/Cannot get an access token/);
  });

  it('When the server refuses with a PLynx error body, then ApiActionError carries its message and status', async () => {
    const server = fakePlynx({ 'GET /token': tokenRoute(), 'POST /graphs/65f2c0de9a1b4c0012ab1001/cancel': () => json({ status: 'failed', message: 'Graph status `RUNNING` expected. Found `CREATED`' }, 409) });
    const client = new Client({ endpoint: ENDPOINT, token: 'refresh-token', fetch: server.fetch });
    const error = (await client.graphs.cancel('65f2c0de9a1b4c0012ab1001').catch((e: unknown) => e)) as ApiActionError;
    expect([error.name, error.status, error.message]).toEqual(['ApiActionError', 409, 'Graph status `RUNNING` expected. Found `CREATED`']);
  });
});

describe('Graph.save and Graph.approve', () => {
  const setup = (answer: (r: Recorded) => Response) => {
    const server = fakePlynx({
      'GET /token': tokenRoute(),
      [`GET /nodes/${IDS.file}`]: () => json({ status: 'success', data: LIBRARY[IDS.file], resources_dict: {} }),
      [`GET /nodes/${IDS.sum}`]: () => json({ status: 'success', data: LIBRARY[IDS.sum], resources_dict: {} }),
      'POST /graphs': answer,
    });
    const logged: string[] = [];
    const client = new Client({ endpoint: ENDPOINT, token: 'refresh-token', fetch: server.fetch, logger: { info: (m) => logged.push(`info ${m}`), error: (m) => logged.push(`error ${m}`) } });
    const Sum = Operation({ id: IDS.sum, title: 'Sum', inputs: ['input'], params: [], outputs: ['output'] });
    const seq = File({ id: IDS.file, title: 'seq 100' });
    return { server, logged, graph: new Graph(client, { title: 'Sum', description: 'Example', targets: Sum({ input: seq.outputs.out }) }) };
  };
  const echo = (status: string) => (r: Recorded) => {
    const { graph } = (r.body as { body: { graph: Record<string, unknown> } }).body;
    return json({ status: 'SUCCESS', message: 'ok', graph: { _id: '65f2c0de9a1b4c0012ab1001', ...graph, graph_running_status: status }, url: 'http://ui/graphs/65f2c0de9a1b4c0012ab1001' });
  };

  it('When saved then approved, then the python client\'s envelope and actions are posted and the second post reuses the _id', async () => {
    let status = 'CREATED';
    const { server, graph, logged } = setup((r) => echo(status)(r));
    await graph.save();
    status = 'READY';
    const approved = await graph.approve();
    expect(approved).toBe(graph);
    const posts = server.requests.filter((r) => r.method === 'POST');
    const sent = posts.map((r) => r.body as { body: { graph: Record<string, unknown>; actions: string[] } });
    expect(sent.map((b) => Object.keys(b))).toEqual([['body'], ['body']]);
    expect(sent.map((b) => b.body.actions)).toEqual([['AUTO_LAYOUT', 'SAVE'], ['AUTO_LAYOUT', 'APPROVE']]);
    expect(sent[0]?.body.graph._id).toBeUndefined();
    expect(Object.keys(sent[1]?.body.graph ?? {})).toEqual(['title', 'description', 'graph_running_status', 'nodes', '_id']);
    expect(sent[1]?.body.graph._id).toBe('65f2c0de9a1b4c0012ab1001');
    expect([graph.id, graph.url, graph.document?.graph_running_status]).toEqual(['65f2c0de9a1b4c0012ab1001', 'http://ui/graphs/65f2c0de9a1b4c0012ab1001', 'READY']);
    expect(logged).toEqual(['info Graph successfully saved: http://ui/graphs/65f2c0de9a1b4c0012ab1001', 'info Graph successfully approved: http://ui/graphs/65f2c0de9a1b4c0012ab1001']);
  });

  it('When approval fails validation, then ValidationFailedError carries the tree, the python client\'s lines and a rendering', async () => {
    const tree = {
      target: 'GRAPH', object_id: 'g1', validation_code: 'IN_DEPENDENTS',
      children: [{ target: 'NODE', object_id: 'n1', validation_code: 'IN_DEPENDENTS', children: [
        { target: 'INPUT', object_id: 'input', validation_code: 'MISSING_INPUT', children: [] },
        { target: 'PARAMETER', object_id: 'template', validation_code: 'MISSING_PARAMETER', children: [] },
        { target: 'NODE', object_id: 'n1', validation_code: 'DEPRECATED_NODE', children: [] },
      ] }],
    };
    const { graph, logged } = setup(() => json({ status: 'VALIDATION_FAILED', message: 'Graph validation failed', validation_error: tree }));
    const error = (await graph.approve().then(() => null, (e: unknown) => e)) as ValidationFailedError;
    expect(error).toBeInstanceOf(ValidationFailedError);
    expect(error).toBeInstanceOf(ApiActionError);
    expect(error.validationError).toEqual(tree);
    expect(error.lines).toEqual(['Missing input: `input`', 'Missing parameter: `template`', 'Unexpected Error']);
    expect(error.message).toBe('Graph validation failed\n  Missing input: `input`\n  Missing parameter: `template`\n  Unexpected Error');
    expect(error.rendering).toBe('GRAPH g1 IN_DEPENDENTS\n  NODE n1 IN_DEPENDENTS\n    INPUT input MISSING_INPUT\n    PARAMETER template MISSING_PARAMETER\n    NODE n1 DEPRECATED_NODE');
    expect(logged).toEqual(['error Validation error:', 'error Missing input: `input`', 'error Missing parameter: `template`', 'error Unexpected Error']);
    expect(graph.document).toBeNull();
  });
});
