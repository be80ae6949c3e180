// Request bodies are read only after authentication, and only up to the limit of the operation called:
// small by default, large for the few bulk operations whose family asks for more. Multipart uploads go to
// temporary files (express-openapi-validator hands them to multer), which are removed when the response ends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { FamilyModule } from '../family/module.ts';
import type { SpecOperation } from '../spec.ts';

/** The limit for every JSON or form body whose operation does not ask for more. */
export const DEFAULT_BODY_LIMIT = '2mb';
export const UPLOAD_LIMITS = { fileSize: 256 * 1024 * 1024, files: 16, fields: 200, parts: 220 };
export const UPLOAD_DIR = path.join(os.tmpdir(), 'pipeloom-uploads');

interface LargeBody { method: string; pattern: RegExp; parse: RequestHandler[] }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const pathPattern = (p: string) => new RegExp(`^${p.split(/\{[^}]+\}/).map(escape).join('[^/]+')}$`);

function parsers(limit: string): RequestHandler[] {
  return [express.json({ limit }), express.urlencoded({ extended: true, limit })];
}

/** Parses JSON and form bodies with the limit of the operation the request is for. */
export function bodyParsers(operations: SpecOperation[], modules: readonly FamilyModule[]): RequestHandler {
  const large: LargeBody[] = [];
  for (const module of modules) {
    for (const [operationId, limit] of Object.entries(module.bodyLimits ?? {})) {
      const op = operations.find((o) => o.operationId === operationId);
      if (!op) throw new Error(`the ${module.name} family sets a body limit for ${operationId}, which the contract does not declare`);
      if (limit) large.push({ method: op.method.toUpperCase(), pattern: pathPattern(op.path), parse: parsers(limit) });
    }
  }
  const small = parsers(DEFAULT_BODY_LIMIT);
  return (req: Request, res: Response, next: NextFunction) => {
    const chosen = large.find((l) => l.method === req.method && l.pattern.test(req.path))?.parse ?? small;
    chosen[0]!(req, res, (err?: unknown) => (err ? next(err) : chosen[1]!(req, res, next)));
  };
}

/** multer options for express-openapi-validator's fileUploader: stream to disk, bounded. */
export function uploadOptions() {
  fs.mkdirSync(UPLOAD_DIR, { recursive: true });
  return { dest: UPLOAD_DIR, limits: UPLOAD_LIMITS };
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
