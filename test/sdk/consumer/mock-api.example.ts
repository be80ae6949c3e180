// What a frontend project's test writes (copied into the consumer project as src/mock-api.test.ts and run
// there by its own vitest, with no config): the README's "Testing your frontend" example verbatim, then
// the SDK client against the mock.
import { setupServer } from 'msw/node';
import { createMockApi } from '@pipeloom/sdk/msw';
import { createPipeloomClient } from '@pipeloom/sdk';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';

const api = createMockApi({ baseUrl: 'http://pipeloom.test' });
const server = setupServer(...api.handlers);
// a test may override any operation, typed from the contract:
api.override('get_workflow', ({ params }) => ({ status: 404, body: { error: true, code: 404, errorNum: 404, errorMessage: `workflow ${params.key} not found` } }));
api.reset(); // back to the initial state and no overrides

// The example stops at the setup; the rest is the test around it.
const client = createPipeloomClient({ baseUrl: 'http://pipeloom.test' });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.reset());
afterAll(() => server.close());

it('When a workflow is created through the SDK client, then reading it answers the stored workflow', async () => {
  const created = await client.POST('/torc-service/workflows', { body: { name: 'consumer', user: 'alice' } });
  const read = await client.GET('/torc-service/workflows/{key}', { params: { path: { key: created.data!._key! } } });

  expect(read.response.status).toBe(200);
  expect(read.data).toMatchObject({ _key: created.data!._key, _rev: '1', name: 'consumer', user: 'alice' });
  expect(Object.keys(api.store.torc.workflows)).toEqual([created.data!._key]);
});

it('When get_workflow is overridden, then the client gets the override', async () => {
  api.override('get_workflow', ({ params }) => ({ status: 404, body: { error: true, code: 404, errorNum: 404, errorMessage: `workflow ${params.key} not found` } }));

  const { error, response } = await client.GET('/torc-service/workflows/{key}', { params: { path: { key: '42' } } });

  expect(response.status).toBe(404);
  expect(error).toEqual({ error: true, code: 404, errorNum: 404, errorMessage: 'workflow 42 not found' });
});
