// Opens the database named by the URL: checks it can be written, migrates it (unless told not to), then
// hands back the Prisma client generated for its provider. Prisma bakes the provider into a generated
// client, so there are two; the SQLite one's type is the common denominator the repositories are written
// against. Failures a user can fix (unreachable, missing, read-only) become one-sentence StartupErrors.
import fs from 'node:fs';
import path from 'node:path';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.ts';
import { PrismaClient as PgClient } from '../generated/postgresql/client.ts';
import { StartupError } from '../env.ts';
import { assertSqliteRunsOnThisNode } from './sqlite-node-support.ts';
import { SAFETY_NET_PAGES, startCheckpointer } from './sqlite-checkpointer.ts';
import type { DriverSql } from './driver-sql.ts';
import type { SqlClient } from './sql.ts';
import { migrateDatabase, pendingMigrations, providerFromUrl, readMigrations, sqlitePath, type AppliedRow, type Provider } from './migrate.ts';

export type Db = InstanceType<typeof SqliteClient>;

export interface Readiness {
  ready: boolean;
  /** Why not, in one sentence. */
  reason?: string;
}

export interface Database {
  db: Db;
  provider: Provider;
  /** The same connection(s) as `db`, for the repositories' hot raw SQL without Prisma's per-statement cost. */
  driver: DriverSql;
  /** Whether the database answers and every committed migration is applied (for /readyz). */
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

// The driver path of each open client, for code handed only the client (identity's wiring).
const drivers = new WeakMap<Db, DriverSql>();

/** Where raw SQL over `db` should run: its driver path when `db` came from openDatabase, else `db` itself. */
export function sqlClientFor(db: Db): SqlClient {
  return drivers.get(db) ?? db;
}

export interface OpenOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
}

export async function openDatabase(url: string, { migrate = true }: OpenOptions = {}): Promise<Database> {
  const provider = providerFromUrl(url);
  if (provider === 'sqlite') checkSqliteFile(sqlitePath(url), migrate);
  if (migrate) await migrateDatabase(url).catch((e: unknown) => { throw startupError(e, url); });
  const { db, driver, stop } = provider === 'sqlite' ? await openSqlite(url) : await openPostgres(url);
  const close = async () => {
    await stop?.();
    await db.$disconnect();
  };
  try {
    // Proves the database answers now, rather than on the first request.
    await db.$queryRaw`SELECT 1`;
  } catch (e) {
    await close();
    throw startupError(e, url);
  }
  const migrations = readMigrations(provider);
  drivers.set(db, driver);
  return {
    db,
    provider,
    driver,
    async readiness() {
      try {
        const applied = await db.$queryRaw<AppliedRow[]>`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`;
        const todo = pendingMigrations(applied, migrations);
        return todo.length ? { ready: false, reason: `${todo.length} migration(s) not applied yet, first ${todo[0]!.name}` } : { ready: true };
      } catch (e) {
        return { ready: false, reason: `the database does not answer or has no migration history: ${(e as Error).message.split('\n')[0]}` };
      }
    },
    close,
  };
}

interface Opened {
  db: Db;
  driver: DriverSql;
  /** Stops what the connection runs beside it (SQLite's checkpointer thread). */
  stop?: () => Promise<void>;
}

async function openSqlite(url: string): Promise<Opened> {
  assertSqliteRunsOnThisNode();
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const { SqliteConnection, SqliteDriver, shareSqliteConnection } = await import('./driver-sqlite.ts');
  const connection = new SqliteConnection();
  const adapter = shareSqliteConnection(new PrismaBetterSqlite3({ url: `file:${sqlitePath(url)}`, timeout: 15_000 }), connection);
  const db = new SqliteClient({ adapter });
  // Per-connection settings: durable enough with WAL, and foreign keys enforced for cascades.
  await db.$queryRaw`PRAGMA synchronous = NORMAL`;
  await db.$queryRaw`PRAGMA foreign_keys = ON`;
  // A million-edge workflow touches four B-trees per edge; SQLite's default 2 MB page cache makes that
  // thrash. 64 MB of cache and in-memory temp tables keep bulk inserts and sorts fast.
  await db.$queryRaw`PRAGMA cache_size = -65536`;
  await db.$queryRaw`PRAGMA temp_store = MEMORY`;
  // Checkpoints run on a worker thread; this connection only steps in if the log grows past the safety net.
  // (An in-memory database has no log and no second connection to share it.)
  const file = sqlitePath(url);
  const checkpointer = file === ':memory:' ? undefined : startCheckpointer(file, () => connection.client?.pragma(`wal_autocheckpoint = ${SAFETY_NET_PAGES}`));
  return { db, driver: new SqliteDriver(connection), stop: async () => checkpointer?.stop() };
}

async function openPostgres(url: string): Promise<Opened> {
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const { default: pg } = await import('pg');
  const { PgDriver } = await import('./driver-pg.ts');
  // One pool for both paths; Prisma ends it on $disconnect.
  const pool = new pg.Pool({ connectionString: url });
  // An idle connection cut by a database restart is an 'error' on the pool, fatal without a listener; the
  // pool has already dropped it and the next request opens a new one.
  pool.on('error', () => {});
  const db = new PgClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }) as unknown as Db;
  return { db, driver: new PgDriver(pool) };
}

/**
 * SQLite writes the database file and, in WAL mode, two files beside it; a read-only file or directory would
 * let the server start and then answer 500 to every write, so refuse to start instead.
 */
function checkSqliteFile(file: string, willCreate: boolean): void {
  if (file === ':memory:') return;
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(file) && !willCreate) {
    throw new StartupError(`SQLite database ${file} does not exist; run \`npm run db:migrate\` first or start without PIPELOOM_MIGRATE=false`);
  }
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new StartupError(`cannot create the data directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    throw new StartupError(`the data directory ${dir} is not writable; SQLite needs to write the database and its journal there`, { cause: e });
  }
  if (fs.existsSync(file)) {
    try {
      fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
      // root may write anything, so also honour a file whose owner removed every write permission.
      if ((fs.statSync(file).mode & 0o222) === 0) throw new Error('no write permission bits');
    } catch (e) {
      throw new StartupError(`SQLite database ${file} is read-only; the server needs to write it`, { cause: e });
    }
  }
}

/** Says what went wrong opening the database in one sentence a user can act on. */
function startupError(e: unknown, url: string): StartupError {
  if (e instanceof StartupError) return e;
  const err = e as { code?: string; message?: string };
  const where = url.startsWith('file:') ? `SQLite database ${sqlitePath(url)}` : `PostgreSQL at ${describePg(url)}`;
  const detail = (err.message ?? String(e)).split('\n')[0];
  if (err.code === '3D000' || /database .* does not exist/i.test(detail ?? '')) return new StartupError(`${where}: the database does not exist; create it first`, { cause: e });
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'ETIMEDOUT' || err.code === 'EHOSTUNREACH') {
    return new StartupError(`cannot reach ${where} (${err.code})`, { cause: e });
  }
  if (err.code === '28P01' || err.code === '28000') return new StartupError(`${where} refused the credentials (${err.code})`, { cause: e });
  if (typeof err.code === 'string' && err.code.startsWith('SQLITE_')) return new StartupError(`${where}: ${detail} (${err.code})`, { cause: e });
  return new StartupError(`cannot open ${where}: ${detail}`, { cause: e });
}

function describePg(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return 'the configured URL';
  }
}
