// Clients that stall or go away: connections that send half a request are cut off by the headers timeout
// and do not keep others from being served, a body that stops arriving is cut off by the request timeout,
// and a request abandoned halfway through its body writes nothing. The timeouts are short here so the
// tests wait only as long as the timeouts themselves.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { captureLog, type CapturedLog } from '../helpers/log-capture.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const HEADERS_TIMEOUT_MS = 400;
const REQUEST_TIMEOUT_MS = 800;

interface RawConnection {
  socket: net.Socket;
  /** Everything the server sent, once it closed the connection. */
  closed: Promise<string>;
}

function connect(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => { received += d; });
    // A reset after the server gave up on us is as good as a close.
    socket.on('error', () => {});
    const closed = new Promise<string>((done) => socket.once('close', () => done(received)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/** Writes `data` and, once it has left for the server, destroys the socket as a crashing client would. */
function sendThenDrop(c: RawConnection, data: string): Promise<void> {
  return new Promise((resolve) => c.socket.write(data, () => {
    c.socket.destroy();
    resolve();
  }));
}

/** The head of a JSON POST that announces `length` body bytes. */
const postHead = (url: string, path: string, length: number) =>
  `POST ${path} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe.each(PROVIDERS)('slow and aborted clients on %s', (provider) => {
  let t: TestServer;
  let log: CapturedLog;
  beforeAll(async () => {
    log = captureLog();
    t = await startTestServer(provider, { server: { headersTimeoutMs: HEADERS_TIMEOUT_MS, requestTimeoutMs: REQUEST_TIMEOUT_MS, logger: log.logger } });
  });
  afterAll(async () => { await t?.close(); });

  /** Waits for the request log line of a request the client abandoned (499) or the server cut off. */
  const abandoned = (path: string) => log.waitFor((l) => l.method === 'POST' && l.path === path && l.status === 499);

  it('When 200 connections send half a request and stall, then a normal request is answered within 2 s and the stalled ones are closed by the headers timeout', async () => {
    // Arrange
    const stalled = await Promise.all(Array.from({ length: 200 }, () => connect(t.url)));
    for (const { socket } of stalled) socket.write(`GET /torc-service/workflows HTTP/1.1\r\nHost: ${new URL(t.url).host}\r\nX-Half: `);

    // Act
    const started = performance.now();
    const { response } = await t.client.GET('/torc-service/workflows');
    const elapsed = performance.now() - started;

    // Assert
    expect(response.status).toBe(200);
    expect(elapsed).toBeLessThan(2_000);
    const answers = await Promise.all(stalled.map((c) => c.closed));
    // Node looks for expired requests periodically; the server runs that check often enough to keep close to the timeout.
    expect(performance.now() - started).toBeLessThan(HEADERS_TIMEOUT_MS + 1_500);
    expect(answers.every((a) => a === '' || a.startsWith('HTTP/1.1 408'))).toBe(true);
    expect((await t.client.GET('/torc-service/workflows')).response.status).toBe(200);
  });

  it('When a body stops arriving, then the request timeout closes the connection and nothing is created', async () => {
    // Arrange
    const name = `stalled-${crypto.randomUUID()}`;
    const body = JSON.stringify({ name, user: 'local' });
    const c = await connect(t.url);

    // Act: all headers and a few bytes of the body, then nothing.
    const started = performance.now();
    c.socket.write(postHead(t.url, '/torc-service/workflows', body.length + 100) + body.slice(0, 10));
    const answer = await c.closed;

    // Assert
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(waited).toBeLessThan(REQUEST_TIMEOUT_MS + 1_500);
    expect(answer === '' || answer.startsWith('HTTP/1.1 408')).toBe(true);
    const { items } = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { name } } }));
    expect(items ?? []).toHaveLength(0);
  });

  it('When a client sends half of a large workflow specification and drops the connection, then nothing of it is written and the server keeps serving', async () => {
    // Arrange
    const name = `aborted-${crypto.randomUUID()}`;
    const jobs = Array.from({ length: 5_000 }, (_, i) => ({ name: `job-${i}`, command: `echo ${i}` }));
    const body = JSON.stringify({ name, user: 'local', jobs });
    const c = await connect(t.url);

    // Act
    await sendThenDrop(c, postHead(t.url, '/torc-service/workflow_specifications', Buffer.byteLength(body)) + body.slice(0, body.length / 2));
    await abandoned('/torc-service/workflow_specifications');

    // Assert
    const { items } = await unwrap(t.client.GET('/torc-service/workflows', { params: { query: { name } } }));
    expect(items ?? []).toHaveLength(0);
    const whole = await t.client.POST('/torc-service/workflow_specifications', { body: { name: `${name}-whole`, user: 'local', jobs: jobs.slice(0, 10) } });
    expect(whole.response.status).toBe(200);
  });

  it('When a client sends half of a bulk job insert and drops the connection, then the workflow gains no job', async () => {
    // Arrange
    const workflow = (await unwrap(t.client.POST('/torc-service/workflows', { body: { name: `bulk-${crypto.randomUUID()}`, user: 'local' } })))._key!;
    const path = `/torc-service/workflows/${workflow}/bulk_jobs`;
    const body = JSON.stringify({ jobs: Array.from({ length: 5_000 }, (_, i) => ({ name: `job-${i}`, command: `echo ${i}` })) });
    const c = await connect(t.url);

    // Act
    await sendThenDrop(c, postHead(t.url, path, Buffer.byteLength(body)) + body.slice(0, body.length / 2));
    await abandoned(path);

    // Assert
    const listed = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow } } }));
    expect(listed.total_count).toBe(0);
    expect((await t.client.GET('/torc-service/workflows/{key}', { params: { path: { key: workflow } } })).response.status).toBe(200);
  });
});
