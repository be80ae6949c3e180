// Unpacking a tar stream by hand, entry by entry: node-tar only parses, every write is ours, so the rules
// below hold whatever the archive says. Writes are synchronous to keep entries strictly in order and the
// byte count exact (archives are workflows and plugins, not datasets).
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import { ArchiveError, entryTarget } from '../plynx-run/zip-archive.js';

/** Resolved limits of one archive. */
export interface TarLimits {
  maxEntries: number;
  maxBytes: number;
}

const FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const LINK_TYPES = new Set(['SymbolicLink', 'Link']);
const DEVICE_TYPES = new Set(['CharacterDevice', 'BlockDevice', 'FIFO']);

/**
 * Headers, padding and PAX records around the data: room the raw stream may take beyond `maxBytes`.
 * Past it the stream is cut: a backstop, as reading stops at the end-of-archive marker anyway.
 */
function rawAllowance(limits: TarLimits): number {
  return limits.maxBytes + (limits.maxEntries + 2) * 2048 + 1024 * 1024;
}

function rawCap(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (seen > limit) callback(new ArchiveError('the archive unpacks to more bytes than allowed'));
      else callback(null, chunk);
    },
  });
}

/**
 * Unpacks the tar bytes of `input` into the existing, empty directory `root`. Reading stops at the
 * end-of-archive marker, as tar's does (whatever trails it is never read): resolves `false` then, `true`
 * when the input ended by itself.
 */
export function untarInto(input: Readable, root: string, limits: TarLimits): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const parser = new Parser({ strict: true, maxMetaEntrySize: 1024 * 1024 });
    const capped = rawCap(rawAllowance(limits));
    let entries = 0;
    let bytesLeft = limits.maxBytes;
    let openFd: number | undefined;
    let failed = false;

    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      if (openFd !== undefined) fs.closeSync(openFd);
      openFd = undefined;
      input.unpipe(capped);
      input.destroy();
      capped.destroy();
      reject(toArchiveError(error));
    };

    const writeFile = (entry: ReadEntry, target: string) => {
      if (target === root) throw new ArchiveError(`entry ${JSON.stringify(entry.path)} is not a file name`);
      if (entry.size > bytesLeft) throw new ArchiveError('the archive unpacks to more bytes than allowed');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // `wx`: a second entry of the same name fails instead of overwriting the first.
      const fd = fs.openSync(target, 'wx', ((entry.mode ?? 0o644) & 0o111) !== 0 ? 0o755 : 0o644);
      openFd = fd;
      entry.on('data', (chunk: Buffer) => {
        if (failed) return;
        try {
          // The bytes actually written count, not the size the header declared.
          bytesLeft -= chunk.length;
          if (bytesLeft < 0) throw new ArchiveError('the archive unpacks to more bytes than allowed');
          fs.writeSync(fd, chunk);
        } catch (error) {
          fail(error);
        }
      });
      entry.on('end', () => {
        if (failed || openFd !== fd) return;
        fs.closeSync(fd);
        openFd = undefined;
      });
    };

    const onEntry = (entry: ReadEntry) => {
      if (failed) {
        entry.resume();
        return;
      }
      try {
        entries += 1;
        if (entries > limits.maxEntries) throw new ArchiveError(`the archive has more than ${limits.maxEntries} entries`);
        const name = JSON.stringify(entry.path);
        if (LINK_TYPES.has(entry.type)) throw new ArchiveError(`entry ${name} is a link; links are refused`);
        if (DEVICE_TYPES.has(entry.type)) throw new ArchiveError(`entry ${name} is a device file or FIFO; only files and directories are unpacked`);
        const target = entryTarget(root, entry.path);
        if (entry.type === 'Directory') {
          fs.mkdirSync(target, { recursive: true });
          entry.resume();
        } else if (FILE_TYPES.has(entry.type)) {
          writeFile(entry, target);
        } else {
          throw new ArchiveError(`entry ${name} has a type the worker does not unpack (${entry.type})`);
        }
      } catch (error) {
        entry.resume();
        fail(error);
      }
    };

    parser.on('entry', onEntry);
    // Entries of unknown types, and oversized PAX headers, which node-tar would skip silently.
    parser.on('ignoredEntry', (entry: ReadEntry) => fail(new ArchiveError(`entry ${JSON.stringify(entry.path)} has a type the worker does not unpack (${entry.type})`)));
    parser.on('error', fail);
    let atMarker = false;
    parser.on('eof', () => {
      if (failed) return;
      atMarker = true;
      input.unpipe(capped);
      capped.pause();
      parser.end();
    });
    parser.on('end', () => {
      if (failed) return;
      if (openFd !== undefined) fs.closeSync(openFd);
      resolve(!atMarker);
    });
    input.on('error', fail);
    capped.on('error', fail);
    // By hand: node-tar's Parser is a writable in all but its type.
    capped.on('data', (chunk: Buffer) => {
      if (!failed && !atMarker && !parser.write(chunk)) capped.pause();
    });
    parser.on('drain', () => capped.resume());
    capped.on('end', () => {
      if (!failed && !atMarker) parser.end();
    });
    input.pipe(capped);
  });
}

function toArchiveError(error: unknown): ArchiveError {
  if (error instanceof ArchiveError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR' || code === 'EISDIR') return new ArchiveError('the archive holds the same name twice (or a file where a directory must be)');
  return new ArchiveError(`the archive is damaged or not a tar file: ${error instanceof Error ? error.message : String(error)}`);
}
