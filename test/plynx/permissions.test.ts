// Who may call what: every PLynx operation refuses a caller without credentials (401 with PLynx's
// challenge) except the public resource download, and on someone else's stored graph only the actions
// that change nothing are open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOperations } from '../../packages/server/src/spec.ts';
import { PROVIDERS } from '../helpers/server.ts';
import { graph, instance, oid, operation, startPlynx, type Graph, type PlynxFixture } from './plynx-fixture.ts';

const PLYNX_OPERATIONS = listOperations().filter((o) => o.family === 'plynx');
const PUBLIC = new Set(['plynx_get_resource_singular']);

/** Someone else's stored graph, by operation: the status a non-author gets. */
const OTHER_USER_ON_STORED_GRAPH: Record<string, number> = {
  plynx_get_graph: 200,
  plynx_validate_graph: 200,
  plynx_rearrange_graph: 200,
  plynx_upgrade_graph_nodes: 200,
  plynx_generate_graph_code: 200,
  plynx_clone_graph: 200,
  plynx_approve_graph: 403,
  plynx_cancel_graph: 403,
  plynx_update_graph: 403,
  plynx_list_graph_nodes: 403,
  plynx_insert_graph_node: 403,
  plynx_remove_graph_node: 403,
  plynx_create_graph_link: 403,
  plynx_remove_graph_link: 403,
  plynx_change_graph_parameter: 403,
};

describe.each(PROVIDERS)('PLynx permissions on %s', (provider) => {
  let p: PlynxFixture;
  let stored: Graph;

  beforeAll(async () => {
    p = await startPlynx(provider);
    const op = operation('Step', { outputs: ['out'] });
    await p.alice.POST('/plynx/api/v0/nodes', { body: { node: op, action: 'APPROVE' } });
    stored = graph('Alice\'s', [instance(op)]);
    await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: stored, actions: ['SAVE'] } });
  });
  afterAll(async () => p?.close());

  let bobSession: string | undefined;
  /** Bob's PLynx access token, sent as the Basic user name as PLynx clients do. */
  async function bobToken(): Promise<string> {
    bobSession ??= (await p.bob.GET('/plynx/api/v0/token')).data!.access_token;
    return bobSession;
  }

  const url = (path: string) => p.t.url + path.replace('{graph_id}', stored._id!).replace('{node_id}', oid()).replace('{resource_id}', 'no-such-resource');

  it.each(PLYNX_OPERATIONS.map((o) => [o.operationId, o] as const))('When %s is called without credentials, then it is refused unless public', async (operationId, op) => {
    const r = await fetch(url(op.path), { method: op.method.toUpperCase(), headers: { 'content-type': 'application/json' }, ...(op.method === 'get' ? {} : { body: '{}' }) });
    if (PUBLIC.has(operationId)) {
      expect(r.status).toBe(404);
      return;
    }
    expect(r.status).toBe(401);
    expect(r.headers.get('www-authenticate')).toBe('PlynxBasic realm="Login Required"');
    expect(await r.json()).toMatchObject({ status: 'failed', code: 'UNAUTHENTICATED' });
  });

  it.each(Object.entries(OTHER_USER_ON_STORED_GRAPH))('When another user calls %s on a stored graph, then the answer is %i', async (operationId, expected) => {
    const op = PLYNX_OPERATIONS.find((o) => o.operationId === operationId)!;
    const authorization = `Basic ${Buffer.from(`${(await bobToken())}:`).toString('base64')}`;
    const body = operationId === 'plynx_update_graph' ? { title: 'Mine' } : { node_id: stored.nodes![0]!._id, from: { node_id: stored.nodes![0]!._id, resource: 'out' }, to: { node_id: stored.nodes![0]!._id, resource: 'in' } };
    const r = await fetch(url(op.path), { method: op.method.toUpperCase(), headers: { authorization, 'content-type': 'application/json' }, ...(op.method === 'get' ? {} : { body: JSON.stringify(body) }) });
    expect(r.status).toBe(expected);
    if (expected === 403) expect(await r.json()).toMatchObject({ status: 'failed', message: 'Permission denied', code: 'FORBIDDEN' });
  });
});
