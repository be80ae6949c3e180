// The one place a transaction is opened, so every transaction gets the same limits: how long it may wait
// for the database's write lock, and how long it may run before it is rolled back.
import type { Db } from './client.ts';
import { withinTransaction } from './driver-sql.ts';

/** A Prisma interactive transaction. */
export type DbTx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export const TRANSACTION_LIMITS = {
  /** SQLite allows one writer; a burst of claims may queue behind it this long. */
  maxWait: 30_000,
  /** Initializing or restarting a million-job workflow is one transaction; give it room. */
  timeout: 120_000,
} as const;

/** Runs `fn` in one transaction; if it throws, every write is rolled back. */
export function runTransaction<T>(db: Db, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  // Marked so the driver path's statements inside `fn` do not wait for the connection this transaction holds.
  return withinTransaction(() => db.$transaction(fn, TRANSACTION_LIMITS));
}
