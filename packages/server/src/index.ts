// Programmatic entry point: tests, benchmarks and `npm start` all start the server through startServer().
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { createApp } from './http/app.ts';
import { createLogger } from './logger.ts';

export interface RunningServer {
  url: string;
  port: number;
  database: Database;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions extends Partial<Config> {
  validateResponses?: boolean;
  /** How long close() waits for in-flight responses before cutting connections (default 10 s). */
  drainTimeoutMs?: number;
  /** The lifecycle's clock (tests move it instead of waiting); the system clock by default. */
  clock?: Clock;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = { ...loadConfig(), ...options };
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config.databaseUrl);
  const app = createApp({ config, database, logger, validateResponses: options.validateResponses, clock: options.clock });
  const server = http.createServer(app);
  // Keep-alive longer than common proxies' idle timeouts, so a proxy never reuses a socket we closed.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  // Requests that arrive or finish while closing must not leave keep-alive sockets that hold close() open.
  server.on('request', (_req, res: http.ServerResponse) => {
    if (closing && !res.headersSent) res.setHeader('connection', 'close');
  });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    database,
    close() {
      closing ??= new Promise<void>((resolve) => {
        const sweep = setInterval(() => server.closeIdleConnections(), 100).unref();
        // A client that stops reading a response would hold close() open forever; give up on it.
        const deadline = setTimeout(() => server.closeAllConnections(), options.drainTimeoutMs ?? 10_000).unref();
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
      }).then(() => database.close());
      return closing;
    },
  };
}

export { loadConfig } from './config.ts';
