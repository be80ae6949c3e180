// Dioptra's upload forms carry one file each; the multipart parser leaves it on disk before a handler runs.
import type { Request } from 'express';

/** The file part `field` of the form, as the multipart parser left it on disk; undefined when absent. */
export function filePart(req: Request, field: string): { path: string; originalName: string } | undefined {
  const files: unknown = (req as Request & { files?: unknown }).files;
  const list: unknown[] = Array.isArray(files) ? files : typeof files === 'object' && files !== null ? Object.values(files).flat() : [];
  for (const f of list) {
    const part = f as Record<string, unknown> | null;
    if (part?.fieldname === field && typeof part.path === 'string' && typeof part.originalname === 'string') {
      return { path: part.path, originalName: part.originalname };
    }
  }
  return undefined;
}
