// Request bodies are read only after authentication, and only up to the limit of the operation called:
// small by default, large for the few bulk operations whose family asks for more. Multipart uploads go to
// temporary files (express-openapi-validator hands them to multer), which are removed when the response ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { FamilyModule } from '../family/module.ts';
import type { OperationMatcher } from './operation-matcher.ts';
import { AppError } from '../errors.ts';
import type { HandlerMap, OperationId } from './handler.ts';

/** The limit for every JSON or form body whose operation does not ask for more. */
export const DEFAULT_BODY_LIMIT = '2mb';
export const UPLOAD_LIMITS = { fileSize: 256 * 1024 * 1024, files: 16, fields: 200, parts: 220 };
export const UPLOAD_DIR = path.join(os.tmpdir(), 'pipeloom-uploads');

function parsers(limit: string): RequestHandler[] {
  return [express.json({ limit }), express.urlencoded({ extended: true, limit })];
}

/** Parses JSON and form bodies with the limit of the operation the request is for. */
export function bodyParsers(match: OperationMatcher, modules: readonly FamilyModule[]): RequestHandler {
  const large = new Map<string, RequestHandler[]>();
  for (const module of modules) {
    for (const [operationId, limit] of Object.entries(module.bodyLimits ?? {})) if (limit) large.set(operationId, parsers(limit));
  }
  const small = parsers(DEFAULT_BODY_LIMIT);
  return (req: Request, res: Response, next: NextFunction) => {
    const operationId = match(req.method, req.path)?.operationId;
    const chosen = (operationId && large.get(operationId)) || small;
    chosen[0]!(req, res, (err?: unknown) => (err ? next(err) : chosen[1]!(req, res, next)));
  };
}

/**
 * multer options for express-openapi-validator's fileUploader: stream to disk, bounded. A file larger than
 * `maxFileBytes` (UPLOAD_LIMITS.fileSize by default) is cut off while it arrives, its partial temporary file
 * is removed, and the request answers 413; a family may still refuse smaller files with its own setting.
 */
export function uploadOptions(maxFileBytes: number = UPLOAD_LIMITS.fileSize) {
  fs.mkdirSync(UPLOAD_DIR, { recursive: true });
  return { dest: UPLOAD_DIR, limits: { ...UPLOAD_LIMITS, fileSize: maxFileBytes } };
}

/** Deletes the request's temporary upload files once the response is over, whatever the outcome. */
export function removeUploadsAfterResponse(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    res.once('close', () => {
      const files = (req as Request & { files?: Array<{ path?: string }> | Record<string, Array<{ path?: string }>> }).files;
      const list = Array.isArray(files) ? files : Object.values(files ?? {}).flat();
      for (const f of list) if (f.path) fs.rm(f.path, { force: true }, () => {});
    });
    next();
  };
}

/**
 * An operation no family implements answers 501 before its body is read or validated: "not implemented"
 * is the true answer whatever the body holds, and there is no point receiving an upload for it.
 */
export function rejectUnimplemented(match: OperationMatcher, handlers: HandlerMap): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    const op = match(req.method, req.path);
    if (op && !handlers[op.operationId as OperationId]) return next(new AppError('NOT_IMPLEMENTED', `operation ${op.operationId} is not implemented yet`));
    next();
  };
}
