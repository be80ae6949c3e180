// What an operator sees of the running server: probes, the root redirect, the docs page's options, body
// limits chosen per operation, credentials checked before a body is read, and one log line per request.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '../../packages/server/src/config.ts';
import { openDatabase } from '../../packages/server/src/db/client.ts';
import { enumerateHandlers } from '../../packages/server/src/handlers.ts';
import { createApp } from '../../packages/server/src/http/app.ts';
import { rejectUnimplemented } from '../../packages/server/src/http/body.ts';
import { errorMiddleware } from '../../packages/server/src/http/errors.ts';
import { operationMatcher } from '../../packages/server/src/http/operation-matcher.ts';
import { requestLog } from '../../packages/server/src/http/request-log.ts';
import { listOperations } from '../../packages/server/src/spec.ts';
import { startServer } from '../../packages/server/src/index.ts';
import { createTestDatabase, startTestServer, type TestServer } from '../helpers/server.ts';

const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('probes, redirect and docs', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite', { tokens: ['s3cret'] }); });
  afterAll(async () => { await t?.close(); });

  it('When the database is migrated, then /healthz and /readyz answer 200 without credentials', async () => {
    expect(await (await fetch(`${t.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('GET / points to the API reference', async () => {
    const r = await fetch(`${t.url}/`, { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/docs/');
  });

  it('the docs page keeps its display options and never calls an online validator', async () => {
    const init = await (await fetch(`${t.url}/docs/swagger-ui-init.js`)).text();
    for (const option of ['"docExpansion": "none"', '"filter": true', '"tagsSorter": "alpha"', '"displayOperationId": true', '"validatorUrl": null']) {
      expect(init).toContain(option);
    }
  });

  it('When credentials are missing, then a malformed body is not even read: 401, not 400', async () => {
    const r = await fetch(`${t.url}/torc-service/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user": ' });
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ pipeloomCode: 'UNAUTHENTICATED' });
  });
});

describe('body limits', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite'); });
  afterAll(async () => { await t?.close(); });

  it('When an ordinary operation gets a 3 MB body, then it answers 413 in its family shape', async () => {
    const r = await fetch(`${t.url}/torc-service/workflows`, json({ user: 'alice', description: 'x'.repeat(3_000_000) }));
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: true, code: 413, pipeloomCode: 'PAYLOAD_TOO_LARGE' });
  });

  it('When add_jobs gets a 3 MB body, then it is read (bulk operations have a large limit)', async () => {
    const w = await (await fetch(`${t.url}/torc-service/workflows`, json({ user: 'alice' }))).json() as { _key: string };
    const jobs = Array.from({ length: 3 }, (_, i) => ({ name: `j${i}`, command: `echo ${'y'.repeat(1_000_000)}` }));
    const r = await fetch(`${t.url}/torc-service/workflows/${w._key}/bulk_jobs`, json({ jobs }));
    expect(r.status).not.toBe(413);
  });
});

describe('without migrations at start (PIPELOOM_MIGRATE=false)', () => {
  it('When the database has no migrations applied, then the server starts but /readyz answers 503 with a reason', async () => {
    const database = await createTestDatabase('sqlite');
    fs.writeFileSync(database.url.slice('file:'.length), '');
    const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: database.url, logLevel: 'silent', migrate: false, tokens: [] });
    try {
      const r = await fetch(`${server.url}/readyz`);
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBeTruthy();
      expect(await r.json()).toMatchObject({ status: 'not ready' });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close();
      await database.drop();
    }
  });
});

describe('request log', () => {
  it('writes one info line per request with its request id, and no stack for an expected 4xx', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const logger = pino({ level: 'info' }, sink);
    const database = await createTestDatabase('sqlite');
    const db = await openDatabase(database.url);
    const app = createApp({ config: { ...loadConfig({}), databaseUrl: database.url }, database: db, logger });
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      await fetch(`${base}/torc-service/ping`, { headers: { 'x-request-id': 'req-1' } });
      await fetch(`${base}/torc-service/workflows/999999`);
      const requests = lines.filter((l) => typeof l.status === 'number');
      expect(requests.map((l) => [l.path, l.status])).toEqual([['/torc-service/ping', 200], ['/torc-service/workflows/999999', 404]]);
      expect(requests[0]).toMatchObject({ level: 30, reqId: 'req-1', method: 'GET' });
      for (const l of requests) expect(l.err).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
      await db.close();
      await database.drop();
    }
  });

  it('When an operation has no handler, then it answers 501 in its family\'s body and its log line has no stack', async () => {
    // Every operation of the contract is implemented, so the 501 path is assembled from the app's own
    // middlewares (request log, the unimplemented check, the error middleware) with one handler left out.
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
    const operations = listOperations();
    const { dioptra_get_job_resource: _left, ...handlers } = enumerateHandlers(loadConfig({}).families, operations);
    const app = express();
    app.use(requestLog(pino({ level: 'info' }, sink)));
    app.use(rejectUnimplemented(operationMatcher(operations), handlers));
    app.use(errorMiddleware());
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const r = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/job/`);
      expect(r.status).toBe(501);
      expect(await r.json()).toEqual({ message: 'operation dioptra_get_job_resource is not implemented yet', code: 'NOT_IMPLEMENTED' });
      const requests = lines.filter((l) => typeof l.status === 'number');
      expect(requests.map((l) => [l.path, l.status, l.level])).toEqual([['/api/job/', 501, 30]]);
      expect(requests[0]!.err).toBeUndefined();
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
