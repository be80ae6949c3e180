// One error class and one catalog of stable codes (after fastify's lib/errors.js). Code and tests branch on
// `code`, never on the message. The default messages are family-neutral; the error middleware renders an
// AppError in the called family's shape, and a family may reword a default message its clients expect.

export const ErrorCatalog = {
  VALIDATION_FAILED: { status: 400, message: 'The request does not match the API contract' },
  INVALID_ARGUMENT: { status: 400, message: 'The request breaks a rule of the API' },
  REVISION_REQUIRED: { status: 400, message: 'The update must name the record and the revision it was read at' },
  MALFORMED_JSON: { status: 400, message: 'The body is not valid JSON' },
  MALFORMED_BODY: { status: 400, message: 'The request body could not be read (truncated or malformed)' },
  UNAUTHENTICATED: { status: 401, message: 'Missing or invalid credentials' },
  FORBIDDEN: { status: 403, message: 'The caller may not do this' },
  DOCUMENT_NOT_FOUND: { status: 404, message: 'The record was not found' },
  ROUTE_NOT_FOUND: { status: 404, message: 'No such endpoint' },
  METHOD_NOT_ALLOWED: { status: 405, message: 'Method not allowed on this endpoint' },
  REVISION_CONFLICT: { status: 409, message: 'The record changed since it was read' },
  CONFLICT: { status: 409, message: 'The request conflicts with the current state' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  TOO_MANY_PARTS: { status: 413, message: 'The upload has too many files or fields' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  RATE_LIMITED: { status: 429, message: 'Too many attempts; retry after the time in Retry-After' },
  NOT_IMPLEMENTED: { status: 501, message: 'Not implemented yet' },
  INTERNAL: { status: 500, message: 'Internal server error' },
  DATABASE_BUSY: { status: 503, message: 'The database is busy or unreachable; retry shortly' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ErrorCatalog;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds the client should wait before trying again; sent as Retry-After. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryAfterSeconds?: number }) {
    super(message ?? ErrorCatalog[code].message, options);
    this.name = 'AppError';
    this.code = code;
    this.status = ErrorCatalog[code].status;
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** Shorthand for the most common failure. */
export const notFound = (what: string) => new AppError('DOCUMENT_NOT_FOUND', `${what} was not found`);
