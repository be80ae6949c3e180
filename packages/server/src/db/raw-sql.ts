// Raw SQL through Prisma, written once for SQLite and PostgreSQL: `?` placeholders (renumbered `$n` for
// PostgreSQL), booleans bound as 1/0 on SQLite, and id lists cut into chunks because both databases cap the
// parameters of one statement. Repositories use this where Prisma's model API has no set-based equivalent.
import { insertIds, insertOnly } from './bulk.ts';
import type { Db } from './client.ts';
import type { Provider } from './migrate.ts';

import type { DbTx } from './transaction.ts';
export type { DbTx };
/** The database, or a transaction on it. */
export type SqlClient = Db | DbTx;

/** Largest id list bound into one statement. */
export const ID_CHUNK = 10_000;

export function chunks<T>(items: readonly T[], size = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `fn` on each chunk of `ids` and concatenates the answers. */
export async function chunked<T>(ids: readonly number[], fn: (part: number[]) => Promise<T[]>): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunks(ids)) out.push(...(await fn(part)));
  return out;
}

/** Prisma names each table after its model: delegate `userData` is table "UserData". */
export const tableOf = (model: string) => model[0]!.toUpperCase() + model.slice(1);

export class RawSql {
  constructor(
    protected readonly db: SqlClient,
    readonly provider: Provider,
  ) {}

  private text(sql: string): string {
    if (this.provider === 'sqlite') return sql;
    let n = 0;
    return sql.replace(/\?/g, () => `$${++n}`);
  }

  private bind(values: unknown[]): unknown[] {
    return this.provider === 'sqlite' ? values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)) : values;
  }

  query<T = Record<string, unknown>>(sql: string, ...values: unknown[]): Promise<T[]> {
    return this.db.$queryRawUnsafe<T[]>(this.text(sql), ...this.bind(values));
  }

  execute(sql: string, ...values: unknown[]): Promise<number> {
    return this.db.$executeRawUnsafe(this.text(sql), ...this.bind(values));
  }

  /** Batched insert of `rows` into `table`, reading nothing back. */
  insert(table: string, rows: Record<string, unknown>[]): Promise<void> {
    return insertOnly(this.db, this.provider, table, rows);
  }

  /** Batched insert of `rows` into `table`; their new ids in input order. */
  insertIds(table: string, rows: Record<string, unknown>[]): Promise<number[]> {
    return insertIds(this.db, this.provider, table, rows);
  }

  /** `?, ?, ?` for an `IN (...)` list of these values. */
  static list(values: readonly unknown[]): string {
    return values.map(() => '?').join(', ');
  }

  /** The literal true in this database. */
  get TRUE(): string {
    return this.provider === 'sqlite' ? '1' : 'TRUE';
  }

  /** The literal false in this database. */
  get FALSE(): string {
    return this.provider === 'sqlite' ? '0' : 'FALSE';
  }
}
