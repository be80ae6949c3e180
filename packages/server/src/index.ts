// Programmatic entry point: tests, benchmarks and `npm start` all start the server through startServer().
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import { LOG_LEVELS, loadConfig, resolveDatabaseUrl, type Config } from './config.ts';
import { collectOrphanedContent } from './content/collect.ts';
import type { ContentStore } from './content/content-store.ts';
import { directoryContentStore } from './content/directory-store.ts';
import { openDatabase, type Database } from './db/client.ts';
import { ConfigError, StartupError } from './env.ts';
import { armedFailPoints } from './fail-points.ts';
import { FAMILY_MODULES, type FamilyConfigs } from './families.ts';
import type { FamilyModule } from './family/module.ts';
import { createApp } from './http/app.ts';
import { removeStaleUploads } from './http/uploads.ts';
import { createLogger } from './logger.ts';

export interface RunningServer {
  url: string;
  port: number;
  database: Database;
  /**
   * Settles once the start-up housekeeping (content and temporary uploads left by a crash) is done. It runs
   * after the server listens, so a large content store does not delay the first request; never rejects.
   */
  housekeeping: Promise<void>;
  /** Stops accepting connections, stops the housekeeping, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

export interface StartOptions extends Partial<Omit<Config, 'families' | 'logLevel' | 'signInLimits'>> {
  logLevel?: string;
  /** Overrides for some of the sign-in limits; the rest come from the environment. */
  signInLimits?: Partial<Config['signInLimits']>;
  /** Overrides for some of a family's settings; the rest come from the environment. */
  families?: { [F in keyof FamilyConfigs]?: Partial<FamilyConfigs[F]> };
  validateResponses?: boolean;
  /** How long close() waits for in-flight responses before cutting connections (default 10 s). */
  drainTimeoutMs?: number;
  /** The lifecycle's clock (tests move it instead of waiting); the system clock by default. */
  clock?: Clock;
  /** Where log lines go; a pino logger on stdout at `logLevel` by default (tests pass one that captures them). */
  logger?: Logger;
}

function mergeConfig(options: StartOptions): Config {
  const { families, validateResponses: _v, drainTimeoutMs: _d, clock: _c, logger: _l, ...rest } = options;
  const loaded = loadConfig();
  const merged = { ...loaded, ...rest, signInLimits: { ...loaded.signInLimits, ...rest.signInLimits }, families: { ...loaded.families } } as Config;
  if (!(LOG_LEVELS as readonly string[]).includes(merged.logLevel)) throw new ConfigError(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got "${merged.logLevel}"`);
  for (const [name, overrides] of Object.entries(families ?? {})) {
    const key = name as keyof FamilyConfigs;
    (merged.families as Record<string, unknown>)[key] = { ...loaded.families[key], ...overrides };
  }
  merged.databaseUrl = resolveDatabaseUrl(merged.databaseUrl);
  return merged;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = mergeConfig(options);
  const logger = options.logger ?? createLogger(config.logLevel);
  const failPoints = armedFailPoints();
  const database = await openDatabase(config.databaseUrl, { migrate: config.migrate });
  let server: http.Server;
  let ready: boolean;
  const content = directoryContentStore(path.join(config.dataDir, 'content'));
  try {
    if (failPoints.size) logger.warn(`fail points armed (PIPELOOM_FAIL_POINT, for crash tests only): ${[...failPoints].join(', ')}`);
    // The families' queries need their tables: an unmigrated database is left alone until the next start.
    const readiness = config.migrate ? { ready: true, reason: undefined } : await database.readiness();
    ready = readiness.ready;
    if (!ready) logger.warn(`started without migrating (PIPELOOM_MIGRATE=false): ${readiness.reason}; /readyz answers 503 until \`npm run db:migrate\` has run`);
    const app = createApp({ config, database, content, logger, validateResponses: options.validateResponses, clock: options.clock });
    server = http.createServer(serverOptions(config), app);
    await listen(server, config);
  } catch (e) {
    await database.close();
    throw e;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  // Only files older than the grace period are touched, so collecting while requests write is safe.
  const stopHousekeeping = new AbortController();
  const housekeeping = ready ? collectContent(content, database, config, logger, stopHousekeeping.signal) : Promise.resolve();
  let closing: Promise<void> | undefined;
  // Requests that arrive or finish while closing must not leave keep-alive sockets that hold close() open.
  server.on('request', (_req, res: http.ServerResponse) => {
    if (closing && !res.headersSent) res.setHeader('connection', 'close');
  });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    database,
    housekeeping,
    close() {
      stopHousekeeping.abort();
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
      }).then(() => housekeeping).then(() => database.close());
      return closing;
    },
  };
}

/**
 * Timeouts against slow and stalled clients. Node looks for expired headers and requests only every
 * `connectionsCheckingInterval` (30 s by default), which would let a 10 s headers timeout run to 40 s, so
 * the check runs at a quarter of the shorter timeout (at most once a second, at least every 50 ms).
 */
export function serverOptions(config: Pick<Config, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs'>): http.ServerOptions {
  const shortest = Math.min(config.headersTimeoutMs, config.requestTimeoutMs);
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, Math.max(50, Math.floor(shortest / 4))),
  };
}

/** Removes what a crash left in the content store (see content/collect.ts) and the upload directory. */
async function collectContent(content: ContentStore, database: Database, config: Config, logger: Logger, signal: AbortSignal): Promise<void> {
  const families = (FAMILY_MODULES as readonly FamilyModule[]).flatMap((m) => (m.contentReferences ? [m.contentReferences(database)] : []));
  const before = new Date(Date.now() - config.contentGraceMinutes * 60_000);
  try {
    const { orphans, unfinished } = await collectOrphanedContent(content, families, { before, signal });
    if (orphans.length || unfinished) logger.info({ orphans: orphans.length, unfinished }, 'removed content no row references (left by a crash or a failed write)');
  } catch (err) {
    // Housekeeping only: a server that cannot collect still serves; the next start tries again.
    logger.warn({ err }, 'could not collect unreferenced content at start');
  }
  if (signal.aborted) return;
  try {
    const uploads = await removeStaleUploads(before);
    if (uploads) logger.info({ uploads }, 'removed temporary upload files of requests that never finished');
  } catch (err) {
    logger.warn({ err }, 'could not remove stale temporary upload files at start');
  }
}

function listen(server: http.Server, config: Config): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${config.host}:${config.port}`;
      if (e.code === 'EADDRINUSE') reject(new StartupError(`port ${config.port} is already in use on ${config.host}; stop the other server or set PORT`, { cause: e }));
      else if (e.code === 'EACCES') reject(new StartupError(`not allowed to listen on ${where}; pick a PORT above 1023 or grant the permission`, { cause: e }));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') reject(new StartupError(`HOST ${config.host} is not an address of this machine (${e.code})`, { cause: e }));
      else reject(e);
    });
    server.listen(config.port, config.host, () => resolve());
  });
}

export { loadConfig } from './config.ts';
export { ConfigError, StartupError } from './env.ts';
