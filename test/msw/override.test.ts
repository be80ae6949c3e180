// Overrides are typed per operation and dropped by reset(); reset() restores the seeded state; a snapshot
// of one mock's store seeds another that answers the same.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createPipeloomClient } from '../../packages/sdk/src/client.ts';
import { watchContract } from './contract-check.ts';
import { createMockApi, type MockResponse } from '../../packages/sdk/src/msw/index.ts';

const server = setupServer();
const violations = watchContract(server);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => {
  server.close();
  // Every answer above, stored data included, was one the contract allows.
  expect(violations).toEqual([]);
});

/** A mock on its own host, so tests do not share state. */
function mockAt(host: string, seed?: Parameters<typeof createMockApi>[0]['seed']) {
  const baseUrl = `http://${host}.test`;
  const api = createMockApi({ baseUrl, seed });
  server.use(...api.handlers);
  return { api, client: createPipeloomClient({ baseUrl }) };
}

describe('override', () => {
  it('When an engine operation is overridden, then the client gets the typed answer, and reset() restores the default', async () => {
    const { api, client } = mockAt('override-claim');
    api.override('claim_queue_jobs', ({ params, body }) => ({ status: 200, body: { jobs: [], reason: `${body.worker.hostname} found queue ${params.queue} empty`, unfinished_jobs: 0 } }));
    api.override('get_version', () => ({ status: 200, body: { version: '9.9.9' } }));

    expect((await client.GET('/torc-service/version')).data).toEqual({ version: '9.9.9' });
    const claim = await client.POST('/torc-service/queues/{queue}/claim_jobs', {
      params: { path: { queue: 'gpu' } }, body: { worker: { hostname: 'node-1', pid: 1, start_time: '2026-11-22T14:00:00Z', resources: { num_cpus: 8, memory_gb: 32 } }, resources: { num_cpus: 8, memory_gb: 32 } },
    });
    expect(claim.data).toMatchObject({ reason: 'node-1 found queue gpu empty' });
    api.reset();
    expect((await client.GET('/torc-service/version')).data).not.toEqual({ version: '9.9.9' });
  });

  it('When an override returns a Response, then it is sent as is', async () => {
    const { api, client } = mockAt('override-response');
    api.override('ping', () => HttpResponse.json({ message: 'raw' }, { status: 200 }));
    expect((await client.GET('/torc-service/ping')).data).toEqual({ message: 'raw' });
  });

  it('When an override reads the store, then it sees what earlier calls stored', async () => {
    const { api, client } = mockAt('override-store');
    await client.POST('/torc-service/workflows', { body: { user: 'alice' } });
    api.override('is_workflow_complete', ({ params, store }) => ({
      status: 200, body: { is_complete: store.torc.workflows[params.key] !== undefined, is_canceled: false, needs_to_run_completion_script: false },
    }));
    const { data } = await client.GET('/torc-service/workflows/{key}/is_complete', { params: { path: { key: '1' } } });
    expect(data).toMatchObject({ is_complete: true });
  });

  it('rejects, at compile time, an unknown operationId or a status or body the operation does not declare', () => {
    const { api } = mockAt('override-types');
    // @ts-expect-error: not an operation of the contract
    expect(() => api.override('no_such_operation', () => ({ status: 200, body: {} }))).toThrow(/unknown operation/);
    // @ts-expect-error: get_workflow does not declare 418
    api.override('get_workflow', () => ({ status: 418, body: { error: true, code: 418, errorNum: 418, errorMessage: 'teapot' } }));
    // @ts-expect-error: a 404 of Torc carries TorcError, not PLynx's shape
    api.override('get_workflow', () => ({ status: 404, body: { status: 'failed', message: 'nope' } }));
    // @ts-expect-error: a workflow needs a user
    api.override('get_workflow', () => ({ status: 200, body: { name: 'no user' } }));
    // @ts-expect-error: get_workflow's path has `key`, not `graph_id`
    api.override('get_workflow', ({ params }) => ({ status: 200, body: { user: params.graph_id } }));
    expectTypeOf<Extract<MockResponse<'ping'>, { status: 200 }>['body']>().toEqualTypeOf<{ message: string }>();
    expectTypeOf<MockResponse<'get_workflow'>['status']>().toEqualTypeOf<200 | 401 | 403 | 404>();
  });
});

describe('seed and reset', () => {
  it('When a mock is seeded with another mock\'s store, then both answer the same', async () => {
    const first = mockAt('seed-source');
    const workflow = (await first.client.POST('/torc-service/workflows', { body: { name: 'w', user: 'alice' } })).data!;
    await first.client.POST('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: workflow._key! } }, body: { command: 'true' } });
    await first.client.POST('/api/v1/flow/pipeline', { body: { name: 'p' } });

    // The store itself is the seed: createMockApi copies it, so the two mocks do not share state.
    const second = mockAt('seed-copy', first.api.store);

    expect(second.api.store).toEqual(first.api.store);
    const jobs = (client: typeof first.client) => client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: workflow._key! } } });
    expect((await jobs(second.client)).data).toEqual((await jobs(first.client)).data);
    // Keys continue from the same counter, so the copy issues the same next key.
    const next = async (m: typeof first) => (await m.client.POST('/torc-service/workflows', { body: { user: 'bob' } })).data!._key;
    expect(await next(second)).toBe(await next(first));
  });

  it('When reset() is called, then the seeded state comes back and later changes are gone', async () => {
    const id = '7d0f3a52-6e1b-4c8e-9f27-1a4b5c6d7e80';
    const { api, client } = mockAt('seed-reset', { flow: { pipelines: { [id]: { id, name: 'seeded', permissions: [], is_manager: true } } } });
    await client.POST('/api/v1/flow/pipeline', { body: { name: 'added' } });
    await client.PATCH('/api/v1/flow/pipeline/{pipeline_id}', { params: { path: { pipeline_id: id } }, body: { name: 'renamed' } });

    api.reset();

    expect(Object.values(api.store.flow.pipelines).map((p) => p.name)).toEqual(['seeded']);
  });
});
