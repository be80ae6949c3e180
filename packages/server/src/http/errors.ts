// The one error middleware: every failure (ours, the validator's, the body parser's, or an unexpected
// throw) becomes an AppError and is rendered in the documented error shape of the family that was called.
import type { NextFunction, Request, Response } from 'express';
import { AppError, ErrorCatalog, type ErrorCode } from '../errors.ts';
import { familyOf, type Family } from '../families.ts';

type Body = Record<string, unknown>;

const RENDER: Record<Family | 'none', (e: AppError) => Body> = {
  torc: (e) => ({ error: true, code: e.status, errorNum: e.status, errorMessage: e.message, pipeloomCode: e.code }),
  plynx: (e) => ({ status: 'failed', message: e.message, code: e.code }),
  dioptra: (e) => ({ message: e.message, code: e.code }),
  flow: (e) => ({ status: 'ERROR', msg: e.message, code: e.code }),
  none: (e) => ({ message: e.message, code: e.code }),
};

const BY_STATUS: Partial<Record<number, ErrorCode>> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

interface HttpLikeError {
  status?: number;
  type?: string;
  message?: string;
  path?: string;
  errors?: Array<{ path?: string; message?: string }>;
}

/** Turns anything thrown into an AppError; `expected` is false for faults that deserve a stack trace. */
export function toAppError(err: unknown): { error: AppError; expected: boolean } {
  if (err instanceof AppError) return { error: err, expected: err.status < 500 || err.code === 'NOT_IMPLEMENTED' };
  const e = (err ?? {}) as HttpLikeError;
  if (e.type === 'entity.parse.failed') return { error: new AppError('MALFORMED_JSON', `the body is not valid JSON: ${e.message}`), expected: true };
  if (e.type === 'entity.too.large') return { error: new AppError('PAYLOAD_TOO_LARGE'), expected: true };
  const code = typeof e.status === 'number' ? BY_STATUS[e.status] : undefined;
  if (code) {
    // express-openapi-validator lists each violation; name them all so the caller can fix the request.
    const detail = e.errors?.length ? e.errors.map((v) => `${v.path ?? ''} ${v.message ?? ''}`.trim()).join('; ') : e.message;
    return { error: new AppError(code, detail || ErrorCatalog[code].message, { cause: err }), expected: true };
  }
  return { error: new AppError('INTERNAL', ErrorCatalog.INTERNAL.message, { cause: err }), expected: false };
}

export function errorMiddleware() {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { error, expected } = toAppError(err);
    // pino-http logs every failed request once; only faults need their stack on top.
    if (!expected) req.log?.error({ err }, 'unexpected error');
    if (res.headersSent) return;
    res.status(error.status).json(RENDER[familyOf(req.path) ?? 'none'](error));
  };
}

export function notFoundMiddleware() {
  return (req: Request, _res: Response, next: NextFunction) =>
    next(new AppError('ROUTE_NOT_FOUND', `no endpoint ${req.method} ${req.path}`));
}
