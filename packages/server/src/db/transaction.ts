// The one transaction policy: how long a transaction may wait for a connection and how long it may run.
// Repositories open interactive transactions only through here, so the policy is changed in one place.
import type { DbTx } from './raw-sql.ts';
import type { Db } from './client.ts';

/** Long enough for the largest bulk write (a whole workflow specification), short enough to free a stuck lock. */
export const TRANSACTION_TIMEOUT_MS = 120_000;
/** How long a transaction waits for a connection before giving up. */
export const TRANSACTION_MAX_WAIT_MS = 30_000;

/** Runs `fn` in one interactive transaction: everything it writes commits together, or (if it throws) nothing. */
export function inTransaction<T>(db: Db, fn: (tx: DbTx) => Promise<T>): Promise<T> {
  return db.$transaction(fn, { timeout: TRANSACTION_TIMEOUT_MS, maxWait: TRANSACTION_MAX_WAIT_MS });
}
