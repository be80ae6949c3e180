// Request bodies are read only after authentication, and only up to the limit of the operation called:
// small by default, large for the few bulk operations whose family asks for more. Multipart uploads go to
// temporary files (see uploads.ts), which are removed when the response ends.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { FamilyModule } from '../family/module.ts';
import type { OperationMatcher } from './operation-matcher.ts';
import { AppError } from '../errors.ts';
import type { HandlerMap, OperationId } from './handler.ts';
import { isMultipart, removeUploadsOnClose } from './uploads.ts';

/** The limit for every JSON or form body whose operation does not ask for more. */
export const DEFAULT_BODY_LIMIT = '2mb';

function parsers(limit: string): RequestHandler[] {
  return [express.json({ limit }), express.urlencoded({ extended: true, limit })];
}

/**
 * For each request: answers 501 for an operation no family implements (see rejectUnimplemented), parses JSON
 * and form bodies with the limit of the operation the request is for, and removes multipart uploads once the
 * response is over. One middleware, so the operation is matched once; a request without a body (most GETs)
 * skips the parsers.
 */
export function requestBodies(match: OperationMatcher, handlers: HandlerMap, modules: readonly FamilyModule[]): RequestHandler {
  const large = new Map<string, RequestHandler[]>();
  for (const module of modules) {
    for (const [operationId, limit] of Object.entries(module.bodyLimits ?? {})) if (limit) large.set(operationId, parsers(limit));
  }
  const small = parsers(DEFAULT_BODY_LIMIT);
  return (req: Request, res: Response, next: NextFunction) => {
    const op = match(req.method, req.path);
    if (op && !handlers[op.operationId as OperationId]) return next(notImplemented(op.operationId));
    // body-parser's own test (type-is hasBody): a body is announced by either header.
    if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) {
      // What body-parser leaves on a request without a body.
      req.body = undefined;
      return next();
    }
    if (isMultipart(req)) removeUploadsOnClose(req, res);
    const chosen = (op && large.get(op.operationId)) || small;
    chosen[0]!(req, res, (err?: unknown) => (err ? next(err) : chosen[1]!(req, res, (e?: unknown) => next(e ?? bodyShapeError(req.body)))));
  };
}

/** Deepest nesting of arrays and objects a JSON or form body may have. */
export const MAX_BODY_DEPTH = 100;

/**
 * Why a parsed body is refused, or undefined. Bodies nested deeper than MAX_BODY_DEPTH are refused as
 * malformed: no operation needs them, and validating, copying or storing them recurses once per level (a
 * free-form field nested 3,000 deep used to overflow the stack as a 500). Text holding NUL characters is
 * refused because PostgreSQL can store it neither in text nor in JSON columns, and so is text that is not
 * well-formed Unicode (a lone `\ud800` escape), which PostgreSQL's JSON refuses; SQLite answers the same.
 * The walk is iterative, so no depth of input can overflow it.
 */
export function bodyShapeError(body: unknown): AppError | undefined {
  if (body === null || typeof body !== 'object') return typeof body === 'string' ? textError(body) : undefined;
  const stack: Array<[unknown, number]> = [[body, 1]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) return new AppError('MALFORMED_JSON', `the body is nested deeper than ${MAX_BODY_DEPTH} levels`);
    const isArray = Array.isArray(value);
    for (const key in value as object) {
      const keyError = isArray ? undefined : textError(key);
      if (keyError) return keyError;
      const child = (value as Record<string, unknown>)[key];
      if (typeof child === 'string') {
        const error = textError(child);
        if (error) return error;
      } else if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return undefined;
}

function textError(text: string): AppError | undefined {
  if (text.includes('\0')) return new AppError('VALIDATION_FAILED', 'text in the body may not contain NUL (\\u0000) characters');
  // ES2024, in every Node this package supports; TypeScript's ES2023 lib does not declare it yet.
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) return new AppError('VALIDATION_FAILED', 'text in the body must be well-formed Unicode (no lone surrogates)');
  return undefined;
}

const notImplemented = (operationId: string) => new AppError('NOT_IMPLEMENTED', `operation ${operationId} is not implemented yet`);

/**
 * An operation no family implements answers 501 before its body is read or validated: "not implemented"
 * is the true answer whatever the body holds, and there is no point receiving an upload for it.
 */
export function rejectUnimplemented(match: OperationMatcher, handlers: HandlerMap): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const op = match(req.method, req.path);
    if (op && !handlers[op.operationId as OperationId]) return next(notImplemented(op.operationId));
    next();
  };
}
