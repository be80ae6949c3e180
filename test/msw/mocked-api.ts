// The setup most mock suites share: the whole API mocked on one base URL for the calling test file, its state
// reset after each test, and every answer it sent checked against the contract when the file ends.
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { setupServer } from 'msw/node';
import { createPipeloomClient } from '../../packages/sdk/src/client.ts';
import { createMockApi } from '../../packages/sdk/src/msw/index.ts';
import { watchContract } from './contract-check.ts';

export function mockedApi(baseUrl: string) {
  const api = createMockApi({ baseUrl });
  const server = setupServer(...api.handlers);
  const violations = watchContract(server);
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => api.reset());
  afterAll(() => {
    server.close();
    expect(violations).toEqual([]);
  });
  return { api, server, client: createPipeloomClient({ baseUrl }) };
}
