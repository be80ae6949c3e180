// Database refusals that are the client's doing: a number no column of that type holds, text the database
// cannot store (NUL characters on PostgreSQL), a value too long for its column or its index. Most such
// values are stopped by the contract and the HTTP layer; this catches the rest (raw SQL binds, imports) so
// they answer 400 instead of a 500 that looks like a bug.

// PostgreSQL SQLSTATEs: numeric out of range, string too long, invalid byte sequence (NUL), invalid text
// representation (a lone surrogate in JSON), untranslatable character (\u0000 in jsonb), program limit
// exceeded (an index row larger than a btree page holds).
const REFUSED_SQLSTATES = new Set(['22003', '22001', '22021', '22P02', '22P05', '54000']);
// Prisma's codes for a value too long for its column, out of range, or beyond a 64-bit integer.
const REFUSED_PRISMA_CODES = new Set(['P2000', 'P2020', 'P2033']);
const REFUSED_MESSAGE = /Unable to fit (integer|float) value|value out of range for type|integer out of range/i;

interface ErrorLike { code?: unknown; originalCode?: unknown; message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } }

export function isRefusedValueError(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 8) return false;
  const e = err as ErrorLike;
  if (typeof e.code === 'string' && (REFUSED_SQLSTATES.has(e.code) || REFUSED_PRISMA_CODES.has(e.code))) return true;
  // Prisma's driver adapters keep the database's own code here.
  if (typeof e.originalCode === 'string' && REFUSED_SQLSTATES.has(e.originalCode)) return true;
  if (typeof e.message === 'string' && REFUSED_MESSAGE.test(e.message)) return true;
  return isRefusedValueError(e.cause, depth + 1) || isRefusedValueError(e.meta?.driverAdapterError, depth + 1);
}
