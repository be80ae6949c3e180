// Batched multi-row INSERT ... RETURNING through Prisma's raw queries. Prisma's createMany costs about
// 130 µs a row here (10,000 jobs: ~1.4 s); one statement per few hundred rows costs ~4 µs a row, which is
// what bulk_jobs and whole-workflow specifications need.
import type { Provider } from './migrate.ts';

interface RawClient {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

// SQLite allows 32,766 parameters per statement and PostgreSQL 65,535; stay well below both.
const MAX_PARAMS = 30_000;
const MAX_ROWS = 1_000;

/**
 * Values that cannot change a statement's meaning are written into the SQL text instead of being bound:
 * finite numbers, booleans, null, and strings with no quote, backslash or control character, which stay
 * inside their single quotes in both databases. Binding 300,000 parameters through Prisma costs more than
 * executing the inserts; everything else is still bound.
 */
function literal(provider: Provider, value: unknown): string | undefined {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return provider === 'sqlite' ? (value ? '1' : '0') : value ? 'TRUE' : 'FALSE';
  // eslint-disable-next-line no-control-regex
  if (typeof value === 'string' && value.length <= 256 && !/['\\\u0000-\u001f\u007f]/.test(value)) return `'${value}'`;
  return undefined;
}

function bind(provider: Provider, value: unknown): { value: unknown; json: boolean } {
  if (value === undefined || value === null) return { value: null, json: false };
  if (typeof value === 'boolean') return { value: provider === 'sqlite' ? (value ? 1 : 0) : value, json: false };
  if (typeof value === 'object' && !(value instanceof Date)) return { value: JSON.stringify(value), json: true };
  return { value, json: false };
}

/** What an insert reads back: whole rows, only their ids, or nothing (cheapest). */
export type Returning = '*' | 'id' | 'none';

/**
 * Inserts `rows` (objects whose keys are column names; a missing key takes the column default) into
 * `table` and returns the stored rows, in input order. Rows are grouped by the columns they set.
 */
export async function insertReturning<T = Record<string, unknown>>(client: RawClient, provider: Provider, table: string, rows: Record<string, unknown>[]): Promise<T[]> {
  return insertRows<T>(client, provider, table, rows, '*');
}

/** Inserts `rows` without reading anything back. */
export async function insertOnly(client: RawClient, provider: Provider, table: string, rows: Record<string, unknown>[]): Promise<void> {
  await insertRows(client, provider, table, rows, 'none');
}

/** Inserts `rows` and returns their new ids, in input order. */
export async function insertIds(client: RawClient, provider: Provider, table: string, rows: Record<string, unknown>[]): Promise<number[]> {
  return (await insertRows<{ id: number }>(client, provider, table, rows, 'id')).map((r) => Number(r.id));
}

// SQLite: one statement reads a whole batch from a JSON parameter (json_each), which parses and plans once
// instead of once per row: a million edges insert in about half the time of multi-row VALUES.
const JSON_BATCH_ROWS = 50_000;

async function insertRows<T>(client: RawClient, provider: Provider, table: string, rows: Record<string, unknown>[], returning: Returning): Promise<T[]> {
  const out: T[] = [];
  let i = 0;
  while (i < rows.length) {
    // One statement covers consecutive rows that set the same columns.
    const columns = Object.keys(rows[i]!).filter((c) => rows[i]![c] !== undefined);
    const signature = columns.join(',');
    const viaJson = provider === 'sqlite' && columns.length > 0;
    const perStatement = viaJson ? JSON_BATCH_ROWS : Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / Math.max(1, columns.length))));
    const batch: Record<string, unknown>[] = [];
    while (i < rows.length && batch.length < perStatement) {
      const row = rows[i]!;
      if (Object.keys(row).filter((c) => row[c] !== undefined).join(',') !== signature) break;
      batch.push(row);
      i++;
    }
    const columnList = columns.map((c) => `"${c}"`).join(', ');
    const tail = returning === 'none' ? '' : ` RETURNING ${returning === 'id' ? '"id"' : '*'}`;
    if (viaJson) {
      const json = JSON.stringify(batch.map((row) => columns.map((c) => row[c] ?? null)));
      const select = columns.map((_c, k) => `json_extract(value, '$[${k}]')`).join(', ');
      const sql = `INSERT INTO "${table}" (${columnList}) SELECT ${select} FROM json_each(?) ORDER BY key${tail}`;
      if (returning === 'none') await client.$executeRawUnsafe(sql, json);
      else out.push(...(await client.$queryRawUnsafe<Array<T & { id: number }>>(sql, json)).sort((a, b) => Number(a.id) - Number(b.id)));
      continue;
    }
    const params: unknown[] = [];
    const tuples = batch.map((row) => {
      const slots = columns.map((c) => {
        const inline = literal(provider, row[c]);
        if (inline !== undefined) return inline;
        const b = bind(provider, row[c]);
        params.push(b.value);
        const slot = provider === 'sqlite' ? '?' : `$${params.length}`;
        return b.json && provider === 'postgresql' ? `${slot}::jsonb` : slot;
      });
      return `(${slots.join(', ')})`;
    });
    const head = columns.length ? `INSERT INTO "${table}" (${columnList}) VALUES ${tuples.join(', ')}` : `INSERT INTO "${table}" DEFAULT VALUES`;
    if (returning === 'none') {
      await client.$executeRawUnsafe(head, ...params);
      continue;
    }
    const returned = await client.$queryRawUnsafe<Array<T & { id: number }>>(`${head}${tail}`, ...params);
    // Ids come from one sequence in statement order; sort so the result follows the input order.
    out.push(...returned.sort((a, b) => Number(a.id) - Number(b.id)));
  }
  return out;
}
