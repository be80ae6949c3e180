// Failures that are the client's or the moment's, not the server's: broken uploads become 4xx, a busy or
// unreachable database becomes 503 with Retry-After, and only real faults stay 500.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../packages/server/src/errors.ts';
import { errorMiddleware, toAppError } from '../../packages/server/src/http/errors.ts';

// The shapes express-openapi-validator and multer hand to the error middleware.
const eovError = (status: number, message: string) => Object.assign(new Error(message), { status, path: '/api/job/', errors: [{ path: '/api/job/', message }] });

describe('toAppError', () => {
  it.each([
    ['a multipart body cut short', eovError(500, 'Unexpected end of form'), 'MALFORMED_BODY', 400],
    ['a file field the operation does not expect', eovError(500, 'Unexpected field'), 'MALFORMED_BODY', 400],
    ['too many files', Object.assign(eovError(413, 'Too many files'), { code: 'LIMIT_FILE_COUNT' }), 'TOO_MANY_PARTS', 413],
    ['a file over the size limit', eovError(413, 'File too large'), 'PAYLOAD_TOO_LARGE', 413],
    ['a JSON body cut short', Object.assign(new Error('request aborted'), { type: 'request.aborted', status: 400 }), 'MALFORMED_BODY', 400],
    ['SQLite busy (Prisma P1008)', Object.assign(new Error('Operation has timed out'), { code: 'P1008' }), 'DATABASE_BUSY', 503],
    ['SQLite busy (driver adapter)', new Error('wrapped', { cause: { kind: 'SocketTimeout' } }), 'DATABASE_BUSY', 503],
    ['the pool could not connect in time', new Error('timeout exceeded when trying to connect'), 'DATABASE_BUSY', 503],
    ['PostgreSQL refusing connections', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'DATABASE_BUSY', 503],
    ['the connection to PostgreSQL reset', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 'DATABASE_BUSY', 503],
    ['PostgreSQL closing the socket under a query', new Error('Connection terminated unexpectedly'), 'DATABASE_BUSY', 503],
    ['a pg client that lost its connection', new Error('Client has encountered a connection error and is not queryable'), 'DATABASE_BUSY', 503],
    ['PostgreSQL shutting down (57P01 admin_shutdown)', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' }), 'DATABASE_BUSY', 503],
    ['a connection failure (08006)', Object.assign(new Error('connection failure'), { code: '08006' }), 'DATABASE_BUSY', 503],
    ['Prisma wrapping 57P01 from its adapter', Object.assign(new Error('Raw query failed'), { code: 'P2010', meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } } }), 'DATABASE_BUSY', 503],
    ['a programming error', new TypeError('x is not a function'), 'INTERNAL', 500],
  ])('When %s, then the answer is %s', (_what, err, code, status) => {
    const { error } = toAppError(err);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it('treats 4xx, 501 and 503 as expected (no stack in the log) and only other 5xx as faults', () => {
    expect(toAppError(new AppError('NOT_IMPLEMENTED')).expected).toBe(true);
    expect(toAppError(new AppError('DATABASE_BUSY')).expected).toBe(true);
    expect(toAppError(new AppError('INVALID_ARGUMENT')).expected).toBe(true);
    expect(toAppError(new Error('boom')).expected).toBe(false);
  });
});

describe('errorMiddleware', () => {
  it('When the database is busy, then it answers 503 with Retry-After in the family\'s shape', () => {
    const headers: Record<string, string> = {};
    let status = 0;
    let body: unknown;
    const res = {
      headersSent: false,
      locals: {},
      setHeader: (k: string, v: string) => { headers[k] = v; },
      status(s: number) { status = s; return this; },
      json(b: unknown) { body = b; return this; },
    };
    errorMiddleware()(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' }), { path: '/torc-service/workflows' } as never, res as never, () => {});
    expect(status).toBe(503);
    expect(Number(headers['retry-after'])).toBeGreaterThan(0);
    expect(body).toMatchObject({ error: true, code: 503, pipeloomCode: 'DATABASE_BUSY' });
  });
});
