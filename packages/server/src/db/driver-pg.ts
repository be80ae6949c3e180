// The driver path on PostgreSQL: the pg Pool handed to PrismaPg, with named prepared statements (pg prepares
// a name once per connection). Parsers and argument mapping copy @prisma/adapter-pg 7.10 (customParsers,
// mapArg) followed by the client's raw-result deserialization, so rows equal $queryRaw's.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { Prisma } from '../generated/sqlite/client.ts';
import { Lru, STATEMENT_CACHE_SIZE, TransactionExpiredError, TransactionWaitError, withinTransaction, type DriverSql } from './driver-sql.ts';
import type { Row, SqlClient } from './sql.ts';
import { TRANSACTION_LIMITS } from './transaction.ts';

const T = pg.types.builtins;
type Parser = (text: string) => unknown;

const offsetSuffix = /[+-]\d{2}(:\d{2})?$/;
const parseBytea: Parser = pg.types.getTypeParser(T.BYTEA, 'text');

// Each value parsed straight to what $queryRaw returns for its type; other types use pg's own parsers, which
// are the ones the adapter uses too (int2/int4/float/bool to numbers and booleans, text types to strings).
const PARSERS: Partial<Record<number, Parser>> = {
  [T.INT8]: (s) => BigInt(s),
  [T.OID]: (s) => BigInt(s),
  [T.NUMERIC]: (s) => new Prisma.Decimal(s),
  [T.MONEY]: (s) => new Prisma.Decimal(s.slice(1)),
  [T.DATE]: (s) => new Date(s),
  [T.TIME]: (s) => new Date(`1970-01-01T${s}Z`),
  [T.TIMETZ]: (s) => new Date(`1970-01-01T${s.replace(offsetSuffix, '')}Z`),
  [T.TIMESTAMP]: (s) => new Date(`${s.replace(' ', 'T')}+00:00`),
  [T.TIMESTAMPTZ]: (s) => new Date(s.replace(' ', 'T').replace(offsetSuffix, '+00:00')),
  [T.JSON]: (s) => JSON.parse(s),
  [T.JSONB]: (s) => JSON.parse(s),
  [T.BYTEA]: (s) => new Uint8Array(parseBytea(s) as Buffer),
};
const FIRST_USER_TYPE = 16384;
// Types Prisma reads as plain values with pg's default parsers (its UnsupportedNativeDataType for the rest).
const DEFAULT_PARSED = new Set<number>([T.INT2, T.INT4, T.FLOAT4, T.FLOAT8, T.BOOL, T.UUID, T.BPCHAR, T.TEXT, T.VARCHAR, T.BIT, T.VARBIT, T.INET, T.CIDR, T.XML, 19]);

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): Parser {
    const own = format !== 'binary' ? PARSERS[oid] : undefined;
    if (own) return own;
    if (DEFAULT_PARSED.has(oid) || oid >= FIRST_USER_TYPE) return pg.types.getTypeParser(oid, format ?? 'text');
    return () => {
      throw new Error(`column type ${oid} is not read on the driver path; use Prisma's $queryRaw for it`);
    };
  },
};

/** A value bound as Prisma binds it: its JSON round trip, then the adapter's mapArg. */
export function bindArg(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'bigint':
      return v.toString();
    case 'object':
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new Error('Provided Date object is invalid');
        return formatDateTime(v);
      }
      if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
      if (Prisma.Decimal.isDecimal(v)) return v.toJSON();
      if (Array.isArray(v)) return v.map(bindArg);
      return JSON.stringify(v);
    default:
      throw new Error(`cannot bind a ${typeof v} in SQL`);
  }
}

/** A timestamp without zone, in UTC, as the adapter writes it. */
function formatDateTime(date: Date): string {
  const pad = (n: number, z = 2) => String(n).padStart(z, '0');
  const ms = date.getUTCMilliseconds();
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${ms ? `.${String(ms).padStart(3, '0')}` : ''}`;
}

type Queryable = Pick<pg.Pool, 'query'> | Pick<pg.PoolClient, 'query'>;

export class PgDriver implements DriverSql {
  // Statement names by text: a hash, so every connection of the pool agrees on each name.
  private readonly names = new Lru<string, string>(STATEMENT_CACHE_SIZE);

  constructor(private readonly pool: pg.Pool) {}

  get cachedStatements(): number {
    return this.names.size;
  }

  async $queryRaw<T = unknown>(query: Prisma.Sql): Promise<T> {
    return (await this.run(this.pool, query)).rows as T;
  }

  async $executeRaw(query: Prisma.Sql): Promise<number> {
    return (await this.run(this.pool, query)).rowCount ?? 0;
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const conn = await this.connect();
    // A checked-out client whose socket dies (a database restart) emits 'error' even when a query already
    // received it; with no listener that is an uncaught exception. The query fails and the client is dropped.
    let lost: Error | undefined;
    const onLost = (e: Error) => {
      lost = e;
    };
    conn.on('error', onLost);
    const started = Date.now();
    const check = () => {
      if (Date.now() - started > TRANSACTION_LIMITS.timeout) throw new TransactionExpiredError(TRANSACTION_LIMITS.timeout);
    };
    const tx: SqlClient = {
      $queryRaw: async <R>(query: Prisma.Sql) => {
        check();
        return (await this.run(conn, query)).rows as R;
      },
      $executeRaw: async (query: Prisma.Sql) => {
        check();
        return (await this.run(conn, query)).rowCount ?? 0;
      },
    };
    let broken: unknown;
    try {
      await conn.query('BEGIN');
      const out = await withinTransaction(() => fn(tx));
      check();
      await conn.query('COMMIT');
      return out;
    } catch (e) {
      try {
        await conn.query('ROLLBACK');
      } catch (rollbackError) {
        // A connection that cannot roll back is dropped from the pool rather than reused.
        broken = rollbackError;
      }
      throw e;
    } finally {
      conn.removeListener('error', onLost);
      const dead = broken ?? lost;
      conn.release(dead instanceof Error ? dead : undefined);
    }
  }

  /** A pool connection within maxWait, as Prisma's transactions wait for theirs. */
  private connect(): Promise<pg.PoolClient> {
    let timer: NodeJS.Timeout | undefined;
    const pending = this.pool.connect();
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        // The connection may still come; hand it back when it does.
        pending.then((c) => c.release(), () => undefined);
        reject(new TransactionWaitError(TRANSACTION_LIMITS.maxWait));
      }, TRANSACTION_LIMITS.maxWait);
      timer.unref();
    });
    return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
  }

  private async run(on: Queryable, query: Prisma.Sql): Promise<{ rows: Row[]; rowCount: number | null }> {
    const text = query.text;
    let name = this.names.get(text);
    if (name === undefined) {
      name = `pl_${createHash('sha1').update(text).digest('base64url')}`;
      this.names.set(text, name);
    }
    const result = await on.query<unknown[]>({ name, text, values: query.values.map(bindArg), rowMode: 'array', types });
    const fields = result.fields;
    const rows: Row[] = new Array(result.rows.length);
    for (let r = 0; r < result.rows.length; r++) {
      const raw = result.rows[r]!;
      const row: Row = {};
      for (let c = 0; c < fields.length; c++) row[fields[c]!.name] = raw[c] ?? null;
      rows[r] = row;
    }
    return { rows, rowCount: result.rowCount };
  }
}
