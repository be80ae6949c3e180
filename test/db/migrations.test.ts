// The committed migrations apply to an empty database and upgrade one left at the previous migration,
// on both providers, keeping the data; re-running them is a no-op and an edited history is refused.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrateDatabase, readMigrations, sqlitePath } from '../../packages/server/src/db/migrate.ts';
import { createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';

async function query(provider: string, url: string, sql: string): Promise<Record<string, unknown>[]> {
  if (provider === 'sqlite') {
    const db = new Database(sqlitePath(url));
    try { return sql.trim().toUpperCase().startsWith('SELECT') ? db.prepare(sql).all() as Record<string, unknown>[] : (db.exec(sql), []); } finally { db.close(); }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { return (await c.query(sql)).rows; } finally { await c.end(); }
}

describe.each(PROVIDERS)('migrations on %s', (provider) => {
  let database: TestDatabase | undefined;
  afterEach(async () => { await database?.drop(); database = undefined; });

  const names = readMigrations(provider).map((m) => m.name);

  it('When the database is empty, then every migration applies and is recorded like Prisma records it', async () => {
    database = await createTestDatabase(provider);
    expect(await migrateDatabase(database.url)).toEqual(names);
    const rows = await query(provider, database.url, 'SELECT migration_name, checksum, applied_steps_count, finished_at FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const r of rows) {
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(Number(r.applied_steps_count)).toBe(1);
      expect(r.finished_at).toBeTruthy();
    }
    expect(await migrateDatabase(database.url)).toEqual([]);
  });

  it('When the database is at the previous migration, then the upgrade applies only the rest', async () => {
    database = await createTestDatabase(provider);
    const previous = names.at(-2);
    const first = previous ? await migrateDatabase(database.url, { upTo: previous }) : [];
    expect(first).toEqual(names.slice(0, -1));

    expect(await migrateDatabase(database.url)).toEqual(names.slice(-1));

    // That every row survives a migration is proven table by table in torc-namespace-migration.test.ts.
    const rows = await query(provider, database.url, 'SELECT migration_name FROM "_prisma_migrations"');
    expect(rows).toHaveLength(names.length);
  });

  it('When an applied migration was edited afterwards, then migrating refuses to start', async () => {
    database = await createTestDatabase(provider);
    await migrateDatabase(database.url);
    await query(provider, database.url, `UPDATE "_prisma_migrations" SET checksum = '${'0'.repeat(64)}'`);
    await expect(migrateDatabase(database.url)).rejects.toThrow(/edited after it was applied/);
  });
});
