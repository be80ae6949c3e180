// The tar stream inside a compressed archive. gzip is Node's own; bzip2 and xz have no well-kept pure
// JavaScript decoder, so those go through the system's `bzip2 -dc` / `xz -dc`, as tar itself would.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { ArchiveError } from '../plynx-run/zip-archive.js';
import type { ArchiveFormat } from './archive-format.js';

/** A decompressing stream over a file. */
export interface TarSource {
  /** The plain tar bytes. */
  output: Readable;
  /** Settles once decompression ended; rejects with an {@link ArchiveError} when it failed. */
  done: Promise<void>;
  /** Whether `done` failed because the decompressing program is not installed (that error explains best). */
  toolMissing(): boolean;
  /** Stops reading and decompressing (after a refusal). */
  dispose(): void;
}

const TOOLS: Partial<Record<ArchiveFormat, string>> = { 'tar.bz2': 'bzip2', 'tar.xz': 'xz' };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The tar stream of the `format` archive at `file`. */
export function openTarSource(file: string, format: Exclude<ArchiveFormat, 'zip'>): TarSource {
  const input = fs.createReadStream(file);
  const tool = TOOLS[format];
  if (!tool) {
    const output = format === 'tar.gz' ? zlib.createGunzip() : new PassThrough();
    const done = pipeline(input, output).catch((error: unknown) => {
      throw new ArchiveError(`the archive is damaged: ${message(error)}`);
    });
    // `done` also ends when the reader gives up (dispose); that is not a failure of its own.
    done.catch(() => undefined);
    return { output, done, toolMissing: () => false, dispose: () => { input.destroy(); output.destroy(); } };
  }
  let missing = false;
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  // EPIPE when the program died or the reader gave up: the program's own end says what happened.
  pipeline(input, child.stdin).catch(() => undefined);
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      missing = error.code === 'ENOENT';
      reject(new ArchiveError(missing ? `cannot unpack a ${format} archive: \`${tool}\` is not installed on this worker` : `could not run \`${tool}\`: ${error.message}`));
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new ArchiveError(`\`${tool} -dc\` could not decompress the archive (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
    });
  });
  done.catch(() => undefined);
  return {
    output: child.stdout,
    done,
    toolMissing: () => missing,
    dispose: () => {
      input.destroy();
      child.stdout.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
