// The driver path: repositories' hot statements run straight on the connection Prisma itself uses
// (better-sqlite3's Database, or pg's Pool), skipping Prisma's raw-query pipeline, which costs ~20x a cached
// prepared statement. Results and bound values are converted exactly as Prisma's $queryRaw converts them
// (test/db/driver-sql.test.ts proves it), so a repository may switch between the two without noticing.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlClient } from './sql.ts';

/** A SqlClient on the driver, with its own transactions under the limits of db/transaction.ts. */
export interface DriverSql extends SqlClient {
  /** Runs `fn` in one transaction on the driver; if it throws, every write is rolled back. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Prepared statements currently cached (for tests). */
  readonly cachedStatements: number;
}

/** Most distinct statement texts kept prepared; the repositories write a few hundred. */
export const STATEMENT_CACHE_SIZE = 500;

/** A Map kept to its newest `max` entries by use. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number, private readonly onEvict?: (value: V) => void) {}

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const [oldestKey, oldest] = this.map.entries().next().value!;
      this.map.delete(oldestKey);
      this.onEvict?.(oldest);
    }
  }
}

// Marks code running inside a transaction (driver or Prisma, see db/transaction.ts): its statements must not
// wait for the connection lock its own transaction holds.
const insideTransaction = new AsyncLocalStorage<true>();

/** Runs `fn` marked as inside a transaction. */
export function withinTransaction<T>(fn: () => T): T {
  return insideTransaction.run(true, fn);
}

/**
 * One lock for a single-connection database: a transaction holds it from BEGIN to COMMIT/ROLLBACK, and
 * statements outside any transaction wait for it, so nothing slips into another request's transaction.
 * Code running inside a transaction (marked in async context) must not wait for its own lock.
 */
export class ConnectionLock {
  private locked = false;
  private readonly waiters: (() => void)[] = [];

  /** Whether the caller runs inside a transaction, which holds (or is taking) the lock. */
  get held(): boolean {
    return insideTransaction.getStore() === true;
  }

  get busy(): boolean {
    return this.locked;
  }

  /** Takes the lock, waiting at most `maxWait` ms; resolves to its release function. */
  acquire(maxWait: number): Promise<() => void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new TransactionWaitError(maxWait));
      }, maxWait);
      timer.unref?.();
      this.waiters.push(grant);
    });
  }

  /** Waits until no transaction holds the lock (immediately when free or held by the caller's own transaction). */
  async idle(maxWait: number): Promise<void> {
    if (!this.locked || this.held) return;
    (await this.acquire(maxWait))();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.locked = false;
    };
  }
}

/** Prisma's P2028 in spirit: the transaction could not start within maxWait. Transient, so HTTP answers 503. */
export class TransactionWaitError extends Error {
  readonly code = 'P2024';
  constructor(ms: number) {
    super(`Timed out fetching a new connection: the database stayed locked for ${ms} ms`);
  }
}

/** A statement issued after its transaction's time limit; the transaction is rolled back. */
export class TransactionExpiredError extends Error {
  readonly code = 'P2028';
  constructor(ms: number) {
    super(`Transaction already closed: it ran longer than its ${ms} ms timeout and was rolled back`);
  }
}
