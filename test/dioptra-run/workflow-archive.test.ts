// Unpacking workflow archives: every format Dioptra takes, and hostile archives refused with nothing
// written outside the target directory (the target itself removed after a refusal).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackWorkflowArchive } from '../../packages/sdk/src/dioptra-run/index.ts';
import { zipDirectory } from '../../packages/sdk/src/plynx-run/index.ts';
import { rawZip } from '../plynx-run/helpers.ts';
import { deflatedZip, listing, rawTar, Scratch, systemTar, type RawTarEntry } from './helpers.ts';

const scratch = new Scratch();
afterEach(() => scratch.cleanUp());

/** A project folder as users pack it: an MLproject, a script in a subfolder, an executable. */
function project(): string {
  const dir = scratch.dir();
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'MLproject'), 'name: demo\n');
  fs.writeFileSync(path.join(dir, 'src', 'train.py'), 'print("hi")\n');
  fs.writeFileSync(path.join(dir, 'src', '__init__.py'), '');
  fs.writeFileSync(path.join(dir, 'run.sh'), 'echo run\n', { mode: 0o755 });
  return dir;
}

const PROJECT_LISTING = { MLproject: 'name: demo\n', 'run.sh': 'echo run\n (x)', src: '<dir>', 'src/__init__.py': '', 'src/train.py': 'print("hi")\n' };

/** Writes `bytes` as `name` in a fresh folder and unpacks it into `<folder>/work/target`. */
async function unpack(name: string, bytes: Buffer, limits?: { maxEntries?: number; maxBytes?: number }) {
  const base = scratch.dir();
  const archive = path.join(base, name);
  fs.writeFileSync(archive, bytes);
  fs.mkdirSync(path.join(base, 'work'));
  const target = path.join(base, 'work', 'target');
  const result = unpackWorkflowArchive(archive, target, { name, ...(limits ? { limits } : {}) });
  return { base, target, result };
}

/** After a refusal: the target is gone, and the folder holds only the archive and the empty work folder. */
function expectNothingWritten(base: string, name: string): void {
  expect(listing(base)).toEqual({ [name]: expect.any(String), work: '<dir>' });
}

async function refused(name: string, bytes: Buffer, message: string | RegExp, limits?: { maxEntries?: number; maxBytes?: number }) {
  const { base, result } = await unpack(name, bytes, limits);
  await expect(result).rejects.toMatchObject({ name: 'ArchiveError', message: expect.stringMatching(message) });
  expectNothingWritten(base, name);
}

describe('unpacking a workflow archive', () => {
  for (const [name, flags] of [['workflow.tar', '-cf'], ['workflow.tar.gz', '-czf'], ['workflow.tgz', '-czf'], ['workflow.tar.bz2', '-cjf'], ['workflow.tar.xz', '-cJf']] as const) {
    it(`When a ${name} made by tar is unpacked, then its files, folders and executable bits are there`, async () => {
      const packed = path.join(scratch.dir(), name);
      systemTar(project(), packed, flags);
      const { target, result } = await unpack(name, fs.readFileSync(packed));
      expect(await result).toBe(name.endsWith('.tgz') ? 'tar.gz' : name.replace('workflow.', ''));
      expect(listing(target)).toEqual(PROJECT_LISTING);
    });
  }

  it('When a zip archive is unpacked, then its files, folders and executable bits are there', async () => {
    const packed = path.join(scratch.dir(), 'workflow.zip');
    await zipDirectory(project(), packed);
    const { target, result } = await unpack('workflow.zip', fs.readFileSync(packed));
    expect(await result).toBe('zip');
    expect(listing(target)).toEqual(PROJECT_LISTING);
  });

  it('When the name and the bytes disagree, then the bytes decide; a name promising a format its bytes lack is refused', async () => {
    const packed = path.join(scratch.dir(), 'p.tar');
    systemTar(project(), packed, '-cf');
    const { target, result } = await unpack('workflows.tar.gz', fs.readFileSync(packed));
    expect(await result).toBe('tar');
    expect(listing(target)).toEqual(PROJECT_LISTING);
    await refused('workflows.tar.gz', Buffer.from('not an archive at all'), /is not a tar.gz archive/);
    await refused('workflows.rar', Buffer.from('Rar!'), /not an archive the worker can unpack/);
  });

  it('When an entry climbs out with `..`, then the archive is refused and nothing is written outside', async () => {
    const escape = rawTar([{ name: 'ok.txt', data: 'fine' }, { name: '../escaped.txt', data: 'owned' }]);
    await refused('w.tar', escape, /leaves the directory/);
    await refused('w.tar.gz', zlib.gzipSync(escape), /leaves the directory/);
    await refused('w.tar', rawTar([{ name: 'a/../../escaped.txt', data: 'owned' }]), /leaves the directory/);
    await refused('w.zip', rawZip([{ name: '../escaped.txt', data: 'owned' }]), /leaves the directory|invalid relative path/);
  });

  it('When an entry has an absolute path, then the archive is refused and the path stays untouched', async () => {
    const outside = path.join(os.tmpdir(), `dioptra-absolute-${randomUUID()}.txt`);
    await refused('w.tar', rawTar([{ name: outside, data: 'owned' }]), /absolute entry path/);
    await refused('w.zip', rawZip([{ name: outside, data: 'owned' }]), /absolute|invalid/);
    expect(fs.existsSync(outside)).toBe(false);
  });

  it('When an archive holds a symbolic link (pointing outside, with a file written through it), then links are refused outright', async () => {
    const outsideDir = scratch.dir();
    const entries: RawTarEntry[] = [
      { name: 'data', type: '2', linkname: outsideDir },
      { name: 'data/owned.txt', data: 'owned' },
    ];
    await refused('w.tar', rawTar(entries), /is a link; links are refused/);
    await refused('w.tar', rawTar([{ name: 'harmless', type: '2', linkname: 'MLproject' }]), /links are refused/);
    await refused('w.zip', rawZip([{ name: 'data', data: outsideDir, mode: 0o120777 }]), /not a plain file or directory/);
    expect(fs.readdirSync(outsideDir)).toEqual([]);
  });

  it('When an archive holds a hard link, then it is refused (even one to a file of the archive)', async () => {
    await refused('w.tar', rawTar([{ name: 'passwd', type: '1', linkname: '/etc/passwd' }]), /is a link; links are refused/);
    await refused('w.tar', rawTar([{ name: 'a.txt', data: 'a' }, { name: 'b.txt', type: '1', linkname: 'a.txt' }]), /links are refused/);
  });

  it('When an archive holds a device file or a FIFO, then it is refused', async () => {
    await refused('w.tar', rawTar([{ name: 'null', type: '3' }]), /device file or FIFO/);
    await refused('w.tar', rawTar([{ name: 'pipe', type: '6' }]), /device file or FIFO/);
  });

  it('When a tar.gz declares a 1 GB entry, then it is refused before a byte of it is written', async () => {
    const bomb = zlib.gzipSync(rawTar([{ name: 'MLproject', data: 'name: x\n' }, { name: 'big.bin', size: 1024 ** 3 }], { truncate: 64 * 1024 }));
    await refused('w.tar.gz', bomb, /more bytes than allowed/);
  });

  it('When what an archive unpacks to passes the configured limit, then the bytes written are what count', async () => {
    // Every entry fits the limit on its own; the written total does not.
    const chunk = Buffer.alloc(400 * 1024, 'a');
    const many = rawTar([{ name: 'a.bin', data: chunk }, { name: 'b.bin', data: chunk }, { name: 'c.bin', data: chunk }]);
    await refused('w.tar.gz', zlib.gzipSync(many), /more bytes than allowed/, { maxBytes: 1024 * 1024 });
    // A 10 MB gzip bomb (10 kB packed) against a 1 MB limit, in every tar compression.
    const bomb = rawTar([{ name: 'zeros.bin', data: Buffer.alloc(10 * 1024 * 1024) }]);
    await refused('w.tar.gz', zlib.gzipSync(bomb), /more bytes than allowed/, { maxBytes: 1024 * 1024 });
    const { target, result } = await unpack('w.tar', many, { maxBytes: 1200 * 1024 });
    await result;
    expect(fs.readdirSync(target).sort()).toEqual(['a.bin', 'b.bin', 'c.bin']);
  });

  it('When a tar trails far more zeros than the limit allows after its end marker, then reading stops at the marker', async () => {
    const padded = zlib.gzipSync(Buffer.concat([rawTar([{ name: 'a.txt', data: 'a' }]), Buffer.alloc(40 * 1024 * 1024)]));
    const { target, result } = await unpack('w.tar.gz', padded, { maxBytes: 1024, maxEntries: 10 });
    await result;
    expect(listing(target)).toEqual({ 'a.txt': 'a' });
  });

  it('When a zip bomb is unpacked, then the declared size and the real bytes are both held to the limit', async () => {
    const zeros = Buffer.alloc(10 * 1024 * 1024);
    await refused('w.zip', deflatedZip('zeros.bin', zeros), /more bytes than allowed/, { maxBytes: 1024 * 1024 });
    // Its header lies (100 bytes): the stream is cut at the declared size.
    await refused('w.zip', deflatedZip('zeros.bin', zeros, 100), /too many bytes|more bytes than allowed/, { maxBytes: 1024 * 1024 });
  });

  it('When an archive has more entries than allowed, then it is refused', async () => {
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' }));
    await refused('w.tar', rawTar(entries), /more than 4 entries/, { maxEntries: 4 });
  });

  it('When an archive holds a name twice, then it is refused instead of overwriting', async () => {
    await refused('w.tar', rawTar([{ name: 'a.txt', data: 'first' }, { name: 'a.txt', data: 'second' }]), /same name twice/);
  });

  it('When the target exists already, then nothing is unpacked and the directory is left alone', async () => {
    const base = scratch.dir();
    const archive = path.join(base, 'w.tar');
    fs.writeFileSync(archive, rawTar([{ name: 'a.txt', data: 'a' }]));
    fs.writeFileSync(path.join(base, 'keep.txt'), 'mine');
    await expect(unpackWorkflowArchive(archive, base, { name: 'w.tar' })).rejects.toThrow(/EEXIST|exists/);
    expect(fs.readFileSync(path.join(base, 'keep.txt'), 'utf8')).toBe('mine');
  });

  it('When bzip2 is not installed, then a .tar.bz2 is refused with that reason', async () => {
    const packed = path.join(scratch.dir(), 'w.tar.bz2');
    systemTar(project(), packed, '-cjf');
    const savedPath = process.env.PATH;
    process.env.PATH = scratch.dir();
    try {
      await refused('w.tar.bz2', fs.readFileSync(packed), /`bzip2` is not installed on this worker/);
    } finally {
      process.env.PATH = savedPath;
    }
  });

  it('When a compressed archive is damaged, then it is refused', async () => {
    const packed = path.join(scratch.dir(), 'w.tar.xz');
    systemTar(project(), packed, '-cJf');
    const bytes = fs.readFileSync(packed);
    await refused('w.tar.xz', Buffer.concat([bytes.subarray(0, 40), Buffer.alloc(200, 7)]), /could not decompress|damaged/);
    await refused('w.tar.gz', zlib.gzipSync(rawTar([{ name: 'a.txt', data: 'a' }])).subarray(0, 30), /damaged/);
  });
});
