// The streamed JSON writer on its own, behind a bare Express app: it writes what res.json would, a failure
// before the first item is still an ordinary error reply, and a failure after it cuts the connection so
// half a body never passes for a whole one.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { components } from '@pipeloom/sdk';
import type { Handler } from '../../packages/server/src/http/handler.ts';
import { JsonStream, writeJsonStream } from '../../packages/server/src/http/json-stream.ts';
import { streamPage } from '../../packages/server/src/torc/documents.ts';

interface Body {
  rows?: { n: number; label?: string }[];
  total: number;
  done: boolean;
}

async function* numbers(count: number, failAt = -1): AsyncGenerator<{ n: number; label?: string }> {
  for (let n = 0; n < count; n++) {
    if (n === failAt) throw new Error('the read failed');
    yield n % 2 ? { n, label: `"quoted" ${n}` } : { n };
  }
}

const stream = (count: number, failAt = -1) =>
  JsonStream.of<Body, 'rows', { n: number; label?: string }>('rows', numbers(count, failAt), (written) => ({ total: written, done: true }));

describe('Streamed JSON replies', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.get('/rows/:count', (req, res, next) => {
      const failAt = req.query.fail === undefined ? -1 : Number(req.query.fail);
      writeJsonStream(res, 200, stream(Number(req.params.count), failAt)).catch(next);
    });
    app.get('/plain/:count', async (req, res) => {
      const rows = [];
      for await (const row of numbers(Number(req.params.count))) rows.push(row);
      res.json({ rows, total: rows.length, done: true });
    });
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      if (!res.headersSent) res.status(500).json({ error: 'failed' });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('When items are streamed, then the body is byte for byte what res.json writes, empty lists included', async () => {
    for (const count of [0, 1, 3, 20_000]) {
      const streamed = await fetch(`${base}/rows/${count}`);
      const plain = await fetch(`${base}/plain/${count}`);
      expect(streamed.headers.get('content-type')).toBe(plain.headers.get('content-type'));
      expect(await streamed.text()).toBe(await plain.text());
    }
  });

  it('When the first read fails, then nothing was sent and the error reply goes out instead', async () => {
    const res = await fetch(`${base}/rows/10?fail=0`);
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'failed' });
  });

  it('When a later read fails, then the connection is cut rather than the JSON closed', async () => {
    const res = await fetch(`${base}/rows/50000?fail=40000`);
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });

  it('When a handler streams a body its operation does not document, then it does not compile', () => {
    async function* noJobs(): AsyncGenerator<components['schemas']['job_model']> {}
    const documented: Handler<'list_jobs'> = () => ({ status: 200, body: streamPage(noJobs(), 0, 0) });
    // @ts-expect-error a page of numbers is not a page of jobs
    const undocumented: Handler<'list_jobs'> = () => ({ status: 200, body: stream(1) });
    expect([documented, undocumented]).toHaveLength(2);
  });
});
