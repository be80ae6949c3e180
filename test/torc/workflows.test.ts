// Torc's workflows collection end to end through the SDK: identity rules, paging, filters, and the
// errors that must leave the database untouched (semantics.md §1, §6, §7, §8).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(PROVIDERS)('Torc workflows on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  const create = (body: { user: string; name?: string; description?: string; is_archived?: boolean }) =>
    unwrap(t.client.POST('/torc-service/workflows', { body }));
  const get = (key: string) => t.client.GET('/torc-service/workflows/{key}', { params: { path: { key } } });

  it('answers ping and version like Torc', async () => {
    expect(await unwrap(t.client.GET('/torc-service/ping'))).toEqual({ message: 'torc-service is running' });
    expect(await unwrap(t.client.GET('/torc-service/version'))).toEqual({ version: '0.6.4' });
  });

  it('When a workflow is created, then it gets a string _key, a workflows/ _id, a _rev and a timestamp', async () => {
    const w = await create({ user: 'alice', name: 'first' });
    expect(w._key).toMatch(/^\d+$/);
    expect(w._id).toBe(`workflows/${w._key}`);
    expect(typeof w._rev).toBe('string');
    expect(w.is_archived).toBe(false);
    expect(Number.isNaN(Date.parse(w.timestamp!))).toBe(false);
    expect(await unwrap(get(w._key!))).toEqual(w);
  });

  it('When a workflow is created, then its config has the documented defaults and its status is at run 0', async () => {
    const w = await create({ user: 'alice' });
    const config = await unwrap(t.client.GET('/torc-service/workflows/{key}/config', { params: { path: { key: w._key! } } }));
    expect(config).toMatchObject({
      compute_node_expiration_buffer_seconds: 120,
      compute_node_wait_for_new_jobs_seconds: 0,
      compute_node_ignore_workflow_completion: false,
      compute_node_wait_for_healthy_database_minutes: 20,
      prepare_jobs_sort_method: 'gpus_runtime_memory',
      compute_node_resource_stats: { cpu: true, memory: true, disk: false, interval: 10, monitor_type: 'aggregation' },
    });
    expect(config._id).toBe(`workflow_configs/${config._key}`);
    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: w._key! } } }));
    expect(status).toMatchObject({ run_id: 0, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } });
    expect(status._id).toBe(`workflow_statuses/${status._key}`);
  });

  it('When a workflow is updated with its current _rev, then the fields change, _rev changes and _oldRev is returned', async () => {
    const w = await create({ user: 'alice', name: 'before' });
    const updated = await unwrap(t.client.PUT('/torc-service/workflows/{key}', {
      params: { path: { key: w._key! } },
      body: { _key: w._key, _rev: w._rev, user: 'alice', name: 'after' },
    }));
    expect(updated.name).toBe('after');
    expect(updated._rev).not.toBe(w._rev);
    expect(updated._oldRev).toBe(w._rev);
    expect((await unwrap(get(w._key!))).name).toBe('after');
  });

  it('When a PUT carries a stale _rev, then it answers 409 REVISION_CONFLICT and changes nothing', async () => {
    const w = await create({ user: 'alice', name: 'original' });
    await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key: w._key! } }, body: { _key: w._key, _rev: w._rev, user: 'alice', name: 'second' } }));
    const current = await unwrap(get(w._key!));

    const { response, error } = await t.client.PUT('/torc-service/workflows/{key}', {
      params: { path: { key: w._key! } },
      body: { _key: w._key, _rev: w._rev, user: 'mallory', name: 'stale write' },
    });

    expect(response.status).toBe(409);
    expect(error).toMatchObject({ error: true, code: 409, errorNum: 409, pipeloomCode: 'REVISION_CONFLICT' });
    expect(await unwrap(get(w._key!))).toEqual(current);
  });

  it('When a PUT has no _rev or a different _key, then it answers 400 and changes nothing', async () => {
    const w = await create({ user: 'alice', name: 'keep' });
    const noRev = await t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key: w._key! } }, body: { _key: w._key, user: 'alice', name: 'x' } });
    expect(noRev.response.status).toBe(400);
    expect(noRev.error).toMatchObject({ pipeloomCode: 'REVISION_REQUIRED' });
    const otherKey = await t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key: w._key! } }, body: { _key: '999999', _rev: w._rev, user: 'alice', name: 'x' } });
    expect(otherKey.response.status).toBe(400);
    expect(await unwrap(get(w._key!))).toEqual(w);
  });

  it('When a POST has an unknown field or a wrong type, then it answers 400 in Torc\'s shape and stores nothing', async () => {
    const before = (await unwrap(t.client.GET('/torc-service/workflows'))).total_count;

    const unknown = await t.client.POST('/torc-service/workflows', { body: { user: 'alice', colour: 'blue' } as never });
    const wrongType = await t.client.POST('/torc-service/workflows', { body: { user: 42 } as never });
    const missing = await t.client.POST('/torc-service/workflows', { body: { name: 'no user' } as never });

    for (const r of [unknown, wrongType, missing]) {
      expect(r.response.status).toBe(400);
      expect(r.error).toMatchObject({ error: true, code: 400, errorNum: 400, pipeloomCode: 'VALIDATION_FAILED' });
      expect(typeof (r.error as { errorMessage: string }).errorMessage).toBe('string');
    }
    expect((unknown.error as { errorMessage: string }).errorMessage).toContain('colour');
    expect((await unwrap(t.client.GET('/torc-service/workflows'))).total_count).toBe(before);
  });

  it('When a key does not exist, then GET, PUT and DELETE answer 404 DOCUMENT_NOT_FOUND', async () => {
    const g = await get('987654321');
    expect(g.response.status).toBe(404);
    expect(g.error).toMatchObject({ error: true, code: 404, pipeloomCode: 'DOCUMENT_NOT_FOUND' });
    const p = await t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key: '987654321' } }, body: { _key: '987654321', _rev: '1', user: 'a' } });
    expect(p.response.status).toBe(404);
    const d = await t.client.DELETE('/torc-service/workflows/{key}', { params: { path: { key: '987654321' } } });
    expect(d.response.status).toBe(404);
    const c = await t.client.GET('/torc-service/workflows/{key}/config', { params: { path: { key: '987654321' } } });
    expect(c.response.status).toBe(404);
  });

  it('When a workflow is deleted, then the deleted document is returned and it, its config and its status are gone', async () => {
    const w = await create({ user: 'alice', name: 'doomed' });
    const deleted = await unwrap(t.client.DELETE('/torc-service/workflows/{key}', { params: { path: { key: w._key! } } }));
    expect(deleted).toEqual(w);
    expect((await get(w._key!)).response.status).toBe(404);
    const status = await t.client.GET('/torc-service/workflows/{key}/status', { params: { path: { key: w._key! } } });
    expect(status.response.status).toBe(404);
  });

  it('When listing, then skip/limit page through the collection with Torc\'s list shape and filters match exactly', async () => {
    const user = `pager-${crypto.randomUUID()}`;
    for (let i = 0; i < 5; i++) await create({ user, name: `w${i}`, is_archived: i === 4 });

    const first = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, limit: 2 } } }));
    expect(first).toMatchObject({ skip: 0, max_limit: 100000, count: 2, total_count: 5, has_more: true });
    expect(first.items!.map((w) => w.name)).toEqual(['w0', 'w1']);
    const last = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, skip: 4, limit: 2 } } }));
    expect(last).toMatchObject({ skip: 4, count: 1, total_count: 5, has_more: false });

    const archived = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, is_archived: true } } }));
    expect(archived.items!.map((w) => w.name)).toEqual(['w4']);
    const byName = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, name: 'w2' } } }));
    expect(byName.total_count).toBe(1);
    const byKey = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { _key: byName.items![0]!._key } } }));
    expect(byKey.items!.map((w) => w.name)).toEqual(['w2']);
  });

  it('When sort_by is given, then the whole collection is ordered by that field (not just the page)', async () => {
    const user = `sorter-${crypto.randomUUID()}`;
    for (const name of ['c', 'a', 'd', 'b']) await create({ user, name });
    const asc = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, sort_by: 'name', limit: 2 } } }));
    expect(asc.items!.map((w) => w.name)).toEqual(['a', 'b']);
    const desc = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, sort_by: 'name', reverse_sort: true, limit: 2 } } }));
    expect(desc.items!.map((w) => w.name)).toEqual(['d', 'c']);
  });

  it('When a _key filter is beyond any key, then the page is empty (not an error)', async () => {
    const r = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { _key: '99999999999' } } }));
    expect(r).toMatchObject({ count: 0, total_count: 0, has_more: false });
  });

  it('When sorting by name, then workflows without one come first on every database', async () => {
    const user = `nulls-${crypto.randomUUID()}`;
    await create({ user, name: 'b' });
    await create({ user });
    await create({ user, name: 'a' });
    const asc = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, sort_by: 'name' } } }));
    expect(asc.items!.map((w) => w.name ?? null)).toEqual([null, 'a', 'b']);
    const desc = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { user, sort_by: 'name', reverse_sort: true } } }));
    expect(desc.items!.map((w) => w.name ?? null)).toEqual(['b', 'a', null]);
  });

  it('When a list filter has the wrong type, then it answers 400', async () => {
    const r = await t.client.GET('/torc-service/workflows', { params: { query: { is_archived: 'maybe' as never } } });
    expect(r.response.status).toBe(400);
    const s = await t.client.GET('/torc-service/workflows', { params: { query: { sort_by: 'colour' as never } } });
    expect(s.response.status).toBe(400);
  });

  it('When config and status are updated with their own _key and _rev, then the change sticks and a stale _rev is 409', async () => {
    const w = await create({ user: 'alice' });
    const path = { key: w._key! };
    const config = await unwrap(t.client.GET('/torc-service/workflows/{key}/config', { params: { path } }));
    const changed = await unwrap(t.client.PUT('/torc-service/workflows/{key}/config', {
      params: { path },
      body: { _key: config._key, _rev: config._rev, compute_node_wait_for_new_jobs_seconds: 60, prepare_jobs_sort_method: 'none' },
    }));
    expect(changed).toMatchObject({ compute_node_wait_for_new_jobs_seconds: 60, prepare_jobs_sort_method: 'none', compute_node_expiration_buffer_seconds: 120 });
    const stale = await t.client.PUT('/torc-service/workflows/{key}/config', { params: { path }, body: { _key: config._key, _rev: config._rev, compute_node_wait_for_new_jobs_seconds: 1 } });
    expect(stale.response.status).toBe(409);

    const status = await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path } }));
    const bumped = await unwrap(t.client.PUT('/torc-service/workflows/{key}/status', {
      params: { path },
      body: { ...status, _oldRev: undefined, run_id: status.run_id + 1 },
    }));
    expect(bumped.run_id).toBe(1);
    expect(bumped._rev).not.toBe(status._rev);
    const badType = await t.client.PUT('/torc-service/workflows/{key}/status', { params: { path }, body: { ...bumped, _oldRev: undefined, run_id: 'two' as never } });
    expect(badType.response.status).toBe(400);
    expect((await unwrap(t.client.GET('/torc-service/workflows/{key}/status', { params: { path } }))).run_id).toBe(1);
  });
});
