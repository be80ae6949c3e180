// Applies the committed Prisma migrations at server start and from `npm run db:migrate`, without Prisma's
// native schema engine (it cannot be downloaded here). Rows in `_prisma_migrations` are written the way the
// engine writes them (uuid id, sha256 checksum, applied_steps_count 1), so `prisma migrate status` agrees.
// Each migration and its bookkeeping row commit together or not at all.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { assertSqliteRunsOnThisNode } from './sqlite-node-support.ts';

export type Provider = 'sqlite' | 'postgresql';

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.resolve(here, '../../prisma/migrations');

export interface Migration { name: string; sql: string; checksum: string }
export interface AppliedRow { migration_name: string; checksum: string; finished_at: unknown; rolled_back_at: unknown }

export function providerFromUrl(url: string): Provider {
  if (url.startsWith('file:') || url === ':memory:') return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error(`DATABASE_URL must start with file: or postgresql:// (got ${url.replace(/\/\/[^@]*@/, '//***@')})`);
}

export function sqlitePath(url: string): string {
  return url.replace(/^file:/, '').replace(/\?.*$/, '');
}

export function readMigrations(provider: Provider, dir = path.join(MIGRATIONS_DIR, provider), upTo?: string): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .filter((name) => upTo === undefined || name <= upTo)
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

/** Which migrations still need to run; refuses a history that was edited or left half-applied. */
export function pendingMigrations(applied: AppliedRow[], migrations: Migration[]): Migration[] {
  const byName = new Map(migrations.map((m) => [m.name, m]));
  const done = new Set<string>();
  for (const row of applied) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) throw new Error(`migration ${row.migration_name} failed earlier; resolve it before starting`);
    const m = byName.get(row.migration_name);
    if (!m) throw new Error(`migration ${row.migration_name} is applied in the database but missing from ${MIGRATIONS_DIR}`);
    if (m.checksum !== row.checksum) throw new Error(`migration ${row.migration_name} was edited after it was applied`);
    done.add(row.migration_name);
  }
  return migrations.filter((m) => !done.has(m.name));
}

const TABLE = {
  sqlite: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL,
    "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
    "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`,
  postgresql: `CREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL,
    "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`,
};
const isoNow = () => new Date().toISOString().replace('Z', '+00:00');
// Prisma's own advisory lock key, so this migrator and `prisma migrate deploy` never run at once.
const PRISMA_LOCK = 72707369;

function migrateSqlite(file: string, migrations: Migration[]): string[] {
  assertSqliteRunsOnThisNode();
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, { timeout: 15_000 });
  try {
    // WAL lets readers run beside the single writer; it is a property of the file, so set it once here.
    db.pragma('journal_mode = WAL');
    db.exec(TABLE.sqlite);
    const todo = pendingMigrations(db.prepare('SELECT * FROM "_prisma_migrations" ORDER BY started_at').all() as AppliedRow[], migrations);
    for (const m of todo) {
      // Prisma's table rebuilds rely on foreign_keys=OFF, which is ignored inside a transaction.
      db.pragma('foreign_keys = OFF');
      try {
        const started = isoNow();
        db.transaction(() => {
          db.exec(m.sql);
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length) throw new Error(`migration ${m.name} leaves broken foreign keys`);
          db.prepare(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
                      VALUES (?, ?, ?, ?, ?, 1)`).run(crypto.randomUUID(), m.checksum, isoNow(), m.name, started);
        }).immediate();
      } finally {
        db.pragma('foreign_keys = ON');
      }
    }
    return todo.map((m) => m.name);
  } finally {
    db.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_LOCK]);
    await client.query(TABLE.postgresql);
    const { rows } = await client.query<AppliedRow>('SELECT * FROM "_prisma_migrations" ORDER BY started_at');
    const todo = pendingMigrations(rows, migrations);
    for (const m of todo) {
      await client.query('BEGIN');
      try {
        const started = new Date();
        await client.query(m.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
           VALUES ($1, $2, now(), $3, $4, 1)`,
          [crypto.randomUUID(), m.checksum, m.name, started],
        );
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.name} failed and was rolled back: ${(e as Error).message}`, { cause: e });
      }
    }
    return todo.map((m) => m.name);
  } finally {
    await client.end();
  }
}

/** Applies pending migrations (all, or up to and including `upTo`) and returns the names it applied. */
export async function migrateDatabase(url: string, options: { upTo?: string; dir?: string } = {}): Promise<string[]> {
  const provider = providerFromUrl(url);
  const migrations = readMigrations(provider, options.dir ? path.join(options.dir, provider) : undefined, options.upTo);
  return provider === 'sqlite' ? migrateSqlite(sqlitePath(url), migrations) : migratePostgres(url, migrations);
}
