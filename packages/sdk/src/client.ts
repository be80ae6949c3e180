import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/schema.js';

/** A typed client for every Pipeloom operation; see {@link createPipeloomClient}. */
export type PipeloomClient = Client<paths>;

export interface PipeloomClientOptions {
  /** Where the server is, e.g. `http://localhost:8080`. Paths in calls start with the family prefix. */
  baseUrl: string;
  /** An API token sent as `Authorization: Bearer <token>`; a function is asked before every request. */
  token?: string | (() => string | undefined | Promise<string | undefined>);
  /** A fetch to use instead of the global one (tests, proxies, retries). */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

function authMiddleware(token: NonNullable<PipeloomClientOptions['token']>): Middleware {
  return {
    async onRequest({ request }) {
      const value = typeof token === 'function' ? await token() : token;
      if (value && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

/**
 * Creates a typed client for the whole Pipeloom API (Torc, PLynx, Dioptra and Flow). Calls return
 * `{ data, error, response }` and never throw on an HTTP status; wrap a call in `unwrap()` to throw instead.
 *
 * `fetch` is looked up on every request rather than captured here, so mocks installed later (msw's
 * `server.listen()`) still intercept a client created earlier.
 *
 * @example
 * ```ts
 * import { createPipeloomClient } from '@pipeloom/sdk';
 *
 * const client = createPipeloomClient({ baseUrl: 'http://localhost:8080', token: process.env.PIPELOOM_TOKEN });
 * const { data, response } = await client.GET('/torc-service/workflows', { params: { query: { user: 'alice' } } });
 * if (response.ok) for (const w of data!.items) console.log(w._key, w.name);
 * ```
 */
export function createPipeloomClient(options: PipeloomClientOptions): PipeloomClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    headers: options.headers,
    fetch: (request) => (options.fetch ?? globalThis.fetch)(request),
  });
  if (options.token) client.use(authMiddleware(options.token));
  return client;
}
