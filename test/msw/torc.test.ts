// Torc in the mock keeps workflows and their collections the way the server does: keys, _rev bumps,
// 404 on unknown keys, 409 on a stale _rev, Torc's paging, and 400s in Torc's error shape.
import { describe, expect, it } from 'vitest';
import { mockedApi } from './mocked-api.ts';

const baseUrl = 'http://torc.mock.test';
// Every answer of this file, stored data included, is checked against the contract.
const { api, client } = mockedApi(baseUrl);

async function createWorkflow(name = 'demo') {
  const { data } = await client.POST('/torc-service/workflows', { body: { name, user: 'alice' } });
  return data!;
}

describe('Torc workflows', () => {
  it('When a workflow is created, read, updated, listed and removed, then every answer agrees', async () => {
    const created = await createWorkflow();
    expect(created).toMatchObject({ _id: `workflows/${created._key}`, _rev: '1', name: 'demo', user: 'alice', is_archived: false });

    const read = await client.GET('/torc-service/workflows/{key}', { params: { path: { key: created._key! } } });
    expect(read.data).toEqual(created);

    const updated = await client.PUT('/torc-service/workflows/{key}', {
      params: { path: { key: created._key! } }, body: { ...created, description: 'renamed' },
    });
    expect(updated.data).toMatchObject({ _rev: '2', _oldRev: '1', description: 'renamed' });

    const list = await client.GET('/torc-service/workflows');
    expect(list.data).toMatchObject({ count: 1, total_count: 1, has_more: false, items: [{ _key: created._key, _rev: '2' }] });

    const removed = await client.DELETE('/torc-service/workflows/{key}', { params: { path: { key: created._key! } } });
    expect(removed.data).toMatchObject({ _key: created._key });
    const gone = await client.GET('/torc-service/workflows/{key}', { params: { path: { key: created._key! } } });
    expect(gone.response.status).toBe(404);
    expect(api.store.torc.workflows).toEqual({});
  });

  it('When an update sends a stale _rev, then it gets 409 REVISION_CONFLICT and nothing changes', async () => {
    const created = await createWorkflow();
    await client.PUT('/torc-service/workflows/{key}', { params: { path: { key: created._key! } }, body: { ...created, name: 'first' } });

    const stale = await client.PUT('/torc-service/workflows/{key}', { params: { path: { key: created._key! } }, body: { ...created, name: 'second' } });

    expect(stale.response.status).toBe(409);
    expect(stale.error).toMatchObject({ error: true, code: 409, errorNum: 409, pipeloomCode: 'REVISION_CONFLICT' });
    expect(api.store.torc.workflows[created._key!]).toMatchObject({ name: 'first', _rev: '2' });
  });

  it('When a body breaks the contract, then it gets 400 in Torc\'s shape', async () => {
    const response = await fetch(`${baseUrl}/torc-service/workflows`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice', colour: 'red' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: true, code: 400, errorNum: 400, pipeloomCode: 'VALIDATION_FAILED', errorMessage: "request/body must NOT have additional properties: 'colour'",
    });
  });

  it('When workflows are listed with skip and limit, then pages carry Torc\'s counts', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await createWorkflow(name);

    const { data } = await client.GET('/torc-service/workflows', { params: { query: { skip: 1, limit: 2, sort_by: 'name' } } });

    expect(data).toEqual(expect.objectContaining({ skip: 1, max_limit: 100000, count: 2, total_count: 5, has_more: true }));
    expect(data!.items.map((w) => w.name)).toEqual(['b', 'c']);
    const last = await client.GET('/torc-service/workflows', { params: { query: { skip: 4, limit: 2 } } });
    expect(last.data).toMatchObject({ count: 1, has_more: false });
  });
});

describe('Torc collections', () => {
  it('When jobs are added, listed by status, updated and removed, then the collection agrees', async () => {
    const workflow = (await createWorkflow())._key!;
    const path = { workflow };
    const job = (await client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path }, body: { name: 'j1', command: 'echo 1' } })).data!;
    await client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path }, body: { name: 'j2', command: 'echo 2', status: 'ready' } });
    expect(job).toMatchObject({ _id: `jobs__${workflow}/${job._key}`, _rev: '1', status: 'uninitialized' });

    const ready = await client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path, query: { status: 'ready' } } });
    expect(ready.data!.items.map((j) => j.name)).toEqual(['j2']);
    const byStatus = await client.GET('/torc-service/workflows/{workflow}/jobs/find_by_status/{status}', { params: { path: { workflow, status: 'uninitialized' } } });
    expect(byStatus.data).toMatchObject({ count: 1, items: [{ name: 'j1' }] });

    const updated = await client.PUT('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow, key: job._key! } }, body: { ...job, command: 'echo one' } });
    expect(updated.data).toMatchObject({ _rev: '2', command: 'echo one' });

    await client.DELETE('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow, key: job._key! } } });
    const missing = await client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow, key: job._key! } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ pipeloomCode: 'DOCUMENT_NOT_FOUND' });
  });

  it('When files are added in bulk then all deleted, then the list is empty and the workflow stays', async () => {
    const workflow = (await createWorkflow())._key!;
    for (const p of ['a.json', 'b.json']) await client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } }, body: { name: p, path: p } });

    const deleted = await client.DELETE('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } } });

    expect(deleted.data).toEqual({ message: `Deleted all documents in files__${workflow}` });
    const { data } = await client.GET('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } } });
    expect(data).toMatchObject({ items: [], total_count: 0 });
  });

  it('When the workflow does not exist, then collection calls get 404', async () => {
    const { response, error } = await client.GET('/torc-service/workflows/{workflow}/user_data', { params: { path: { workflow: '999' } } });
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ errorMessage: 'workflow 999 was not found' });
  });

  it('When a PUT does not name the _rev it read, then it gets 400 REVISION_REQUIRED', async () => {
    const workflow = (await createWorkflow())._key!;
    const file = (await client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow } }, body: { path: 'a' } })).data!;
    const { _rev, ...withoutRev } = file;
    const { response, error } = await client.PUT('/torc-service/workflows/{workflow}/files/{key}', { params: { path: { workflow, key: file._key! } }, body: withoutRev });
    expect(response.status).toBe(400);
    expect(error).toMatchObject({ pipeloomCode: 'REVISION_REQUIRED' });
  });
});
