// Multipart uploads: express-openapi-validator hands them to multer, which streams each file to a temporary
// file under UPLOAD_DIR, bounded by UPLOAD_LIMITS. The files are removed when the response ends; those a
// killed server could not remove are swept at the next start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Request, Response } from 'express';

export const UPLOAD_LIMITS = { fileSize: 256 * 1024 * 1024, files: 16, fields: 200, parts: 220 };
export const UPLOAD_DIR = path.join(os.tmpdir(), 'pipeloom-uploads');

// Only multipart requests reach multer (express-openapi-validator's fileUploader), so only they leave files.
export const isMultipart = (req: Request) => /^multipart\//i.test(req.headers['content-type'] ?? '');

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
export function removeUploadsOnClose(req: Request, res: Response): void {
  res.once('close', () => {
    const files = (req as Request & { files?: Array<{ path?: string }> | Record<string, Array<{ path?: string }>> }).files;
    const list = Array.isArray(files) ? files : Object.values(files ?? {}).flat();
    for (const f of list) if (f.path) fs.rm(f.path, { force: true }, () => {});
  });
}

/**
 * Removes the temporary upload files last written before `before`: those of requests a killed server never
 * finished. Newer files may belong to an upload in progress on another server sharing this machine's
 * temporary directory. Answers how many were removed; a missing directory holds none.
 */
export async function removeStaleUploads(before: Date, dir: string = UPLOAD_DIR): Promise<number> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let removed = 0;
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(dir, entry.name);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat || stat.mtime >= before) continue;
    await fs.promises.rm(file, { force: true });
    removed++;
  }
  return removed;
}
