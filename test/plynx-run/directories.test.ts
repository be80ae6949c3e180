// `directory` resources: zip archives unpacked on input and packed on output, safe against archives that
// try to write outside their directory.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPlynxNode, unzipSafely, zipDirectory } from '../../packages/sdk/src/plynx-run/index.ts';
import { MemoryStore, operation, rawZip, tempDir, type RawZipEntry } from './helpers.ts';

const dirs: string[] = [];
function scratch(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Every file below `dir` with its text, and whether it is executable. */
function listing(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }).map(String).sort()) {
    const full = path.join(dir, name);
    const stat = fs.statSync(full);
    found[name] = stat.isDirectory() ? '<dir>' : `${fs.readFileSync(full, 'utf8')}${stat.mode & 0o100 ? ' (x)' : ''}`;
  }
  return found;
}

const copyDirectory = operation({
  cmd: "cp -R {{ input['data'] }}/. {{ output['data'] }}/\necho added > {{ output['data'] }}/added.txt\n",
  inputs: [{ name: 'data', fileTypes: ['directory'], resourceIds: [], minCount: 1, maxCount: 1 }],
  outputs: [{ name: 'data', fileType: 'directory' }],
});

function withInput(archive: string) {
  return { ...copyDirectory, inputs: [{ ...copyDirectory.inputs![0]!, values: [{ node_id: 'a', output_id: 'out', resource_id: archive }] }] };
}

describe('directory resources', () => {
  it('unzips a directory input and zips the directory output (round trip)', async () => {
    const source = scratch();
    fs.mkdirSync(path.join(source, 'sub/empty'), { recursive: true });
    fs.writeFileSync(path.join(source, 'sub/a.txt'), 'alpha');
    fs.writeFileSync(path.join(source, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const zipped = path.join(scratch(), 'in.zip');
    await zipDirectory(source, zipped);
    const store = new MemoryStore();
    const result = await runPlynxNode(withInput(store.put(fs.readFileSync(zipped))), store.io, { workRoot: scratch() });
    expect(result.status).toBe('SUCCESS');

    const outZip = path.join(scratch(), 'out.zip');
    fs.writeFileSync(outZip, store.resources.get(result.outputs.data!)!);
    const unpacked = path.join(scratch(), 'out');
    await unzipSafely(outZip, unpacked);
    expect(listing(unpacked)).toEqual({
      'added.txt': 'added\n',
      'run.sh': '#!/bin/sh\n (x)',
      sub: '<dir>',
      'sub/a.txt': 'alpha',
      'sub/empty': '<dir>',
    });
  });

  const unsafe: [string, RawZipEntry[], RegExp][] = [
    ['an entry climbing out with ..', [{ name: 'ok.txt', data: 'fine' }, { name: '../evil', data: 'pwned' }], /\.\.\/evil|invalid relative path/],
    ['an absolute entry path', [{ name: '/tmp/evil-absolute', data: 'pwned' }], /absolute/],
    ['a symbolic link', [{ name: 'link', data: '/etc/passwd', mode: 0o120777 }], /not a plain file or directory/],
    ['a name given twice', [{ name: 'a', data: '1' }, { name: 'a', data: '2' }], /same name twice/],
  ];
  for (const [what, entries, message] of unsafe) {
    it(`refuses a directory input with ${what}: FAILED with a clear reason, nothing written outside`, async () => {
      const store = new MemoryStore();
      const root = scratch();
      const result = await runPlynxNode(withInput(store.put(rawZip(entries))), store.io, { workRoot: root });
      expect(result).toMatchObject({ status: 'FAILED', failure: 'input', outputs: {} });
      expect(result.reason).toMatch(/^directory input `data` \(resource [^)]+\) was refused: /);
      expect(result.reason).toMatch(message);
      expect(fs.readdirSync(root)).toEqual([]);
      expect(fs.existsSync('/tmp/evil-absolute')).toBe(false);
      expect(store.text(result.logs.worker)).toContain('was refused');
    });
  }

  it('caps the number of entries and the bytes an archive unpacks to', async () => {
    const archive = path.join(scratch(), 'big.zip');
    fs.writeFileSync(archive, rawZip([{ name: 'a', data: 'x'.repeat(100) }, { name: 'b', data: 'y'.repeat(100) }, { name: 'c/' , mode: 0o040755 }]));
    await expect(unzipSafely(archive, path.join(scratch(), 'one'), { maxEntries: 2 })).rejects.toThrow('more than 2 entries');
    await expect(unzipSafely(archive, path.join(scratch(), 'two'), { maxBytes: 150 })).rejects.toThrow('more bytes than allowed');
    await unzipSafely(archive, path.join(scratch(), 'three'), { maxEntries: 3, maxBytes: 200 });
  });

  it('refuses a file that is not a zip archive', async () => {
    const store = new MemoryStore();
    const result = await runPlynxNode(withInput(store.put('not a zip')), store.io, { workRoot: scratch() });
    expect(result).toMatchObject({ status: 'FAILED', failure: 'input' });
    expect(result.reason).toContain('not a readable zip archive');
  });

  it('leaves symbolic links out of a zipped output', async () => {
    const source = scratch();
    fs.writeFileSync(path.join(source, 'real.txt'), 'r');
    fs.symlinkSync('/etc/passwd', path.join(source, 'link'));
    const zipped = path.join(scratch(), 'out.zip');
    await zipDirectory(source, zipped);
    const unpacked = path.join(scratch(), 'u');
    await unzipSafely(zipped, unpacked);
    expect(listing(unpacked)).toEqual({ 'real.txt': 'r' });
  });
});
