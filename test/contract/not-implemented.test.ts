// Every operation of the contract is either implemented or answers 501 NOT_IMPLEMENTED in the error shape of
// its family: a valid request (the contract's own example body) to an operation without a handler reaches
// the dispatcher and gets 501, never a 404, a 400 or a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandlers } from '../../packages/server/src/handlers.ts';
import type { Database } from '../../packages/server/src/db/client.ts';
import { listOperations, loadSpec, type OpenApiDocument, type SpecOperation } from '../../packages/server/src/spec.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

// Only enumerated, never called: no database is opened.
const handlers = buildHandlers({ db: {} as Database['db'], provider: 'sqlite', close: async () => {} });
const spec = loadSpec().document;
const unimplemented = listOperations(spec).filter((o) => !(o.operationId in handlers));

/** The member of the family's error body that carries the message (the rest of the shape is `code`). */
const MESSAGE_FIELD = { torc: 'errorMessage', plynx: 'message', dioptra: 'message', flow: 'msg' } as const;

function resolve(node: OpenApiDocument | undefined): OpenApiDocument | undefined {
  let n = node;
  while (n?.$ref) n = (n.$ref as string).slice(2).split('/').reduce((o: OpenApiDocument, k: string) => o[k], spec);
  return n;
}

/** A value the parameter's schema accepts: its example, else a UUID or `1` by format. */
function pathValue(param: OpenApiDocument): string {
  const schema = resolve(param.schema) ?? {};
  const example = param.example ?? schema.example;
  if (example !== undefined) return String(example);
  return schema.format === 'uuid' ? '00000000-0000-4000-8000-000000000001' : '1';
}

/** A request the contract accepts: documented path parameter values and the first documented body example. */
function requestFor(op: SpecOperation): { url: string; init: RequestInit } {
  const item = spec.paths[op.path] as OpenApiDocument;
  const operation = item[op.method] as OpenApiDocument;
  const params = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((p: OpenApiDocument) => resolve(p)!);
  const url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const param = params.find((p) => p.in === 'path' && p.name === name);
    return encodeURIComponent(param ? pathValue(param) : '1');
  });
  const init: RequestInit = { method: op.method.toUpperCase() };
  const content = (resolve(operation.requestBody)?.content ?? {}) as Record<string, OpenApiDocument>;
  const [type, media] = Object.entries(content)[0] ?? [];
  if (!type || !media) return { url, init };
  const example = media.example ?? Object.values<OpenApiDocument>(media.examples ?? {})[0]?.value ?? {};
  if (type === 'application/json') {
    init.body = JSON.stringify(example);
    init.headers = { 'content-type': type };
  } else if (type === 'multipart/form-data') {
    const form = new FormData();
    for (const [k, v] of Object.entries<unknown>(example)) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
    init.body = form;
  } else {
    init.body = new URLSearchParams(Object.entries<unknown>(example).map(([k, v]) => [k, String(v)]));
  }
  return { url, init };
}

describe('operations without a handler', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite'); });
  afterAll(async () => { await t?.close(); });

  it.each(unimplemented.map((o) => [o.operationId, o] as const))('when %s is called, then it answers 501 in its family\'s error shape', async (_id, op) => {
    const { url, init } = requestFor(op);
    const res = await fetch(`${t.url}${url}`, init);
    const body = await res.json();
    expect({ status: res.status, body }).toMatchObject({ status: 501, body: { code: 'NOT_IMPLEMENTED' } });
    expect(typeof body[MESSAGE_FIELD[op.family]]).toBe('string');
  });
});
