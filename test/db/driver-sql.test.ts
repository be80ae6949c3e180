// The driver path (db/driver-sql.ts) answers exactly what Prisma's $queryRaw answers, on both providers:
// every column of the Torc tables and of a few PLynx, Dioptra and identity ones, read back whole and
// through computed columns, with values bound the same way; its transactions roll back, keep SQLite's one
// connection to one transaction at a time, and its errors keep their transient and unique-violation codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { isTransientDatabaseError } from '../../packages/server/src/db/transient-errors.ts';
import { runTransaction } from '../../packages/server/src/db/transaction.ts';
import { join, sql, type Fragment, type Row, type SqlClient } from '../../packages/server/src/db/sql.ts';
import { Prisma } from '../../packages/server/src/generated/sqlite/client.ts';
import { identityRepository } from '../../packages/server/src/identity/identity-repository.ts';
import { WorkflowRepository } from '../../packages/server/src/torc/workflow-repository.ts';
import { createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';

const EXTRA_TABLES = ['identity_user', 'identity_token', 'plynx_graph', 'plynx_run', 'plynx_node_cache', 'dioptra_job', 'dioptra_queue'];

interface Column { name: string; type: string; nullable: boolean; pk: boolean }

const raw = (name: string): Fragment => Prisma.raw(`"${name}"`);

/** A value of the column's type; `variant` 1 is the "other" value for a second row. */
function valueFor(c: Column, variant: 0 | 1, seq: number): unknown {
  const t = c.type.toLowerCase();
  if (c.pk) return t.includes('int') ? 900_000 + seq : `pk-${seq}`;
  if (t.includes('bool')) return variant === 0;
  if (t.includes('bigint') || t === 'int8') return variant === 0 ? 2n ** 53n + 7n : -3n;
  if (t.includes('int')) return variant === 0 ? 123_456 + seq : -7;
  if (t.includes('real') || t.includes('double') || t.includes('float')) return variant === 0 ? 1.5 : 1e-9;
  if (t.includes('date') || t.includes('timestamp')) return variant === 0 ? new Date('2026-03-04T05:06:07.089Z') : new Date('1999-12-31T23:59:59.000Z');
  if (t.includes('json')) return variant === 0 ? { a: [1, 'x', null], b: { c: true }, u: 'é"\'' } : [1.25, 'two'];
  return variant === 0 ? `text ${seq} é "quoted" ?$1 'x'` : '';
}

describe.each(PROVIDERS)('driver path on %s', (provider) => {
  let database: TestDatabase;
  let opened: Database;
  let prisma: SqlClient;
  let driver: SqlClient;
  const tables = new Map<string, Column[]>();

  async function both(q: Fragment): Promise<{ viaPrisma: Row[]; viaDriver: Row[] }> {
    const viaPrisma = await prisma.$queryRaw<Row[]>(q);
    const viaDriver = await driver.$queryRaw<Row[]>(q);
    return { viaPrisma, viaDriver };
  }

  async function expectSame(q: Fragment): Promise<Row[]> {
    const { viaPrisma, viaDriver } = await both(q);
    expect(viaDriver).toStrictEqual(viaPrisma);
    // Twice: the second run takes the cached statement.
    expect(await driver.$queryRaw<Row[]>(q)).toStrictEqual(viaPrisma);
    return viaPrisma;
  }

  /** Inserts every column (foreign keys unchecked, so each table stands alone). */
  async function insertUnchecked(client: SqlClient, table: string, row: Record<string, unknown>) {
    const names = Object.keys(row);
    const values = names.map((n) => (row[n] !== null && typeof row[n] === 'object' && !(row[n] instanceof Date) ? JSON.stringify(row[n]) : row[n]));
    const insert = sql`INSERT INTO ${raw(table)} (${join(names.map(raw))}) VALUES (${join(values)})`;
    if (provider === 'sqlite') {
      await client.$executeRaw(sql`PRAGMA foreign_keys = OFF`);
      try { await client.$executeRaw(insert); } finally { await client.$executeRaw(sql`PRAGMA foreign_keys = ON`); }
    } else {
      await opened.driver.transaction(async (tx) => {
        await tx.$executeRaw(sql`SET LOCAL session_replication_role = replica`);
        await tx.$executeRaw(insert);
      });
    }
  }

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    opened = await openDatabase(database.url);
    prisma = opened.db;
    driver = opened.driver;
    const cols = provider === 'sqlite'
      ? await prisma.$queryRaw<{ t: string; c: string; type: string; notnull: bigint; pk: bigint }[]>(sql`
          SELECT m.name AS t, p.name AS c, p.type AS type, p."notnull" AS "notnull", p.pk AS pk FROM sqlite_master m, pragma_table_info(m.name) p
          WHERE m.type = 'table' ORDER BY m.name, p.cid`)
      : await prisma.$queryRaw<{ t: string; c: string; type: string; notnull: boolean; pk: boolean }[]>(sql`
          SELECT c.table_name AS t, c.column_name AS c, c.data_type AS type, c.is_nullable = 'NO' AS "notnull",
                 EXISTS (SELECT 1 FROM information_schema.table_constraints tc
                         JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name AND k.table_schema = tc.table_schema
                         WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema AND tc.table_name = c.table_name
                           AND k.column_name = c.column_name) AS pk
          FROM information_schema.columns c WHERE c.table_schema = current_schema() ORDER BY c.table_name, c.ordinal_position`);
    for (const r of cols) {
      if (!r.t.startsWith('torc_') && !EXTRA_TABLES.includes(r.t)) continue;
      const list = tables.get(r.t) ?? [];
      list.push({ name: r.c, type: r.type, nullable: !r.notnull, pk: Boolean(r.pk) });
      tables.set(r.t, list);
    }
  });
  afterAll(async () => {
    await opened?.close();
    await database?.drop();
  });

  it('When every column of each table is read back, then both paths return the same rows, types included', async () => {
    expect(tables.size).toBeGreaterThanOrEqual(18);
    let seq = 0;
    for (const [table, columns] of tables) {
      const full: Record<string, unknown> = {};
      const sparse: Record<string, unknown> = {};
      for (const c of columns) {
        full[c.name] = valueFor(c, 0, ++seq);
        // The second row: NULL wherever allowed, the other value elsewhere.
        sparse[c.name] = c.nullable && !c.pk ? null : valueFor(c, 1, ++seq);
      }
      await insertUnchecked(prisma, table, full);
      await insertUnchecked(prisma, table, sparse);
      const key = columns.find((c) => c.pk)!.name;
      const rows = await expectSame(sql`SELECT * FROM ${raw(table)} WHERE ${raw(key)} IN (${full[key]}, ${sparse[key]}) ORDER BY ${raw(key)}`);
      expect(rows, table).toHaveLength(2);
    }
  });

  it('When values are bound, then both paths bind them alike (every column as a WHERE equality)', async () => {
    let seq = 10_000;
    for (const [table, columns] of tables) {
      const row: Record<string, unknown> = {};
      for (const c of columns) row[c.name] = valueFor(c, 0, ++seq);
      await insertUnchecked(driver, table, row);
      const where = columns
        .filter((c) => !c.type.toLowerCase().includes('json'))
        .map((c) => sql`${raw(c.name)} = ${row[c.name]}`);
      const rows = await expectSame(sql`SELECT * FROM ${raw(table)} WHERE ${join(where, ' AND ')}`);
      expect(rows, table).toHaveLength(1);
      // What the driver stored reads back through Prisma as what Prisma stores.
      const [stored] = rows;
      for (const c of columns) {
        const expected = row[c.name];
        if (typeof expected === 'bigint' && typeof stored![c.name] === 'number') expect(BigInt(stored![c.name] as number), `${table}.${c.name}`).toBe(expected);
        else expect(stored![c.name], `${table}.${c.name}`).toStrictEqual(expected);
      }
    }
  });

  it('When columns are computed, then counts, sums, expressions, NULLs and RETURNING * come back alike', async () => {
    await expectSame(sql`SELECT COUNT(*) AS n, SUM("id") AS s, MAX("timestamp") AS latest, MIN("name") AS first, NULL AS empty_value FROM "torc_workflow"`);
    await expectSame(sql`SELECT "id" + 1 AS next, "is_archived" AS archived, CASE WHEN "is_archived" THEN 'y' ELSE 'n' END AS flag,
                         COALESCE("description", 'none') AS d, 1.25 AS f, 7 AS i, 'x' AS t FROM "torc_workflow" ORDER BY "id"`);
    await expectSame(sql`SELECT EXISTS (SELECT 1 FROM "torc_job" WHERE "id" < 0) AS e`);
    await expectSame(sql`SELECT "status", COUNT(*) AS n FROM "torc_job" GROUP BY "status" ORDER BY "status"`);
    await expectSame(sql`SELECT j."id", j."status", w."user_name" FROM "torc_job" j LEFT JOIN "torc_workflow" w ON w."id" = j."workflow_id" ORDER BY j."id"`);
    await expectSame(sql`SELECT * FROM "torc_job" WHERE "id" IN (${join([-1, -2])})`);
    const viaPrisma = await prisma.$queryRaw<Row[]>(sql`INSERT INTO "torc_workflow" ("user_name", "timestamp", "is_archived") VALUES (${'p'}, ${'t'}, ${true}) RETURNING *`);
    const viaDriver = await driver.$queryRaw<Row[]>(sql`INSERT INTO "torc_workflow" ("user_name", "timestamp", "is_archived") VALUES (${'p'}, ${'t'}, ${true}) RETURNING *`);
    expect({ ...viaDriver[0], id: 0 }).toStrictEqual({ ...viaPrisma[0], id: 0 });
    expect(typeof viaDriver[0]!.id).toBe(typeof viaPrisma[0]!.id);
    const changed = sql`UPDATE "torc_workflow" SET "description" = ${'d'} WHERE "user_name" = ${'p'}`;
    expect(await driver.$executeRaw(changed)).toBe(await prisma.$executeRaw(changed));
  });

  it('When the hot model reads move to the driver, then workflow, config, status, user and token rows equal the model API\'s', async () => {
    const repo = new WorkflowRepository(opened.db, opened.driver);
    const wf = await repo.create(
      { name: 'hot', user: 'u', description: null, timestamp: 't', isArchived: true, queue: null, ownedBy: 'plynx' },
      { computeNodeResourceStats: { cpu: true, nested: [1, null] }, workflowCompletionScript: null },
      { autoTuneStatus: { enabled: false }, scheduledComputeNodeIds: [3] },
    );
    expect(await repo.get(wf.id)).toStrictEqual(await opened.db.torcWorkflow.findUnique({ where: { id: wf.id } }));
    expect(await repo.getConfig(wf.id)).toStrictEqual(await opened.db.torcWorkflowConfig.findUnique({ where: { workflowId: wf.id } }));
    expect(await repo.getStatus(wf.id)).toStrictEqual(await opened.db.torcWorkflowStatus.findUnique({ where: { workflowId: wf.id } }));
    expect(await repo.get(-1)).toBeNull();

    const identity = identityRepository(opened.db);
    const user = await identity.createUser({ username: 'hot-user', passwordHash: null, isAdmin: true });
    await identity.createToken(user.id, 'hash-1', 'api');
    const token = await opened.db.identityToken.findUnique({ where: { tokenHash: 'hash-1' }, select: { id: true, lastUsedAt: true, user: true } });
    await identity.touchToken(token!.id, new Date('2026-05-06T07:08:09.010Z'));
    expect(await identity.findToken('hash-1')).toStrictEqual(await opened.db.identityToken.findUnique({ where: { tokenHash: 'hash-1' }, select: { id: true, lastUsedAt: true, expiresAt: true, revokedAt: true, user: true } }));
    expect(await identity.findUser('hot-user')).toStrictEqual(await opened.db.identityUser.findUnique({ where: { username: 'hot-user' } }));
    expect(await identity.findToken('nope')).toBeNull();
    expect(await identity.findUser('nope')).toBeNull();
  });

  it('When a driver transaction throws, then its writes are rolled back; when it returns, they are committed', async () => {
    const count = async () => Number((await driver.$queryRaw<{ n: bigint }[]>(sql`SELECT COUNT(*) AS n FROM "torc_workflow" WHERE "user_name" = ${'tx'}`))[0]!.n);
    await expect(opened.driver.transaction(async (tx) => {
      await tx.$executeRaw(sql`INSERT INTO "torc_workflow" ("user_name", "timestamp") VALUES (${'tx'}, ${'t'})`);
      expect(Number((await tx.$queryRaw<{ n: bigint }[]>(sql`SELECT COUNT(*) AS n FROM "torc_workflow" WHERE "user_name" = ${'tx'}`))[0]!.n)).toBe(1);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await count()).toBe(0);
    await opened.driver.transaction((tx) => tx.$executeRaw(sql`INSERT INTO "torc_workflow" ("user_name", "timestamp") VALUES (${'tx'}, ${'t'})`));
    expect(await count()).toBe(1);
  });

  it('When a Prisma transaction is open, then driver statements outside it neither see nor join its writes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    let inserted!: () => void;
    const insertedSignal = new Promise<void>((resolve) => { inserted = resolve; });
    const prismaTx = runTransaction(opened.db, async (tx) => {
      await tx.$executeRaw(sql`INSERT INTO "torc_workflow" ("user_name", "timestamp") VALUES (${'itx'}, ${'t'})`);
      inserted();
      await gate;
      throw new Error('roll back');
    });
    await insertedSignal;
    const outside = driver.$queryRaw<{ n: bigint }[]>(sql`SELECT COUNT(*) AS n FROM "torc_workflow" WHERE "user_name" = ${'itx'}`);
    const driverTx = opened.driver.transaction((tx) => tx.$executeRaw(sql`INSERT INTO "torc_workflow" ("user_name", "timestamp") VALUES (${'dtx'}, ${'t'})`));
    release();
    await expect(prismaTx).rejects.toThrow('roll back');
    expect(Number((await outside)[0]!.n)).toBe(0);
    await driverTx;
    const rows = await driver.$queryRaw<Row[]>(sql`SELECT "user_name" FROM "torc_workflow" WHERE "user_name" IN (${'itx'}, ${'dtx'})`);
    expect(rows).toEqual([{ user_name: 'dtx' }]);
  });

  it('When a statement breaks a unique index, then the driver error carries the database code', async () => {
    const insert = sql`INSERT INTO "identity_secret" ("name", "value") VALUES (${'dup'}, ${'v'})`;
    await driver.$executeRaw(insert);
    const err: unknown = await driver.$executeRaw(insert).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toMatch(provider === 'sqlite' ? /^SQLITE_CONSTRAINT_(UNIQUE|PRIMARYKEY)$/ : /^23505$/);
    expect(isTransientDatabaseError(err)).toBe(false);
  });

  it.runIf(provider === 'sqlite')('When another connection holds the write lock, then the driver error is transient (503)', async () => {
    const { default: BetterSqlite3 } = await import('better-sqlite3');
    const other = new BetterSqlite3(database.url.replace(/^file:/, ''), { timeout: 0 });
    try {
      other.prepare('BEGIN IMMEDIATE').run();
      // The server waits up to its busy timeout; shorten it here so the test does not wait 15 s.
      await driver.$executeRaw(sql`PRAGMA busy_timeout = 0`);
      const err: unknown = await driver.$executeRaw(sql`INSERT INTO "identity_secret" ("name", "value") VALUES (${'busy'}, ${'v'})`).catch((e: unknown) => e);
      expect(isTransientDatabaseError(err)).toBe(true);
    } finally {
      other.prepare('ROLLBACK').run();
      other.close();
      await driver.$executeRaw(sql`PRAGMA busy_timeout = 15000`);
    }
  });
});
