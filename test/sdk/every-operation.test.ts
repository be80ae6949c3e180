// The SDK reaches every operation of the contract: the generated index names each operationId once, the
// compiler checks that its path and method carry that operation's types, and a call through the client
// for each one arrives at the right method and URL.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createPipeloomClient, operationIndex, type operations } from '@pipeloom/sdk';
import type { RoutesMatchOperations } from '../../packages/sdk/src/generated/operation-index.ts';

const baseUrl = 'http://sdk.test';
const seen: string[] = [];
const mock = setupServer(http.all(`${baseUrl}/*`, ({ request }) => {
  seen.push(`${request.method} ${new URL(request.url).pathname}`);
  return HttpResponse.json({});
}));
beforeAll(() => mock.listen({ onUnhandledRequest: 'error' }));
afterAll(() => mock.close());

describe('every operation through the SDK', () => {
  it('the index covers every operationId, and each route carries its operation\'s types', () => {
    expectTypeOf<keyof typeof operationIndex>().toEqualTypeOf<keyof operations>();
    expectTypeOf<RoutesMatchOperations>().toEqualTypeOf<true>();
    expect(Object.keys(operationIndex).length).toBeGreaterThanOrEqual(136 + 25 + 30 + 2);
  });

  it.each(Object.entries(operationIndex))('%s is sent to its method and path', async (_id, route) => {
    const client = createPipeloomClient({ baseUrl });
    const names = [...route.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
    const pathParams = Object.fromEntries(names.map((n) => [n, `v-${n}`]));
    const init = { params: { path: pathParams }, ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: {} }) };
    // The route is known only at run time here; its static typing is what the assertions above check.
    const call = client[route.method] as (path: string, init: unknown) => Promise<{ response: Response }>;
    const { response } = await call(route.path, init);
    expect(response.ok).toBe(true);
    expect(seen.at(-1)).toBe(`${route.method} ${route.path.replace(/\{([^}]+)\}/g, (_m, n: string) => `v-${n}`)}`);
  });
});
