// The committed migrations, hand-written renames included, build exactly the database the Prisma schema
// describes: same tables, columns, types, defaults, keys, indexes and sequences as the engine's own SQL for
// an empty database. (`npm run db:verify` replays SQLite's migrations, but diffs PostgreSQL's only against
// a schema snapshot, so this is the check that PostgreSQL's SQL matches the schema.)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { migrateDatabase, sqlitePath } from '../../packages/server/src/db/migrate.ts';
import { createTestDatabase, PROVIDERS, type Provider, type TestDatabase } from '../helpers/server.ts';

const PRISMA = path.resolve(import.meta.dirname, '../../packages/server/prisma');
// A computed specifier: the tooling module is plain JavaScript without type declarations.
const engineModule = () => import(pathToFileURL(path.join(PRISMA, 'wasm-engine.mjs')).href);

/** The engine's SQL that creates the schema from nothing. */
async function freshSql(provider: Provider): Promise<string> {
  const engine = await engineModule();
  const dir = path.join(PRISMA, provider === 'sqlite' ? 'schema' : 'schema-postgresql');
  const schemaFiles = fs.readdirSync(dir).filter((f) => f.endsWith('.prisma'))
    .map((f) => ({ path: path.join(dir, f), content: fs.readFileSync(path.join(dir, f), 'utf8') }));
  const adapterFactory = provider === 'sqlite' ? await engine.sqliteMemoryFactory() : engine.offlinePgFactory();
  const se = await engine.openSchemaEngine({ schemaFiles, adapterFactory });
  try {
    return (await se.diffSql()).sql as string;
  } finally {
    await se.close();
  }
}

const SQLITE_SHAPE = [
  `SELECT m.name AS t, p.cid, p.name, p.type, p."notnull", p.dflt_value, p.pk FROM sqlite_master m, pragma_table_info(m.name) p
   WHERE m.type = 'table' AND m.name NOT LIKE '\\_%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite%' ORDER BY 1, 2`,
  `SELECT m.name AS t, i.name, i."unique", i.origin, ii.seqno, ii.name AS col FROM sqlite_master m, pragma_index_list(m.name) i, pragma_index_info(i.name) ii
   WHERE m.type = 'table' AND m.name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY 1, 2, 5`,
  `SELECT m.name AS t, f."table", f."from", f."to", f.on_update, f.on_delete FROM sqlite_master m, pragma_foreign_key_list(m.name) f
   WHERE m.type = 'table' ORDER BY 1, 3`,
];

const PG_SHAPE = [
  `SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default FROM information_schema.columns
   WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations' ORDER BY 1, 3`,
  `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations' ORDER BY 1, 2`,
  `SELECT conrelid::regclass::text AS t, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
   WHERE connamespace = current_schema()::regnamespace AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`,
  `SELECT sequencename, data_type, start_value, increment_by FROM pg_sequences WHERE schemaname = current_schema() ORDER BY 1`,
];

/** Tables, columns, indexes and keys; objects the migrations create by hand (free-text indexes) left out. */
async function shape(provider: Provider, url: string): Promise<unknown[]> {
  const { SQLITE_TABLES_OUTSIDE_SCHEMA, PG_INDEXES_OUTSIDE_SCHEMA } = await engineModule();
  const outside = new Set<string>(provider === 'sqlite' ? SQLITE_TABLES_OUTSIDE_SCHEMA : PG_INDEXES_OUTSIDE_SCHEMA);
  const inSchema = (rows: Array<Record<string, unknown>>) => rows.filter((r) => !outside.has(String(provider === 'sqlite' ? r.t : r.indexname)));
  if (provider === 'sqlite') {
    const db = new Database(sqlitePath(url), { readonly: true });
    try { return SQLITE_SHAPE.map((q) => inSchema(db.prepare(q).all() as Array<Record<string, unknown>>)); } finally { db.close(); }
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: unknown[] = [];
    for (const q of PG_SHAPE) out.push(inSchema((await c.query(q)).rows));
    return out;
  } finally {
    await c.end();
  }
}

async function runScript(provider: Provider, url: string, script: string): Promise<void> {
  if (provider === 'sqlite') {
    const db = new Database(sqlitePath(url));
    try { db.exec(script); } finally { db.close(); }
    return;
  }
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(script); } finally { await c.end(); }
}

describe.each(PROVIDERS)('migrations reproduce the schema on %s', (provider) => {
  const databases: TestDatabase[] = [];
  afterEach(async () => { await Promise.all(databases.splice(0).map((d) => d.drop())); });

  it('When every migration is applied, then the database has the shape the schema gives an empty database', async () => {
    const [migrated, fresh] = [await createTestDatabase(provider), await createTestDatabase(provider)];
    databases.push(migrated, fresh);

    await migrateDatabase(migrated.url);
    await runScript(provider, fresh.url, await freshSql(provider));

    const [got, want] = [await shape(provider, migrated.url), await shape(provider, fresh.url)];
    expect((want[0] as unknown[]).length).toBeGreaterThan(100);
    expect(got).toEqual(want);
  });
});
