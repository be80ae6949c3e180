// The driver path on SQLite: better-sqlite3's own Database, opened by Prisma's adapter, with prepared
// statements cached per SQL text. Conversions copy @prisma/adapter-better-sqlite3 7.10 (mapDeclType,
// mapRow, mapArg) followed by the client's raw-result deserialization, so rows equal $queryRaw's.
import Database from 'better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import { Prisma } from '../generated/sqlite/client.ts';
import { ConnectionLock, Lru, withinTransaction, STATEMENT_CACHE_SIZE, TransactionExpiredError, type DriverSql } from './driver-sql.ts';
import type { Row, SqlClient } from './sql.ts';
import { TRANSACTION_LIMITS } from './transaction.ts';

type Statement = Database.Statement<unknown[], unknown>;
/** How one result column converts, from its declared type; null means "infer from the values". */
type Kind = 'int' | 'bigint' | 'datetime' | 'date' | 'time' | 'bool' | 'json' | 'decimal' | 'bytes' | 'plain';

interface Prepared {
  stmt: Statement;
  reader: boolean;
  names: string[];
  kinds: (Kind | null)[];
}

/** Where the adapter's connection lands once Prisma connects, and the lock both paths share. */
export class SqliteConnection {
  client: Database.Database | undefined;
  readonly lock = new ConnectionLock();
}

/** A better-sqlite3 adapter (from PrismaBetterSqlite3) exposes its Database as `client`. */
function hasSqliteClient(adapter: object): adapter is { client: Database.Database } {
  return 'client' in adapter && adapter.client instanceof Database;
}

/**
 * Wraps Prisma's adapter factory so the connection it opens is handed to the driver path, and so Prisma's
 * interactive transactions take the same lock as the driver's (both would otherwise share one connection).
 */
export function shareSqliteConnection(factory: SqlDriverAdapterFactory, connection: SqliteConnection): SqlDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    async connect(): Promise<SqlDriverAdapter> {
      const adapter = await factory.connect();
      if (!hasSqliteClient(adapter)) throw new Error('the better-sqlite3 adapter no longer exposes its Database; the driver path cannot share it');
      connection.client = adapter.client;
      const start = adapter.startTransaction.bind(adapter);
      adapter.startTransaction = async (isolationLevel) => {
        const release = await connection.lock.acquire(TRANSACTION_LIMITS.maxWait);
        let tx: Transaction;
        try {
          tx = await start(isolationLevel);
        } catch (e) {
          release();
          throw e;
        }
        const commit = tx.commit.bind(tx);
        const rollback = tx.rollback.bind(tx);
        tx.commit = () => commit().finally(release);
        tx.rollback = () => rollback().finally(release);
        return tx;
      };
      return adapter;
    },
  };
}

export class SqliteDriver implements DriverSql {
  private readonly cache = new Lru<string, Prepared>(STATEMENT_CACHE_SIZE);

  constructor(private readonly connection: SqliteConnection) {}

  get cachedStatements(): number {
    return this.cache.size;
  }

  async $queryRaw<T = unknown>(query: Prisma.Sql): Promise<T> {
    await this.connection.lock.idle(TRANSACTION_LIMITS.maxWait);
    return this.queryNow(query) as T;
  }

  async $executeRaw(query: Prisma.Sql): Promise<number> {
    await this.connection.lock.idle(TRANSACTION_LIMITS.maxWait);
    return this.executeNow(query);
  }

  async transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
    const { lock } = this.connection;
    // Nested: the caller's transaction already holds the connection; join it, as Prisma's tx client would.
    if (lock.held) return fn(this.inTransaction(() => false));
    const release = await lock.acquire(TRANSACTION_LIMITS.maxWait);
    const started = Date.now();
    const expired = () => Date.now() - started > TRANSACTION_LIMITS.timeout;
    try {
      this.db().prepare('BEGIN').run();
    } catch (e) {
      release();
      throw e;
    }
    try {
      const out = await withinTransaction(() => fn(this.inTransaction(expired)));
      if (expired()) throw new TransactionExpiredError(TRANSACTION_LIMITS.timeout);
      this.db().prepare('COMMIT').run();
      return out;
    } catch (e) {
      if (this.db().inTransaction) this.db().prepare('ROLLBACK').run();
      throw e;
    } finally {
      release();
    }
  }

  private inTransaction(expired: () => boolean): SqlClient {
    const check = () => {
      if (expired()) throw new TransactionExpiredError(TRANSACTION_LIMITS.timeout);
    };
    return {
      $queryRaw: <T>(query: Prisma.Sql) => new Promise<T>((resolve) => {
        check();
        resolve(this.queryNow(query) as T);
      }),
      $executeRaw: (query: Prisma.Sql) => new Promise<number>((resolve) => {
        check();
        resolve(this.executeNow(query));
      }),
    };
  }

  private db(): Database.Database {
    const { client } = this.connection;
    if (!client) throw new Error('the SQLite connection is not open yet');
    return client;
  }

  private prepared(text: string): Prepared {
    let p = this.cache.get(text);
    if (!p) {
      // The adapter's Database reads integers as bigint (defaultSafeIntegers), which statements inherit.
      const stmt = this.db().prepare<unknown[], unknown>(text);
      const reader = stmt.reader;
      const columns = reader ? stmt.columns() : [];
      if (reader) stmt.raw(true);
      p = { stmt, reader, names: columns.map((c) => c.name), kinds: columns.map((c) => declKind(c.type)) };
      this.cache.set(text, p);
    }
    return p;
  }

  private queryNow(query: Prisma.Sql): Row[] {
    const p = this.prepared(query.sql);
    const args = query.values.map(bindArg);
    if (!p.reader) {
      p.stmt.run(...args);
      return [];
    }
    const rows = p.stmt.all(...args) as unknown[][];
    const kinds = p.kinds.includes(null) ? inferKinds(p.kinds, rows) : (p.kinds as Kind[]);
    const out: Row[] = new Array(rows.length);
    for (let r = 0; r < rows.length; r++) {
      const raw = rows[r]!;
      const row: Row = {};
      for (let c = 0; c < raw.length; c++) row[p.names[c]!] = convert(raw[c], kinds[c]!);
      out[r] = row;
    }
    return out;
  }

  private executeNow(query: Prisma.Sql): number {
    return this.prepared(query.sql).stmt.run(...query.values.map(bindArg)).changes;
  }
}

/** A value bound as Prisma binds it: its JSON round trip, then the adapter's mapArg. */
export function bindArg(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
      return v ? 1 : 0;
    case 'number':
      return Number.isFinite(v) ? v : null;
    case 'string':
    case 'bigint':
      return v;
    case 'object':
      if (v instanceof Date) {
        if (Number.isNaN(v.getTime())) throw new Error('Provided Date object is invalid');
        return v.toISOString().replace('Z', '+00:00');
      }
      if (Buffer.isBuffer(v)) return v;
      if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      if (Prisma.Decimal.isDecimal(v)) return Number.parseFloat(v.toJSON());
      if (Array.isArray(v)) throw new Error('SQLite cannot bind a list as one value');
      return JSON.stringify(v);
    default:
      throw new Error(`cannot bind a ${typeof v} in SQL`);
  }
}

function declKind(decl: string | null): Kind | null {
  if (decl === null) return null;
  switch (decl.toUpperCase()) {
    case '':
      return null;
    case 'DECIMAL':
      return 'decimal';
    case 'TINYINT': case 'SMALLINT': case 'MEDIUMINT': case 'INT': case 'INTEGER': case 'SERIAL': case 'INT2':
      return 'int';
    case 'BIGINT': case 'UNSIGNED BIG INT': case 'INT8':
      return 'bigint';
    case 'DATETIME': case 'TIMESTAMP':
      return 'datetime';
    case 'TIME':
      return 'time';
    case 'DATE':
      return 'date';
    case 'BLOB':
      return 'bytes';
    case 'BOOLEAN':
      return 'bool';
    case 'JSONB':
      return 'json';
    // FLOAT, DOUBLE, NUMERIC, REAL and the text types pass through; so does any type Prisma does not know,
    // which it reports as Int32 (when every value is NULL) or infers from the values, like an expression.
    case 'FLOAT': case 'DOUBLE': case 'DOUBLE PRECISION': case 'NUMERIC': case 'REAL':
    case 'TEXT': case 'CLOB': case 'CHARACTER': case 'VARCHAR': case 'VARYING CHARACTER': case 'NCHAR': case 'NATIVE CHARACTER': case 'NVARCHAR':
      return 'plain';
    default:
      return null;
  }
}

/** Columns with no usable declared type (expressions, COUNT(*)) take the type of their first non-NULL value. */
function inferKinds(kinds: (Kind | null)[], rows: unknown[][]): Kind[] {
  return kinds.map((kind, c) => {
    if (kind !== null) return kind;
    for (const row of rows) {
      const v = row[c];
      if (v === null) continue;
      if (typeof v === 'bigint') return 'bigint';
      if (typeof v === 'string' || typeof v === 'number') return 'plain';
      throw new Error(`unexpected value of type ${typeof v} in an untyped column`);
    }
    return 'int';
  });
}

/** An integer the adapter hands on: a safe bigint as a number, an unsafe one as its decimal text. */
function plain(v: unknown): unknown {
  if (typeof v !== 'bigint') return v;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v.toString();
}

function convert(v: unknown, kind: Kind): unknown {
  if (v === null) return null;
  switch (kind) {
    case 'plain':
      return plain(v);
    case 'int':
      return Math.trunc(Number(v));
    case 'bigint':
      return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(Math.trunc(v)) : BigInt(String(v));
    case 'datetime':
      return typeof v === 'string' ? new Date(v) : new Date(new Date(Number(v)).toISOString());
    case 'date':
      return new Date(String(plain(v)));
    case 'time':
      return new Date(`1970-01-01T${String(plain(v))}Z`);
    case 'bool': {
      const b = plain(v);
      return typeof b === 'string' ? b === 'true' || b === '1' : b === 1 || b === true;
    }
    case 'json': {
      const j = plain(v);
      if (typeof j !== 'string') throw new Error(`Cannot serialize value of type ${typeof j} as Json`);
      return JSON.parse(j);
    }
    case 'decimal':
      return new Prisma.Decimal(String(plain(v)));
    case 'bytes':
      return new Uint8Array(Buffer.from(v as Buffer));
  }
}
