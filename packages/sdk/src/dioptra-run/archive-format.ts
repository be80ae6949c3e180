// How a workflow archive is packed. Dioptra takes whatever the user uploaded (tar, tar.gz, tar.bz2,
// tar.xz or zip), so the file name is only a hint: the first bytes decide whenever they are recognised.
import fs from 'node:fs';
import { ArchiveError } from '../plynx-run/zip-archive.js';

/** A packing the worker unpacks: a tar file (plain or compressed) or a zip archive. */
export type ArchiveFormat = 'tar' | 'tar.gz' | 'tar.bz2' | 'tar.xz' | 'zip';

const BY_SUFFIX: [RegExp, ArchiveFormat][] = [
  [/\.(tar\.gz|tgz|gz)$/i, 'tar.gz'],
  [/\.(tar\.bz2|tbz2|tbz|bz2)$/i, 'tar.bz2'],
  [/\.(tar\.xz|txz|xz)$/i, 'tar.xz'],
  [/\.zip$/i, 'zip'],
  [/\.tar$/i, 'tar'],
];

/**
 * The format a file name announces, or undefined.
 * @example
 * ```ts
 * formatFromName('workflows.tgz'); // 'tar.gz'
 * ```
 */
export function formatFromName(name: string): ArchiveFormat | undefined {
  return BY_SUFFIX.find(([suffix]) => suffix.test(name))?.[1];
}

/**
 * The format the first bytes (512 are enough) of a file show, or undefined when they show none.
 * @example
 * ```ts
 * formatFromMagic(zlib.gzipSync(tarBytes)); // 'tar.gz'
 * ```
 */
export function formatFromMagic(head: Buffer): ArchiveFormat | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'tar.bz2';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'tar.xz';
  // A local file header, or the end record of an empty archive.
  if (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50) return 'zip';
  if (head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  return undefined;
}

/**
 * The format of the archive at `file`, uploaded as `name`. The magic bytes win when recognised (a
 * `.tar.gz` a browser already decompressed is still unpacked); otherwise the name must say `.tar` (old
 * tar files carry no magic). A name promising a compressed format whose bytes are not is refused.
 * @example
 * ```ts
 * await detectArchiveFormat('/tmp/job/workflow-archive', 'workflows.tar.gz'); // 'tar.gz'
 * ```
 */
export async function detectArchiveFormat(file: string, name: string): Promise<ArchiveFormat> {
  const handle = await fs.promises.open(file, 'r');
  const head = Buffer.alloc(512);
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const byMagic = formatFromMagic(head);
  if (byMagic) return byMagic;
  const byName = formatFromName(name);
  if (byName === 'tar') return 'tar';
  if (byName) throw new ArchiveError(`${JSON.stringify(name)} is not a ${byName} archive (its first bytes say otherwise)`);
  throw new ArchiveError(`${JSON.stringify(name)} is not an archive the worker can unpack (tar, tar.gz, tar.bz2, tar.xz or zip)`);
}
