/**
 * Typed, stateful msw handlers for the whole Pipeloom API, for frontend and SDK tests.
 *
 * @example
 * ```ts
 * import { setupServer } from 'msw/node';
 * import { createMockApi } from '@pipeloom/sdk/msw';
 *
 * const api = createMockApi({ baseUrl: 'http://pipeloom.test' });
 * const server = setupServer(...api.handlers);
 * ```
 * @module
 */
export { createMockApi, type MockApi, type MockApiOptions } from './create-mock-api.js';
export { MockError } from './errors.js';
export type { MockSeed, MockStore, StoredDocument } from './store.js';
export type { MockRequestInfo, MockResolver, MockResponse, OperationId } from './types.js';
