// PLynx's `directory` resources are zip archives: unpacked into a directory on input, packed from one on
// output. Archives come from users, so unpacking accepts only plain files and directories that stay
// inside the target directory, and caps how many entries and bytes it writes.
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import yazl from 'yazl';

/** An archive that is damaged, unsafe or too big to unpack. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
}

/** How much one archive may unpack to. */
export interface ArchiveLimits {
  /** Most entries (files and directories); default 100,000. */
  maxEntries?: number;
  /** Most bytes written in all; default 4 GiB. */
  maxBytes?: number;
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

/** The Unix file type of an entry (0 when the archive was not made on Unix and says nothing). */
function unixType(entry: yauzl.Entry): number {
  return ((entry.externalFileAttributes >>> 16) & S_IFMT) >>> 0;
}

/**
 * Where an archive entry named `name` goes below `root`, or an {@link ArchiveError} when the name leaves
 * `root` (`..`), is absolute, or holds a NUL or backslash. Shared by every archive format the worker unpacks.
 */
export function entryTarget(root: string, name: string): string {
  if (name.includes('\0') || name.includes('\\')) throw new ArchiveError(`unsafe entry name ${JSON.stringify(name)}`);
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) throw new ArchiveError(`absolute entry path ${JSON.stringify(name)}`);
  if (name.split('/').includes('..')) throw new ArchiveError(`entry ${JSON.stringify(name)} leaves the directory`);
  const target = path.resolve(root, name);
  if (target !== root && !target.startsWith(root + path.sep)) throw new ArchiveError(`entry ${JSON.stringify(name)} leaves the directory`);
  return target;
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const done = () => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry) => { done(); resolve(entry); };
    const onEnd = () => { done(); resolve(undefined); };
    const onError = (error: Error) => { done(); reject(error); };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** Counts bytes through a stream and fails once the archive's budget is spent. */
function byteBudget(budget: { left: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      budget.left -= chunk.length;
      if (budget.left < 0) callback(new ArchiveError('the archive unpacks to more bytes than allowed'));
      else callback(null, chunk);
    },
  });
}

/**
 * Unpacks the zip archive at `zipPath` into the new directory `dir`. Refuses (with {@link ArchiveError})
 * entries with absolute paths or `..`, symbolic links and other special files, duplicate names, and
 * archives with more entries or bytes than `limits` allow. A file keeps its executable bit.
 */
export async function unzipSafely(zipPath: string, dir: string, limits: ArchiveLimits = {}): Promise<void> {
  const root = path.resolve(dir);
  await fs.promises.mkdir(root);
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true });
  } catch (error) {
    throw new ArchiveError(`not a readable zip archive: ${error instanceof Error ? error.message : String(error)}`);
  }
  const maxEntries = limits.maxEntries ?? 100_000;
  const budget = { left: limits.maxBytes ?? 4 * 1024 ** 3 };
  try {
    for (let count = 1; ; count += 1) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      if (count > maxEntries) throw new ArchiveError(`the archive has more than ${maxEntries} entries`);
      const type = unixType(entry);
      const isDirectory = entry.fileName.endsWith('/');
      const target = entryTarget(root, entry.fileName);
      if (type !== 0 && type !== (isDirectory ? S_IFDIR : S_IFREG)) {
        throw new ArchiveError(`entry ${JSON.stringify(entry.fileName)} is not a plain file or directory (a symbolic link?)`);
      }
      if (isDirectory) {
        await fs.promises.mkdir(target, { recursive: true });
        continue;
      }
      if (entry.uncompressedSize > budget.left) throw new ArchiveError('the archive unpacks to more bytes than allowed');
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      const executable = ((entry.externalFileAttributes >>> 16) & 0o111) !== 0;
      const stream = await zip.openReadStreamPromise(entry);
      // `wx`: a second entry of the same name fails instead of overwriting the first.
      await pipeline(stream, byteBudget(budget), fs.createWriteStream(target, { flags: 'wx', mode: executable ? 0o755 : 0o644 }));
    }
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new ArchiveError('the archive holds the same name twice');
    throw new ArchiveError(error instanceof Error ? error.message : String(error));
  } finally {
    zip.close();
  }
}

/** Every file and directory below `dir` (relative, `/`-separated), symbolic links left out. */
async function walk(dir: string, prefix = ''): Promise<{ name: string; full: string; isDirectory: boolean; mode: number }[]> {
  const found: { name: string; full: string; isDirectory: boolean; mode: number }[] = [];
  const entries = await fs.promises.readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const name = `${prefix}${entry.name}`;
    // Links are not followed: a script could point one anywhere on the worker's disk.
    if (entry.isDirectory()) {
      found.push({ name: `${name}/`, full, isDirectory: true, mode: 0o755 });
      found.push(...(await walk(full, `${name}/`)));
    } else if (entry.isFile()) {
      found.push({ name, full, isDirectory: false, mode: (await fs.promises.stat(full)).mode & 0o777 });
    }
  }
  return found;
}

/** Packs the directory `dir` into a zip archive at `zipPath` (symbolic links are left out). */
export async function zipDirectory(dir: string, zipPath: string): Promise<void> {
  const zip = new yazl.ZipFile();
  for (const entry of await walk(dir)) {
    if (entry.isDirectory) zip.addEmptyDirectory(entry.name, { mode: S_IFDIR | entry.mode });
    else zip.addFile(entry.full, entry.name, { mode: S_IFREG | entry.mode });
  }
  zip.end();
  await pipeline(zip.outputStream, fs.createWriteStream(zipPath));
}
