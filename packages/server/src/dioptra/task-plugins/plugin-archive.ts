// Reads the Python modules out of an uploaded task plugin archive, as Dioptra does: every regular file is
// taken by its base name (folders dropped, a later file replacing an earlier one of the same name) and only
// the `.py` files are kept. Nothing is unpacked to disk: modules are read into memory under fixed caps, so a
// hostile archive can neither write outside a work folder nor exhaust the disk. Entries that try to leave the
// archive (`..`, absolute paths) and links are refused outright rather than silently flattened.
import fs from 'node:fs';
import { once } from 'node:events';
import zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import yauzl from 'yauzl';

export class PluginArchiveError extends Error {}

export interface ArchiveLimits {
  /** Largest total size of all entries once unpacked. */
  maxUnpackedBytes: number;
  maxEntries: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = { maxUnpackedBytes: 64 * 1024 * 1024, maxEntries: 10_000 };

/** Module file name → contents. */
export type PluginModules = Map<string, Buffer>;

const GZIP = Buffer.from([0x1f, 0x8b]);
const BZIP2 = Buffer.from('BZh');
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ZIP = [Buffer.from('PK\x03\x04'), Buffer.from('PK\x05\x06')];

/** Reads the `.py` modules of the archive at `file`, whatever its kind (tar, gzip'd tar or zip). */
export async function readPluginArchive(file: string, limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS): Promise<PluginModules> {
  const head = await readHead(file, 6);
  if (ZIP.some((m) => head.subarray(0, 4).equals(m))) return readZip(file, limits);
  if (head.subarray(0, 3).equals(BZIP2)) throw new PluginArchiveError('bzip2-compressed archives are not supported by this server; upload a tar, tar.gz or zip archive');
  if (head.equals(XZ)) throw new PluginArchiveError('xz-compressed archives are not supported by this server; upload a tar, tar.gz or zip archive');
  return readTar(file, head.subarray(0, 2).equals(GZIP), limits);
}

async function readHead(file: string, length: number): Promise<Buffer> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The entry's base name, after refusing paths that leave the archive. */
function baseName(entryPath: string): string {
  const parts = entryPath.split(/[/\\]/);
  if (entryPath.startsWith('/') || entryPath.startsWith('\\') || /^[A-Za-z]:/.test(entryPath) || parts.includes('..')) {
    throw new PluginArchiveError(`the archive entry ${JSON.stringify(entryPath)} points outside the archive`);
  }
  return parts.filter(Boolean).pop() ?? '';
}

const isModule = (name: string) => name.endsWith('.py') && !name.includes('\0');

/** Counts entries and unpacked bytes against the limits. */
function budget(limits: ArchiveLimits) {
  let entries = 0;
  let bytes = 0;
  return {
    entry() {
      if (++entries > limits.maxEntries) throw new PluginArchiveError(`the archive has more than ${limits.maxEntries} entries`);
    },
    bytes(n: number) {
      bytes += n;
      if (bytes > limits.maxUnpackedBytes) throw new PluginArchiveError(`the archive unpacks to more than ${limits.maxUnpackedBytes} bytes`);
    },
  };
}

async function readTar(file: string, gzipped: boolean, limits: ArchiveLimits): Promise<PluginModules> {
  const modules: PluginModules = new Map();
  const count = budget(limits);
  let failure: unknown;
  const pending: Array<Promise<void>> = [];
  const parser = new Parser({
    strict: true,
    onReadEntry: (entry: ReadEntry) => {
      try {
        count.entry();
        count.bytes(entry.size ?? 0);
        const name = baseName(entry.path);
        if (entry.type === 'SymbolicLink' || entry.type === 'Link') throw new PluginArchiveError(`the archive entry ${JSON.stringify(entry.path)} is a link`);
        const regular = entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile';
        if (!regular || !isModule(name)) return void entry.resume();
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        pending.push(new Promise((resolve) => entry.on('end', () => resolve(void modules.set(name, Buffer.concat(chunks))))));
      } catch (e) {
        failure ??= e;
        entry.resume();
      }
    },
  });
  parser.on('error', (e: unknown) => void (failure ??= e));
  const source = fs.createReadStream(file);
  const stream = gzipped ? source.pipe(zlib.createGunzip()) : source;
  source.on('error', (e) => stream.destroy(e));
  // The unpacked stream itself is capped too, so padding that no entry claims cannot be a bomb either.
  const raw = budget({ ...limits, maxUnpackedBytes: limits.maxUnpackedBytes + 1024 * 1024 });
  try {
    for await (const chunk of stream) {
      raw.bytes((chunk as Buffer).length);
      if (failure) break;
      if (!parser.write(chunk as Buffer)) await once(parser, 'drain');
    }
  } catch (e) {
    failure ??= e instanceof PluginArchiveError ? e : new PluginArchiveError(`the archive cannot be read (${(e as Error).message})`);
  } finally {
    source.destroy();
  }
  if (!failure) {
    parser.end();
    await Promise.all(pending);
  }
  if (failure) throw failure instanceof PluginArchiveError ? failure : new PluginArchiveError(`the archive cannot be read (${(failure as Error).message})`);
  return modules;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

async function readZip(file: string, limits: ArchiveLimits): Promise<PluginModules> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true, decodeStrings: true, strictFileNames: false }, (e, z) => (e ? reject(e) : resolve(z))),
  ).catch((e: Error) => {
    throw new PluginArchiveError(`the archive cannot be read (${e.message})`);
  });
  const modules: PluginModules = new Map();
  const count = budget(limits);
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('error', reject);
      zip.on('end', resolve);
      zip.on('entry', (entry: yauzl.Entry) => {
        void (async () => {
          count.entry();
          count.bytes(entry.uncompressedSize);
          const name = baseName(entry.fileName);
          if (((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK) throw new PluginArchiveError(`the archive entry ${JSON.stringify(entry.fileName)} is a link`);
          if (!entry.fileName.endsWith('/') && isModule(name)) modules.set(name, await readZipEntry(zip, entry));
          zip.readEntry();
        })().catch(reject);
      });
      zip.readEntry();
    });
  } catch (e) {
    throw e instanceof PluginArchiveError ? e : new PluginArchiveError(`the archive cannot be read (${(e as Error).message})`);
  } finally {
    zip.close();
  }
  return modules;
}

async function readZipEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Buffer> {
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => zip.openReadStream(entry, (e, s) => (e ? reject(e) : resolve(s))));
  const chunks: Buffer[] = [];
  // validateEntrySizes makes the stream fail if it yields more than the size the entry declared (and counted).
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
