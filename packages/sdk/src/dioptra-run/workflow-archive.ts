/**
 * Unpacking the archives a Dioptra job brings (its workflow and the task plugins) safely: they come from
 * users, and the worker runs on machines that matter.
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { ArchiveError, unzipSafely, type ArchiveLimits } from '../plynx-run/zip-archive.js';
import { detectArchiveFormat, type ArchiveFormat } from './archive-format.js';
import { openTarSource } from './decompress.js';
import { untarInto } from './tar-unpack.js';

/** How much a workflow archive may unpack to by default: 100,000 entries, 512 MiB. */
export const DEFAULT_WORKFLOW_ARCHIVE_LIMITS = { maxEntries: 100_000, maxBytes: 512 * 1024 * 1024 } as const;

export interface UnpackArchiveOptions {
  /** The name the archive was uploaded as; a hint to its format (the first bytes decide when they can). */
  name: string;
  /** Caps on entries and unpacked bytes (default {@link DEFAULT_WORKFLOW_ARCHIVE_LIMITS}). */
  limits?: ArchiveLimits;
}

/**
 * Unpacks the archive at `file` into the new directory `dir` and answers its format: tar, tar.gz (`.tgz`,
 * `.gz`), tar.bz2 and tar.xz (through the system's `bzip2` / `xz`, which must then be installed) or zip.
 *
 * Only plain files and directories are unpacked. Refused with an {@link ArchiveError}: entries with `..`
 * or an absolute path; symbolic links and hard links, outright, wherever they point (a workflow needs
 * none, and a link is the classic way out of the target); device files and FIFOs; the same name twice;
 * more entries or bytes than `limits` allow, bytes counted as written, not as the headers declare. So
 * nothing is ever written outside `dir`, and after a refusal `dir` is removed with whatever it held.
 *
 * @example
 * ```ts
 * import { unpackWorkflowArchive } from '@pipeloom/sdk/node';
 *
 * const format = await unpackWorkflowArchive('/tmp/job/archive', '/tmp/job/workflow', {
 *   name: 'workflows.tar.gz',
 *   limits: { maxBytes: 64 * 1024 * 1024 },
 * });
 * ```
 */
export async function unpackWorkflowArchive(file: string, dir: string, options: UnpackArchiveOptions): Promise<ArchiveFormat> {
  const root = path.resolve(dir);
  const limits = { ...DEFAULT_WORKFLOW_ARCHIVE_LIMITS, ...options.limits };
  let created = false;
  try {
    const format = await detectArchiveFormat(file, options.name);
    // Made here, so that an existing directory is never unpacked into (nor removed after a refusal).
    await fs.promises.mkdir(root);
    created = true;
    if (format === 'zip') {
      // unzipSafely makes its directory itself.
      await fs.promises.rmdir(root);
      await unzipSafely(file, root, limits);
    } else {
      await untarFile(file, root, format, limits);
    }
    return format;
  } catch (error) {
    if (created) await fs.promises.rm(root, { recursive: true, force: true });
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(error instanceof Error ? error.message : String(error));
  }
}

async function untarFile(file: string, root: string, format: Exclude<ArchiveFormat, 'zip'>, limits: { maxEntries: number; maxBytes: number }): Promise<void> {
  const source = openTarSource(file, format);
  const untarred = untarInto(source.output, root, limits).then(
    (readToEnd) => {
      // Stopped at the end-of-archive marker: the rest is never decompressed.
      if (!readToEnd) source.dispose();
      return readToEnd;
    },
    (error: unknown) => {
      source.dispose();
      throw error;
    },
  );
  const [unpacked, decompressed] = await Promise.allSettled([untarred, source.done]);
  if (unpacked.status === 'fulfilled' && !unpacked.value) return;
  // A missing bzip2 shows as an empty tar to the parser; the real reason is the program.
  if (decompressed.status === 'rejected' && source.toolMissing()) throw decompressed.reason;
  if (unpacked.status === 'rejected') throw unpacked.reason;
  if (decompressed.status === 'rejected') throw decompressed.reason;
}
