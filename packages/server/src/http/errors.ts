// The one error middleware: every failure (ours, the validator's, the body parser's, multer's, the
// database's, or an unexpected throw) becomes an AppError and is rendered in the documented error shape of
// the family that owns the path, as that family's module renders it.
import type { NextFunction, Request, Response } from 'express';
import { isRefusedValueError } from '../db/refused-values.ts';
import { isTransientDatabaseError } from '../db/transient-errors.ts';
import { AppError, ErrorCatalog, type ErrorCode } from '../errors.ts';
import { moduleOf } from '../families.ts';
import { FAULT } from './request-log.ts';

/** Seconds a client should wait before retrying after DATABASE_BUSY. */
export const RETRY_AFTER_SECONDS = 2;

/**
 * The challenge a 401 carries where the family names none of its own: both schemes the server accepts
 * (RFC 9110 requires one on every 401).
 */
export const DEFAULT_CHALLENGE = 'Bearer realm="pipeloom", Basic realm="pipeloom"';

/** Longest message an error body carries, and longest run of one value echoed inside it. */
export const MAX_MESSAGE_CHARS = 2_000;
export const MAX_ECHOED_CHARS = 200;
const LONG_RUN = new RegExp(`\\S{${MAX_ECHOED_CHARS + 1},}`, 'g');

/**
 * Cuts a message down to size: a huge bad value echoed back (a 1 MB name, a 3,000-character path segment)
 * would otherwise make the error as large as the request. Any run without spaces longer than
 * MAX_ECHOED_CHARS is shortened, then the whole message is capped.
 */
export function boundMessage(message: string): string {
  const echoed = message.replace(LONG_RUN, (run) => `${run.slice(0, MAX_ECHOED_CHARS)}… (${run.length} characters)`);
  return echoed.length > MAX_MESSAGE_CHARS ? `${echoed.slice(0, MAX_MESSAGE_CHARS)}…` : echoed;
}

/** Paths no family owns (/docs, an unknown /api/v9, ...). */
const renderNeutral = (e: AppError) => ({ message: e.message, code: e.code });

const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

// multer and busboy report a body cut short or broken as plain errors, which express-openapi-validator
// turns into a 500; they are the client's fault.
const BROKEN_MULTIPART = /Unexpected end of (form|multipart data)|Malformed part header|Unexpected field|Multipart: Boundary not found|Part terminated early/i;
// body-parser's types for a body that stopped arriving or cannot be decoded.
const BROKEN_BODY_TYPES = new Set(['request.aborted', 'request.size.invalid', 'encoding.unsupported', 'charset.unsupported', 'stream.encoding.set']);

interface HttpLikeError {
  status?: number;
  type?: string;
  code?: string;
  message?: string;
  path?: string;
  errors?: Array<{ path?: string; message?: string }>;
}

/** Turns anything thrown into an AppError; `expected` is false for faults that deserve a stack trace. */
export function toAppError(err: unknown): { error: AppError; expected: boolean } {
  if (err instanceof AppError) return { error: err, expected: err.status < 500 || err.code === 'NOT_IMPLEMENTED' || err.code === 'DATABASE_BUSY' };
  const e = (err ?? {}) as HttpLikeError;
  const expected = (code: ErrorCode, message?: string) => ({ error: new AppError(code, message, { cause: err }), expected: true });
  if (e.type === 'entity.parse.failed') return expected('MALFORMED_JSON', `the body is not valid JSON: ${e.message}`);
  if (e.type === 'entity.too.large') return expected('PAYLOAD_TOO_LARGE');
  if (e.type && BROKEN_BODY_TYPES.has(e.type)) return expected('MALFORMED_BODY', e.message);
  if (e.status === 413 && /LIMIT_(FILE|PART|FIELD)_COUNT|too many/i.test(`${e.code ?? ''} ${e.message ?? ''}`)) return expected('TOO_MANY_PARTS', e.message);
  if (typeof e.message === 'string' && BROKEN_MULTIPART.test(e.message) && (e.status === undefined || e.status === 400 || e.status === 500)) {
    return expected('MALFORMED_BODY', `the multipart body could not be read: ${e.message}`);
  }
  if (isTransientDatabaseError(err)) return expected('DATABASE_BUSY');
  if (isRefusedValueError(err)) return expected('INVALID_ARGUMENT', 'a value in the request is out of the range or size the database can store');
  const code = typeof e.status === 'number' ? BY_STATUS[e.status] : undefined;
  if (code) {
    // express-openapi-validator lists each violation; name them all so the caller can fix the request.
    const detail = e.errors?.length ? e.errors.map((v) => `${v.path ?? ''} ${v.message ?? ''}`.trim()).join('; ') : e.message;
    return expected(code, detail || ErrorCatalog[code].message);
  }
  return { error: new AppError('INTERNAL', ErrorCatalog.INTERNAL.message, { cause: err }), expected: false };
}

export function errorMiddleware() {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { error, expected } = toAppError(err);
    // The request's one log line carries the stack, and only for faults.
    if (!expected) (res.locals as Record<symbol, unknown>)[FAULT] = err;
    if (res.headersSent) return;
    const retryAfter = error.retryAfterSeconds ?? (error.code === 'DATABASE_BUSY' ? RETRY_AFTER_SECONDS : undefined);
    if (retryAfter !== undefined) res.setHeader('retry-after', String(retryAfter));
    const module = moduleOf(req.path);
    if (error.status === 401) res.setHeader('www-authenticate', module?.challenge ?? DEFAULT_CHALLENGE);
    error.message = boundMessage(error.message);
    res.status(error.status).json((module?.renderError ?? renderNeutral)(error));
  };
}

export function notFoundMiddleware() {
  return (req: Request, _res: Response, next: NextFunction) =>
    next(new AppError('ROUTE_NOT_FOUND', `no endpoint ${req.method} ${req.path}`));
}
