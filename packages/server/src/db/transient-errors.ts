// Which database failures are worth retrying: the database is busy, locked, briefly unreachable or out of
// connections. The HTTP layer answers these 503 with Retry-After instead of a 500 that looks like a bug.

// Prisma's codes for timeouts, lost or exhausted connections and write conflicts; PostgreSQL's SQLSTATEs for
// shutdown, too many connections, serialization failure and deadlock (class 08, connection exceptions, is
// matched by prefix below); Node's for a refused or reset socket.
const TRANSIENT_CODES = new Set([
  'P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2034', 'P2037',
  '57P01', '57P02', '57P03', '53300', '40001', '40P01',
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE',
  'SQLITE_BUSY', 'SQLITE_LOCKED',
]);
// Prisma's driver adapters classify a driver error with one of these kinds (SQLite's busy becomes SocketTimeout).
const TRANSIENT_KINDS = new Set(['SocketTimeout', 'DatabaseNotReachable', 'ConnectionClosed', 'TooManyConnections', 'TransactionWriteConflict']);
// pg's own errors carry no code: a socket that closed under a query, or a client that lost its connection.
const TRANSIENT_MESSAGE = /database is locked|SQLITE_BUSY|timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|Timed out fetching a new connection/i;
/** PostgreSQL's class 08: connection exceptions (08000, 08003 connection_does_not_exist, 08006 connection_failure, ...). */
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;

interface ErrorLike { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } }

export function isTransientDatabaseError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 8) return false;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && (TRANSIENT_CODES.has(e.code) || e.code.startsWith('SQLITE_BUSY') || CONNECTION_EXCEPTION.test(e.code))) return true;
  if (typeof e.kind === 'string' && TRANSIENT_KINDS.has(e.kind)) return true;
  if (typeof e.message === 'string' && TRANSIENT_MESSAGE.test(e.message)) return true;
  return isTransientDatabaseError(e.cause, depth + 1) || isTransientDatabaseError(e.meta?.driverAdapterError, depth + 1);
}
