// Who may do what with a Torc workflow, driven over every operation of the contract that names a workflow:
// the owner and administrators may do everything; another user nothing (403) until the owner shares the
// workflow to read or to run; an unauthenticated caller gets 401. A new operation is picked up from the
// contract, so it cannot be missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { accessNeeded } from '../../packages/server/src/torc/access.ts';
import { contractRequests, fillPath, sendContractRequest, type ContractRequest } from '../helpers/contract-requests.ts';
import { addUsers } from '../helpers/users.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

/** Every Torc operation whose path names a workflow. */
const SCOPED = contractRequests((o) => o.family === 'torc' && /^\/torc-service\/(workflows|workflow_specifications)\/\{(key|workflow)\}/.test(o.path));

describe.each(PROVIDERS)('Torc authorization on %s', (provider) => {
  let t: TestServer;
  let tokens: Record<'alice' | 'bob' | 'carol' | 'root', string>;

  beforeAll(async () => {
    t = await startTestServer(provider);
    tokens = await addUsers(t, ['alice', 'bob', 'carol', 'root'], ['root']);
  });
  afterAll(async () => { await t?.close(); });

  const clientOf = (user: keyof typeof tokens) => createPipeloomClient({ baseUrl: t.url, token: tokens[user] });

  /** A new workflow of `owner` with one job; its key and the job's. */
  async function workflowOf(owner: keyof typeof tokens) {
    const client = clientOf(owner);
    const wf = await unwrap(client.POST('/torc-service/workflows', { body: { user: owner, name: 'w' } }));
    const job = await unwrap(client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: wf._key! } }, body: { name: 'j', command: 'true' } }));
    return { key: wf._key!, job: job._key! };
  }

  function send(o: ContractRequest, as: keyof typeof tokens | null, target: { key: string; job: string }) {
    // The workflow, and the job wherever the path wants a document key.
    const values: Record<string, string> = o.path.includes('{workflow}') ? { workflow: target.key, key: target.job } : { key: target.key };
    return sendContractRequest(t.url, o, fillPath(o, values), as ? tokens[as] : null);
  }

  /** Each operation's status for `as`, on workflows made by `prepare` (a fresh one per operation when asked). */
  async function statuses(as: keyof typeof tokens | null, target: () => Promise<{ key: string; job: string }>) {
    const out: Record<string, number> = {};
    for (const o of SCOPED) {
      const r = await send(o, as, await target());
      out[o.id] = r.status;
      if (r.status === 401 || r.status === 403) {
        const body = await r.json();
        expect(body, o.id).toMatchObject({ error: true, code: r.status, errorNum: r.status, pipeloomCode: r.status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN' });
      } else await r.arrayBuffer();
    }
    return out;
  }

  const where = (s: Record<string, number>, test: (status: number) => boolean) => Object.keys(s).filter((id) => test(s[id]!)).sort();
  const ids = (filter: (o: ContractRequest) => boolean) => SCOPED.filter(filter).map((o) => o.id).sort();
  const level = (o: ContractRequest) => accessNeeded(o.id, o.verb, o.params);

  it('When the contract is read, then every operation that names a workflow documents 401 and 403', () => {
    expect(SCOPED.length).toBeGreaterThan(130);
    for (const o of SCOPED) expect(Object.keys(o.op.responses), o.id).toEqual(expect.arrayContaining(['401', '403']));
  });

  it('When nobody signs in, then every operation on a workflow answers 401', async () => {
    const target = await workflowOf('alice');
    expect(where(await statuses(null, async () => target), (s) => s !== 401)).toEqual([]);
  });

  it('When another user calls any operation on a workflow not shared with them, then it answers 403 and changes nothing', async () => {
    const target = await workflowOf('alice');
    const before = await unwrap(clientOf('alice').GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: target.key } } }));
    expect(where(await statuses('bob', async () => target), (s) => s !== 403)).toEqual([]);
    const after = await unwrap(clientOf('alice').GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: target.key } } }));
    expect(after).toEqual(before);
  });

  it('When the owner or an administrator calls any operation, then none answers 401 or 403', async () => {
    expect(where(await statuses('alice', () => workflowOf('alice')), (s) => s === 401 || s === 403)).toEqual([]);
    expect(where(await statuses('root', () => workflowOf('alice')), (s) => s === 401 || s === 403)).toEqual([]);
  });

  it('When a workflow is shared to read, then the user may read it and nothing more', async () => {
    const target = await workflowOf('alice');
    await unwrap(clientOf('alice').PUT('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key: target.key, user: 'bob' } }, body: { access: 'read' } }));
    const s = await statuses('bob', async () => target);
    expect(where(s, (x) => x === 403)).toEqual(ids((o) => level(o) !== 'read'));
  });

  it('When a workflow is shared to run, then the user may read and run it but not change, share or delete it', async () => {
    const s = await statuses('bob', async () => {
      const target = await workflowOf('alice');
      await unwrap(clientOf('alice').PUT('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key: target.key, user: 'bob' } }, body: { access: 'run' } }));
      return target;
    });
    expect(where(s, (x) => x === 403)).toEqual(ids((o) => level(o) === 'own'));
    expect(ids((o) => level(o) === 'own')).toEqual(expect.arrayContaining(['modify_workflow', 'remove_workflow', 'add_job', 'modify_job', 'share_workflow', 'list_workflow_shares']));
    expect(ids((o) => level(o) === 'run')).toEqual(expect.arrayContaining(['claim_and_start_jobs', 'complete_job', 'start_job', 'initialize_jobs', 'cancel_workflow', 'add_result']));
  });

  it('When workflows are listed, then each user sees their own and those shared with them, and administrators all', async () => {
    const mine = await workflowOf('carol');
    const shared = await workflowOf('alice');
    const hidden = await workflowOf('alice');
    await unwrap(clientOf('alice').PUT('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key: shared.key, user: 'carol' } }, body: { access: 'read' } }));
    const keysFor = async (user: keyof typeof tokens) =>
      (await unwrap(clientOf(user).GET('/torc-service/workflows', { params: { query: { limit: 10000 } } }))).items!.map((w) => w._key!);
    const carols = await keysFor('carol');
    expect(carols).toEqual(expect.arrayContaining([mine.key, shared.key]));
    expect(carols).not.toContain(hidden.key);
    expect(await keysFor('root')).toEqual(expect.arrayContaining([mine.key, shared.key, hidden.key]));
  });

  it('When a worker claims from a queue, then it gets only jobs of workflows its user may run', async () => {
    const queue = `auth-${provider}`;
    const alice = clientOf('alice');
    const wf = await unwrap(alice.POST('/torc-service/workflow_specifications', { body: { name: 'q', user: 'alice', jobs: [{ name: 'a', command: 'true' }] } }));
    const key = wf._key!;
    await unwrap(alice.PUT('/torc-service/workflows/{key}', { params: { path: { key } }, body: { ...wf, queue } }));
    await unwrap(alice.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
    const status = await unwrap(alice.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
    await unwrap(alice.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { ...status, run_id: 1 } }));
    const worker = { hostname: 'w', pid: 1, start_time: '2026-12-03T08:00:00Z', resources: { num_cpus: 4, memory_gb: 4 } };
    const claim = (user: keyof typeof tokens) =>
      unwrap(clientOf(user).POST('/torc-service/queues/{queue}/claim_jobs', { params: { path: { queue } }, body: { worker, resources: worker.resources } }));
    expect((await claim('bob')).jobs).toEqual([]);
    await unwrap(alice.PUT('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key, user: 'bob' } }, body: { access: 'read' } }));
    expect((await claim('bob')).jobs).toEqual([]);
    await unwrap(alice.PUT('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key, user: 'bob' } }, body: { access: 'run' } }));
    expect((await claim('bob')).jobs.map((j) => j.job.name)).toEqual(['a']);
  });

  it('When shares are managed, then only the owner and administrators may, and unknown users and shares are 404', async () => {
    const { key } = await workflowOf('alice');
    const share = (as: keyof typeof tokens, user: string) =>
      clientOf(as).PUT('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key, user } }, body: { access: 'read' } });
    expect((await share('bob', 'carol')).response.status).toBe(403);
    expect((await share('alice', 'nobody')).response.status).toBe(404);
    expect((await share('alice', 'alice')).response.status).toBe(400);
    expect(await unwrap(share('root', 'carol'))).toEqual({ user: 'carol', access: 'read' });
    expect(await unwrap(clientOf('alice').GET('/torc-service/workflows/{key}/shares', { params: { path: { key } } }))).toEqual({ items: [{ user: 'carol', access: 'read' }] });
    await unwrap(clientOf('alice').DELETE('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key, user: 'carol' } } }));
    const again = await clientOf('alice').DELETE('/torc-service/workflows/{key}/shares/{user}', { params: { path: { key, user: 'carol' } } });
    expect(again.response.status).toBe(404);
    expect((await clientOf('carol').GET('/torc-service/workflows/{key}', { params: { path: { key } } })).response.status).toBe(403);
  });
});
