// The pieces behind PLynx resources, without a server: resources_dict in PLynx's plugin order, resource ids
// shaped like PLynx's, the Python-style JSON layout of previews, reading a zip's entry names from its central
// directory (and refusing damaged archives), and the content store's ranges and key checks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { isContentKey } from '../../packages/server/src/content/content-store.ts';
import { directoryContentStore } from '../../packages/server/src/content/directory-store.ts';
import { UPLOAD_LIMITS, uploadOptions } from '../../packages/server/src/http/uploads.ts';
import { prettyJson } from '../../packages/server/src/plynx/resources/json-pretty.ts';
import { isResourceType, resourcesDict } from '../../packages/server/src/plynx/resources/plugins.ts';
import { resourceIdGenerator } from '../../packages/server/src/plynx/resources/resource-ids.ts';
import { listZipEntries, ZipListingError, type RangeReader } from '../../packages/server/src/plynx/resources/zip-listing.ts';

const readerOf = (bytes: Buffer): RangeReader => async (start, length) => bytes.subarray(start, start + length);

describe('resources_dict', () => {
  it('lists the default plugins in PLynx order with their aliases, icons and colours', () => {
    const dict = resourcesDict();
    expect(Object.keys(dict)).toEqual(['file', 'pdf', 'image', 'csv', 'tsv', 'json', 'executable', 'directory', 'cloud-storage']);
    expect(dict.file).toEqual({ name: 'file', alias: 'File', icon: 'feathericons.file', color: '#fff' });
    expect(dict['cloud-storage']).toEqual({ name: 'cloud-storage', alias: 'Cloud Storage', icon: 'feathericons.hard-drive', color: '#5ed1ff' });
    expect(isResourceType('csv')).toBe(true);
    expect(isResourceType('toString')).toBe(false);
  });
});

describe('resource ids', () => {
  it('are version 1 UUIDs carrying the clock time, distinct within one millisecond', () => {
    const clock = new ManualClock(Date.UTC(2024, 2, 1));
    const next = resourceIdGenerator(clock);
    const ids = Array.from({ length: 1000 }, next);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // time_hi, time_mid and time_low back to 100 ns ticks since 1582-10-15, then to Unix milliseconds.
    const [low, mid, high] = ids[0]!.split('-');
    const ticks = (BigInt(`0x${high!.slice(1)}`) << 48n) | (BigInt(`0x${mid}`) << 32n) | BigInt(`0x${low}`);
    expect(Number((ticks - 0x01b21dd213814000n) / 10_000n)).toBe(clock.now());
    expect(isContentKey(ids[0]!)).toBe(true);
  });
});

describe('JSON previews', () => {
  it('lay out like Python json.dumps(indent=2), keeping key order and number spelling', () => {
    expect(prettyJson('{"z":1,"10":[],"a":{"b":[true,false,null,-1.0e3]},"s":"tab\\there \\u00e9 \\ud83d\\ude00 / \\u007f"}')).toBe(
      '{\n  "z": 1,\n  "10": [],\n  "a": {\n    "b": [\n      true,\n      false,\n      null,\n      -1.0e3\n    ]\n  },\n'
      + '  "s": "tab\\there \\u00e9 \\ud83d\\ude00 / \\u007f"\n}',
    );
    expect(prettyJson(' [ ] ')).toBe('[]');
    expect(prettyJson('"x"')).toBe('"x"');
    expect(() => prettyJson('{"a":}')).toThrow(SyntaxError);
  });
});

describe('zip listings', () => {
  it('read the names of a real archive, UTF-8 names included', async () => {
    // An archive written by Info-ZIP (`zip -X -r`): a directory and two files, one with a non-ASCII name.
    const zip = Buffer.from(
      'UEsDBAoAAAAAAAAAIQAAAAAAAAAAAAAAAAAEAAAAZGlyL1BLAwQKAAAAAAAAACEAdafj5gUAAAAFAAAACgAAAGRpci/DqS50eHRiZXRhClBLAwQKAAAAAAAAACEA7G5gnwYAAAAGAAAACQAAAGRpci9hLnR4dGFscGhhClBLAQIeAwoAAAAAAAAAIQAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAEADtQQAAAABkaXIvUEsBAh4DCgAAAAAAAAAhAHWn4+YFAAAABQAAAAoAAAAAAAAAAQAAAKSBIgAAAGRpci/DqS50eHRQSwECHgMKAAAAAAAAACEA7G5gnwYAAAAGAAAACQAAAAAAAAABAAAApIFPAAAAZGlyL2EudHh0UEsFBgAAAAADAAMAoQAAAHwAAAAAAA==',
      'base64',
    );
    expect(await listZipEntries(readerOf(zip), zip.length)).toEqual({ names: ['dir/', 'dir/é.txt', 'dir/a.txt'], omitted: 0 });
    expect(await listZipEntries(readerOf(zip), zip.length, { maxEntries: 1 })).toEqual({ names: ['dir/'], omitted: 2 });
  });

  it('refuse files that are not archives or whose directory points outside the file', async () => {
    await expect(listZipEntries(readerOf(Buffer.from('short')), 5)).rejects.toBeInstanceOf(ZipListingError);
    await expect(listZipEntries(readerOf(Buffer.alloc(4096, 1)), 4096)).rejects.toThrow(/not a zip archive/);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(5, 10);
    end.writeUInt32LE(1_000_000, 12);
    end.writeUInt32LE(0, 16);
    await expect(listZipEntries(readerOf(end), end.length)).rejects.toThrow(/outside the file/);
    end.writeUInt32LE(0, 12);
    await expect(listZipEntries(readerOf(end), end.length)).rejects.toThrow(/damaged/);
    end.writeUInt16LE(0xffff, 10);
    await expect(listZipEntries(readerOf(end), end.length)).rejects.toThrow(/zip64/);
  });
});

describe('the directory content store', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-content-'));
  const store = directoryContentStore(root);
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const text = async (stream: Readable) => {
    let out = '';
    for await (const chunk of stream) out += String(chunk);
    return out;
  };

  it('reads a range from a start, limited, and reports the whole size', async () => {
    await store.putStream('range-test', Readable.from([Buffer.from('0123456789')]));
    const part = await store.open('range-test', { start: 3, limit: 4 });
    expect(part && { size: part.size, totalSize: part.totalSize, text: await text(part.stream) }).toEqual({ size: 4, totalSize: 10, text: '3456' });
    const past = await store.open('range-test', { start: 50 });
    expect(past && { size: past.size, text: await text(past.stream) }).toEqual({ size: 0, text: '' });
    expect(await store.open('missing')).toBeNull();
  });

  it('takes over a file on disk and refuses keys that are not plain names before touching the source', async () => {
    const source = path.join(root, '..', `pipeloom-source-${process.pid}`);
    fs.writeFileSync(source, 'moved');
    await expect(store.putFile('../escape', source)).rejects.toThrow(/invalid content key/);
    expect(fs.existsSync(source)).toBe(true);
    expect(await store.putFile('moved', source)).toEqual({ size: 5 });
    expect(fs.existsSync(source)).toBe(false);
    for (const key of ['..', '.hidden', 'a/b', 'a b', '', 'x'.repeat(201)]) expect(isContentKey(key), key).toBe(false);
  });
});

describe('upload limits', () => {
  it('cap each file at the size the server is given, the shared default otherwise', () => {
    expect(uploadOptions().limits.fileSize).toBe(UPLOAD_LIMITS.fileSize);
    expect(uploadOptions(5 * 1024 * 1024).limits).toEqual({ ...UPLOAD_LIMITS, fileSize: 5 * 1024 * 1024 });
  });
});
