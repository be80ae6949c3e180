// The example: a frontend test mocks the whole API in three lines and drives it with the SDK client.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { createPipeloomClient } from '../../packages/sdk/src/client.ts';
import { watchContract } from './contract-check.ts';
import { createMockApi } from '../../packages/sdk/src/msw/index.ts';

const api = createMockApi({ baseUrl: 'http://pipeloom.test' });
const server = setupServer(...api.handlers);
const violations = watchContract(server);
// Created before listen(): the client looks fetch up per call, so msw still intercepts it.
const client = createPipeloomClient({ baseUrl: 'http://pipeloom.test' });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => api.reset());
afterAll(() => {
  server.close();
  // Every answer above, stored data included, was one the contract allows.
  expect(violations).toEqual([]);
});

describe('the README example', () => {
  it('When get_workflow is overridden, then the client sees the override until reset()', async () => {
    // Arrange
    const { data: created } = await client.POST('/torc-service/workflows', { body: { name: 'demo', user: 'alice' } });
    api.override('get_workflow', ({ params }) => ({ status: 404, body: { error: true, code: 404, errorNum: 404, errorMessage: `workflow ${params.key} not found` } }));

    // Act
    const overridden = await client.GET('/torc-service/workflows/{key}', { params: { path: { key: created!._key! } } });
    api.reset();
    const afterReset = await client.GET('/torc-service/workflows/{key}', { params: { path: { key: created!._key! } } });

    // Assert
    expect(overridden.response.status).toBe(404);
    expect(overridden.error).toEqual({ error: true, code: 404, errorNum: 404, errorMessage: `workflow ${created!._key} not found` });
    // reset() also dropped the workflow: the initial state was empty.
    expect(afterReset.response.status).toBe(404);
    expect(afterReset.error).toMatchObject({ pipeloomCode: 'DOCUMENT_NOT_FOUND' });
  });

  it('When nothing is overridden, then engine operations answer the contract\'s example', async () => {
    const { data, response } = await client.GET('/torc-service/version');
    expect(response.status).toBe(200);
    expect(data).toEqual({ version: expect.any(String) });
  });
});
