// What the job kind suites share: a fake server on a real socket (each suite answers the few routes its kind
// calls) and a job context as the worker builds it, with stop and kill signals the test controls.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { JobRunContext } from '@pipeloom/sdk/node';
import type { WorkerLogLevel } from '../../packages/sdk/src/worker/types.ts';

/** A server on 127.0.0.1 and a free port; subclasses answer requests in `handle`. */
export abstract class FakeHttpServer {
  private server?: http.Server;
  url = '';

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void>;

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => sendJson(res, 500, { message: String(error) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A job context as the worker builds it, logging into `lines`, with signals the test controls. */
export function jobContext(dir: string, lines: string[]): JobRunContext & { stopper: AbortController; killer: AbortController } {
  const stopper = new AbortController();
  const killer = new AbortController();
  return {
    workflowKey: '1', runId: 1, cwd: dir, env: process.env, stdoutPath: path.join(dir, 'job.o'), stderrPath: path.join(dir, 'job.e'),
    stop: stopper.signal, kill: killer.signal, stopper, killer,
    log: (level: WorkerLogLevel, message: string) => lines.push(`${level} ${message}`),
  };
}
