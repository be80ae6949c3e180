// The handler map and the contract agree: every handler is looked up by an operationId that openapi.yaml
// declares (a handler under any other key would never run), and a handler whose reply does not match its
// operation's documented response does not compile.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../packages/server/src/config.ts';
import { enumerateHandlers } from '../../packages/server/src/handlers.ts';
import type { HandlerMap } from '../../packages/server/src/http/handler.ts';
import { listOperations } from '../../packages/server/src/spec.ts';

// Handlers are only enumerated here, never called, so no database is opened.
const handlers = enumerateHandlers(loadConfig({}).families);
const operationIds = new Set(listOperations().map((o) => o.operationId));

describe('the handler map', () => {
  it('when the server builds its handlers, then every key is an operationId of the contract', () => {
    const unknown = Object.keys(handlers).filter((key) => !operationIds.has(key));
    expect(unknown).toEqual([]);
  });

  it('when the server builds its handlers, then every Torc operation has one', () => {
    const torc = listOperations().filter((o) => o.family === 'torc');
    const missing = torc.filter((o) => !(o.operationId in handlers)).map((o) => o.operationId);
    expect(missing).toEqual([]);
  });

  it('when a reply does not match the contract, then it does not compile', () => {
    const checked: HandlerMap = {
      // @ts-expect-error a message is not a page of jobs
      list_jobs: async () => ({ status: 200, body: { message: 'not a page' } }),
      // @ts-expect-error get_workflow documents no 201 reply
      get_workflow: async () => ({ status: 201, body: { user: 'someone' } }),
      get_version: () => ({ status: 200, body: { version: '0.0.0' } }),
    };
    expect(Object.keys(checked)).toHaveLength(3);
  });
});
