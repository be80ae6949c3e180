// Shared pieces of the Dioptra runner tests: hand-made tar and zip archives (including hostile ones no
// archiver would write), scratch directories, and a listing of what a directory holds.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

export interface RawTarEntry {
  name: string;
  /** Tar type flag: '0' file, '1' hard link, '2' symbolic link, '3' character device, '5' directory, '6' FIFO. */
  type?: '0' | '1' | '2' | '3' | '5' | '6';
  data?: Buffer | string;
  /** The size the header declares (default: the data's length). */
  size?: number;
  linkname?: string;
  mode?: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar header for one entry. */
function tarHeader(entry: RawTarEntry, size: number): Buffer {
  const header = Buffer.alloc(512);
  header.write(entry.name, 0, 100, 'utf8');
  header.write(octal(entry.mode ?? (entry.type === '5' ? 0o755 : 0o644), 8), 100, 'latin1');
  header.write(octal(0, 8), 108, 'latin1');
  header.write(octal(0, 8), 116, 'latin1');
  header.write(octal(size, 12), 124, 'latin1');
  header.write(octal(1_700_000_000, 12), 136, 'latin1');
  header.write('        ', 148, 'latin1');
  header.write(entry.type ?? '0', 156, 'latin1');
  header.write(entry.linkname ?? '', 157, 100, 'utf8');
  header.write('ustar\u000000', 257, 'latin1');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return header;
}

/**
 * A tar file with exactly the given entries. With `truncate`, the data of an entry stops after its first
 * `truncate` bytes and the archive ends there (a declared 1 GB entry without the gigabyte).
 */
export function rawTar(entries: RawTarEntry[], options: { truncate?: number } = {}): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const size = entry.size ?? data.length;
    blocks.push(tarHeader(entry, size));
    if (options.truncate !== undefined && size > data.length) {
      blocks.push(Buffer.alloc(options.truncate));
      return Buffer.concat(blocks);
    }
    blocks.push(data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A zip archive of one deflated entry whose headers declare `declaredSize` (a lying header when it differs). */
export function deflatedZip(name: string, data: Buffer, declaredSize = data.length): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const compressed = zlib.deflateRawSync(data);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(0x800, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(declaredSize, 22);
  local.writeUInt16LE(nameBytes.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x800, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(declaredSize, 24);
  central.writeUInt16LE(nameBytes.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
  const centralOffset = local.length + nameBytes.length + compressed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + nameBytes.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, nameBytes, compressed, central, nameBytes, end]);
}

/** Scratch directories, removed by {@link Scratch.cleanUp}. */
export class Scratch {
  private readonly dirs: string[] = [];

  dir(prefix = 'dioptra-run-test-'): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  cleanUp(): void {
    for (const dir of this.dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every file and directory below `dir` with its text (`<dir>`, `-> target` for links), `(x)` when executable. */
export function listing(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, name);
    const stat = fs.lstatSync(full);
    if (stat.isSymbolicLink()) found[name] = `-> ${fs.readlinkSync(full)}`;
    else found[name] = stat.isDirectory() ? '<dir>' : `${fs.readFileSync(full, 'utf8')}${stat.mode & 0o100 ? ' (x)' : ''}`;
  }
  return found;
}

/** Packs `dir` with the system's tar (`flags` e.g. `-czf`) into `archive`. */
export function systemTar(dir: string, archive: string, flags: string): void {
  execFileSync('tar', [flags, archive, '-C', dir, '.']);
}
