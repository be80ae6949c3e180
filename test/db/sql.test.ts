// The raw-SQL helper on both providers: values are always bound (text that looks like SQL or placeholders
// stays data), identifiers come only from the allow-list, and batched inserts keep input order and types.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { chunked, chunks, empty, join, list, sql, Sql } from '../../packages/server/src/db/sql.ts';
import { TORC_TABLES } from '../../packages/server/src/torc/tables.ts';
import { createTestDatabase, PROVIDERS, type TestDatabase } from '../helpers/server.ts';

describe('chunks', () => {
  it('When a list is longer than the chunk size, then it is cut in order and nothing is lost', async () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([], 2)).toEqual([]);
    expect(await chunked([1, 2, 3, 4, 5], async (part) => [part.length], 2)).toEqual([2, 2, 1]);
  });
});

describe.each(PROVIDERS)('Sql on %s', (provider) => {
  let database: TestDatabase;
  let opened: Database;
  let q: Sql<typeof TORC_TABLES>;
  let workflowId: number;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    opened = await openDatabase(database.url);
    q = new Sql(opened.db, provider, TORC_TABLES, { insertBatchRows: 3 });
    [workflowId] = await q.insertIds('torc_workflow', [{ user_name: 'sql-test', timestamp: '2026-01-01T00:00:00Z' }]) as [number];
  });
  afterAll(async () => {
    await opened?.close();
    await database?.drop();
  });

  it('When the allow-list is compared with the migrated database, then both name the same tables and columns', async () => {
    const rows = provider === 'sqlite'
      ? await q.query<{ t: string; c: string }>(sql`SELECT m.name AS t, p.name AS c FROM sqlite_master m, pragma_table_info(m.name) p
                                                    WHERE m.type = 'table' AND m.name LIKE 'torc%' ORDER BY m.name, p.cid`)
      : await q.query<{ t: string; c: string }>(sql`SELECT table_name AS t, column_name AS c FROM information_schema.columns
                                                    WHERE table_schema = current_schema() AND table_name LIKE 'torc%' ORDER BY table_name, ordinal_position`);
    const live: Record<string, string[]> = {};
    for (const r of rows) (live[r.t] ??= []).push(r.c);
    expect(live).toEqual(Object.fromEntries(Object.entries(TORC_TABLES).sort(([a], [b]) => a.localeCompare(b))));
  });

  it('When values look like SQL, quotes or placeholders, then they are bound as data', async () => {
    const tricky = [`it's ? $1 ?::jsonb`, `'); DROP TABLE torc_job; --`, '$$ ?? \\'];
    const ids = await q.insertIds('torc_file', tricky.map((path) => ({ workflow_id: workflowId, path, name: 'tricky' })));
    const rows = await q.query<{ path: string }>(
      sql`SELECT ${q.column('torc_file', 'path')} FROM ${q.table('torc_file')} WHERE name = ${'tricky'} AND path IN (${list(tricky)}) ORDER BY id`,
    );
    expect(rows.map((r) => r.path)).toEqual(tricky);
    expect(ids).toHaveLength(3);
  });

  it('When a boolean is bound, then it compares with a boolean column on either database', async () => {
    await q.insert('torc_user_data', [
      { workflow_id: workflowId, name: 'eph', is_ephemeral: true, data: { a: 1 } },
      { workflow_id: workflowId, name: 'kept', is_ephemeral: false },
    ]);
    const rows = await q.query<{ name: string }>(sql`SELECT name FROM torc_user_data WHERE workflow_id = ${workflowId} AND is_ephemeral = ${true}`);
    expect(rows).toEqual([{ name: 'eph' }]);
    const changed = await q.execute(sql`UPDATE torc_user_data SET rev = rev + 1 WHERE workflow_id = ${workflowId} AND is_ephemeral = ${false}`);
    expect(changed).toBe(1);
  });

  it('When rows are inserted in batches with different columns, then ids and stored rows follow the input order', async () => {
    const input = Array.from({ length: 8 }, (_, i) => ({
      workflow_id: workflowId, name: `job-${i}`, command: `run ${i}`,
      // Every third row leaves status to its default: a new statement begins there.
      ...(i % 3 === 0 ? {} : { status: 'ready' }),
      schedule_compute_nodes: i % 2 ? { num_jobs: i } : null,
      supports_termination: i % 2 === 0,
      internal_memory_bytes: 1.5 * i,
    }));
    const stored = await q.insertReturning<{ id: number; name: string; status: string; schedule_compute_nodes: unknown; supports_termination: unknown; internal_memory_bytes: number }>('torc_job', input);
    expect(stored.map((r) => r.name)).toEqual(input.map((r) => r.name));
    expect(stored.map((r) => r.status)).toEqual(input.map((r) => r.status ?? 'uninitialized'));
    expect(stored.map((r) => Number(r.internal_memory_bytes))).toEqual(input.map((r) => r.internal_memory_bytes));
    const ids = stored.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    // Read back through Prisma's model API: JSON columns hold JSON (SQL NULL for null), booleans are booleans.
    const jobs = await opened.db.torcJob.findMany({ where: { id: { in: ids } }, orderBy: { id: 'asc' } });
    expect(jobs.map((j) => j.schedule_compute_nodes)).toEqual(input.map((r) => r.schedule_compute_nodes));
    expect(jobs.map((j) => j.supports_termination)).toEqual(input.map((r) => r.supports_termination));
    const [nulls] = await q.query<{ n: number | bigint }>(sql`SELECT COUNT(*) AS n FROM torc_job WHERE id IN (${list(ids)}) AND schedule_compute_nodes IS NULL`);
    expect(Number(nulls!.n)).toBe(4);
  });

  it('When LIMIT/OFFSET are bound and ORDER BY or a lock clause come from constant fragments, then both databases run it', async () => {
    // Sort orders and provider-specific clauses are fragments without values: no text is spliced in.
    const ORDER = { newest: sql`id DESC`, oldest: sql`id ASC` } as const;
    const lock = provider === 'postgresql' ? sql` FOR UPDATE SKIP LOCKED` : empty;
    const ids = await q.insertIds('torc_result', [1, 2, 3, 4].map((run) => ({
      workflow_id: workflowId, job_key: 'k', run_id: run, return_code: 0, exec_time_minutes: run / 2, completion_time: 't', status: 'done',
    })));
    const page = await opened.db.$transaction((tx) => new Sql(tx, provider, TORC_TABLES).query<{ run_id: number }>(
      sql`SELECT run_id FROM torc_result WHERE workflow_id = ${workflowId} ORDER BY ${ORDER.newest} LIMIT ${2} OFFSET ${1}${lock}`,
    ));
    expect(page.map((r) => Number(r.run_id))).toEqual([3, 2]);
    const [count] = await q.query<{ n: number | bigint }>(sql`SELECT COUNT(*) AS n FROM torc_result WHERE id IN (${list(ids)})`);
    expect(Number(count!.n)).toBe(4);
  });

  it('When an id list is empty, then IN matches nothing instead of failing', async () => {
    expect(await q.query(sql`SELECT id FROM torc_job WHERE id IN (${list([])})`)).toEqual([]);
  });

  it('When JSON is bound for a JSON column, then it is stored as JSON (PostgreSQL operators such as ? keep working)', async () => {
    const [id] = await q.insertIds('torc_user_data', [{ workflow_id: workflowId, name: 'json', data: {} }]) as [number];
    await q.execute(sql`UPDATE torc_user_data SET data = ${q.json({ key: 'v?', n: 2 })} WHERE id = ${id}`);
    const row = await opened.db.torcUserData.findUnique({ where: { id } });
    expect(row?.data).toEqual({ key: 'v?', n: 2 });
    if (provider === 'postgresql') {
      const rows = await q.query<{ has: boolean }>(sql`SELECT (data ? 'key') AS has FROM torc_user_data WHERE id = ${id}`);
      expect(rows).toEqual([{ has: true }]);
    }
  });

  it('When statements run inside a transaction, then they commit or roll back with it', async () => {
    await expect(opened.db.$transaction(async (tx) => {
      const t = new Sql(tx, provider, TORC_TABLES);
      await t.insert('torc_event', [{ workflow_id: workflowId, category: 'rollback', timestamp: 1 }]);
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    await opened.db.$transaction(async (tx) => {
      await new Sql(tx, provider, TORC_TABLES).insert('torc_event', [{ workflow_id: workflowId, category: 'commit', timestamp: 2 }]);
    });
    const rows = await q.query<{ category: string }>(sql`SELECT category FROM torc_event WHERE workflow_id = ${workflowId} ORDER BY id`);
    expect(rows).toEqual([{ category: 'commit' }]);
  });

  it('When an identifier is not on the allow-list, then building the statement throws before any SQL runs', async () => {
    expect(() => q.table('torc_job; DROP TABLE torc_job' as never)).toThrow(/unknown table/);
    expect(() => q.column('torc_job', 'user_name' as never)).toThrow(/unknown column/);
    expect(() => q.column('torc_job', 'status', 'j; --')).toThrow(/bad alias/);
    await expect(q.insert('torc_job', [{ workflow_id: workflowId, command: 'x', 'bad"col': 1 } as never])).rejects.toThrow(/unknown column/);
    expect(q.column('torc_edge', 'from_id', 'e').sql).toBe('e."from_id"');
    expect(join([q.column('torc_job', 'id'), sql`${1}`]).values).toEqual([1]);
  });
});
