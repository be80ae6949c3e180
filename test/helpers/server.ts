// Starts the real server on port 0 against a database of its own and hands back an SDK client for it.
// SQLite always; PostgreSQL as well when TEST_DATABASE_URL names a server (each run gets a fresh database).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPipeloomClient, type PipeloomClient } from '@pipeloom/sdk';
import type { Clock } from '../../packages/server/src/clock.ts';
import { startServer, type RunningServer, type StartOptions } from '../../packages/server/src/index.ts';

export type Provider = 'sqlite' | 'postgresql';

/**
 * False when PIPELOOM_SKIP_FAULT_SUITES=1: the fuzz, crash, scale-out and database-restart suites then skip.
 * CI runs them in its first pass and sets it for the second (the same suite under Node 24), where they would
 * only repeat server behaviour that does not depend on the Node version, at several minutes each.
 */
export const FAULT_SUITES = process.env.PIPELOOM_SKIP_FAULT_SUITES !== '1';

/** The databases the end-to-end suites run on in this environment. */
export const PROVIDERS: Provider[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgresql'] : ['sqlite'];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database: a temporary SQLite file, or a new PostgreSQL database on TEST_DATABASE_URL's server. */
export async function createTestDatabase(provider: Provider): Promise<TestDatabase> {
  if (provider === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-test-'));
    return { url: `file:${path.join(dir, 'test.db')}`, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `pipeloom_test_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestServer {
  server: RunningServer;
  client: PipeloomClient;
  url: string;
  databaseUrl: string;
  /** The server's data folder (content store and the like), removed by close(). */
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Starts the real server on port 0 with a fresh database and data folder. `env` holds settings the server
 * reads from the environment at start (PIPELOOM_DIOPTRA_BUILTINS_DIR, ...); they are set only while it starts.
 */
export interface TestServerOptions {
  tokens?: string[];
  claimLeaseSeconds?: number;
  nodeLeaseSeconds?: number;
  clock?: Clock;
  env?: Record<string, string>;
  /** Further startServer options (timeouts, rate limits, a capturing logger, ...). */
  server?: Omit<StartOptions, 'databaseUrl' | 'dataDir' | 'port' | 'host'>;
}

export async function startTestServer(provider: Provider, options: TestServerOptions = {}): Promise<TestServer> {
  const saved = Object.keys(options.env ?? {}).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, options.env);
  try {
    return await startTestServerNow(provider, options);
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function startTestServerNow(provider: Provider, options: TestServerOptions): Promise<TestServer> {
  const database = await createTestDatabase(provider);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-data-'));
  const server = await startServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    logLevel: process.env.LOG_LEVEL ?? 'silent',
    tokens: options.tokens ?? [],
    families: {
      torc: {
        ...(options.claimLeaseSeconds ? { claimLeaseSeconds: options.claimLeaseSeconds } : {}),
        ...(options.nodeLeaseSeconds ? { nodeLeaseSeconds: options.nodeLeaseSeconds } : {}),
      },
    },
    validateResponses: true,
    ...(options.clock ? { clock: options.clock } : {}),
    ...options.server,
  });
  return {
    server,
    url: server.url,
    databaseUrl: database.url,
    dataDir,
    client: createPipeloomClient({ baseUrl: server.url }),
    async close() {
      await server.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
