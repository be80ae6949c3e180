// Dioptra's upload forms carry one file each; the multipart parser leaves it on disk before a handler runs.
import type { Request } from 'express';
import { AppError } from '../errors.ts';

export interface UploadedFile {
  path: string;
  originalName: string;
  size: number;
}

/** The file part `field` of the form, as the multipart parser left it on disk; undefined when absent. */
export function filePart(req: Request, field: string): UploadedFile | undefined {
  const files: unknown = (req as Request & { files?: unknown }).files;
  const list: unknown[] = Array.isArray(files) ? files : typeof files === 'object' && files !== null ? Object.values(files).flat() : [];
  for (const f of list) {
    const part = f as Record<string, unknown> | null;
    if (part?.fieldname === field && typeof part.path === 'string' && typeof part.originalname === 'string' && typeof part.size === 'number') {
      return { path: part.path, originalName: part.originalname, size: part.size };
    }
  }
  return undefined;
}

/** Refuses a file above the family's upload limit (PIPELOOM_DIOPTRA_UPLOAD_MAX_MB) with 413. */
export function checkUploadSize(file: UploadedFile | undefined, maxBytes: number): void {
  if (file && file.size > maxBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `Payload Too Large - The uploaded file is larger than this server accepts (${maxBytes} bytes).`);
  }
}
