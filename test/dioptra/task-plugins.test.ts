// Dioptra task plugins: builtins read from the operator's folder, custom packages uploaded as tar.gz or zip
// archives and kept as their `.py` modules flattened by base name, listed, fetched and deleted in upstream's
// shapes; a taken name, a wrong collection or file kind get upstream's errors; hostile archives (escaping
// paths, links, a 1 GB bomb) are refused and leave nothing behind.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { dioptraHttp, type Answer } from './http.ts';

const API = '/api/taskPlugin';
const BUILTINS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/dioptra-builtins');
const MESSAGES = {
  notFound: 'Not Found - The requested task plugin package does not exist',
  exists: 'Bad Request - The names of one or more of the uploaded task plugin packages conflicts with an existing package in the collection. To update an existing task plugin package, delete it first and then resubmit.',
  upload: 'Bad Request - The task plugin upload form contains invalid parameters. Please verify and resubmit.',
};
const notFound = { status: 404, body: { message: MESSAGES.notFound, code: 'DOCUMENT_NOT_FOUND' } };

/** One ustar header block and the file's padded content. */
function tarEntry(name: string, content: Buffer | string = '', { type = '0', link = '', size }: { type?: string; link?: string; size?: number } = {}): Buffer {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'latin1');
  field(0, 100, name);
  field(100, 8, '0000644\0');
  field(108, 8, '0000000\0');
  field(116, 8, '0000000\0');
  field(124, 12, `${(size ?? data.length).toString(8).padStart(11, '0')}\0`);
  field(136, 12, '00000000000\0');
  field(148, 8, '        ');
  field(156, 1, type);
  field(157, 100, link);
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  let sum = 0;
  for (const b of header) sum += b;
  field(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return Buffer.concat([header, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}

const tarGz = (...entries: Buffer[]) => zlib.gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)]));

async function zipOf(files: Record<string, string>, options: Record<string, Partial<yazl.Options>> = {}): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, content] of Object.entries(files)) zip.addBuffer(Buffer.from(content), name, options[name]);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const c of zip.outputStream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** yazl refuses `..` in names, so the entry is written under a same-length stand-in that is then swapped in. */
function withNameSwapped(zip: Buffer, standIn: string, name: string): Buffer {
  const from = Buffer.from(standIn);
  const to = Buffer.from(name);
  const out = Buffer.from(zip);
  for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + 1)) to.copy(out, at);
  return out;
}

/** A gzip'd tar whose one entry unpacks to 1 GiB of zeros, built as a stream (about 1 MB compressed). */
async function bomb(): Promise<Buffer> {
  const size = 1024 * 1024 * 1024;
  const gzip = zlib.createGzip({ level: 1 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gzip.on('end', resolve));
  gzip.write(tarEntry('bomb/zeros.py', '', { size }).subarray(0, 512));
  const zeros = Buffer.alloc(16 * 1024 * 1024);
  for (let written = 0; written < size; written += zeros.length) {
    if (!gzip.write(zeros)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end(Buffer.alloc(1024));
  await done;
  return Buffer.concat(out);
}

describe.each(PROVIDERS)('Dioptra task plugins on %s', (provider) => {
  let t: TestServer;
  const http = dioptraHttp(() => t.url);
  const customDir = () => path.join(t.dataDir, 'dioptra', 'task-plugins', 'dioptra_custom');

  const upload = async (fields: Record<string, string>, file?: { name: string; content: Buffer }): Promise<Answer> => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append('task_plugin_file', new Blob([new Uint8Array(file.content)]), file.name);
    const r = await fetch(`${t.url}${API}/`, { method: 'POST', body: form });
    return { status: r.status, body: await r.json() };
  };
  const custom = (name: string, fileName: string, content: Buffer) =>
    upload({ task_plugin_name: name, collection: 'dioptra_custom' }, { name: fileName, content });

  beforeAll(async () => {
    t = await startTestServer(provider, { env: { PIPELOOM_DIOPTRA_BUILTINS_DIR: BUILTINS_DIR } });
  });
  afterAll(async () => t?.close());

  it('lists the builtin packages of the configured folder with their .py modules in name order', async () => {
    const builtins = [
      { taskPluginName: 'attacks', collection: 'dioptra_builtins', modules: ['__init__.py', 'fgm.py'] },
      { taskPluginName: 'evaluation', collection: 'dioptra_builtins', modules: ['__init__.py', 'metrics.py'] },
    ];
    expect(await http.get(`${API}/dioptra_builtins`)).toEqual({ status: 200, body: builtins });
    expect(await http.get(`${API}/dioptra_builtins/attacks`)).toEqual({ status: 200, body: builtins[0] });
    expect(await http.get(`${API}/dioptra_custom`)).toEqual({ status: 200, body: [] });
    expect(await http.get(`${API}/`)).toEqual({ status: 200, body: builtins });
  });

  it('answers 404 for unknown builtins, a folder without modules, and paths that try to leave the folder', async () => {
    for (const name of ['nope', 'docs_only', '..%2Fdioptra-builtins%2Fattacks', '%2E%2E%2F..%2Fetc']) {
      expect(await http.get(`${API}/dioptra_builtins/${name}`)).toEqual(notFound);
    }
  });

  it('does not delete builtins: there is no such route', async () => {
    expect((await http.del(`${API}/dioptra_builtins/attacks`)).status).toBe(405);
    expect((await http.get(`${API}/dioptra_builtins/attacks`)).status).toBe(200);
  });

  it('uploads a tar.gz flattened by base name to its .py modules, later files replacing earlier ones', async () => {
    const archive = tarGz(
      tarEntry('noise_attacks/', '', { type: '5' }),
      tarEntry('noise_attacks/__init__.py', ''),
      tarEntry('noise_attacks/sub/gaussian.py', 'old = 1\n'),
      tarEntry('noise_attacks/gaussian.py', 'new = 2\n'),
      tarEntry('noise_attacks/README.md', '# not a module\n'),
    );
    expect(await custom('noise_attacks', 'noise_attacks.tar.gz', archive)).toEqual({
      status: 200,
      body: { taskPluginName: 'noise_attacks', collection: 'dioptra_custom', modules: ['__init__.py', 'gaussian.py'] },
    });
    expect(await http.get(`${API}/dioptra_custom/noise_attacks`)).toEqual({
      status: 200,
      body: { taskPluginName: 'noise_attacks', collection: 'dioptra_custom', modules: ['__init__.py', 'gaussian.py'] },
    });
    expect(fs.readFileSync(path.join(customDir(), 'noise_attacks', 'gaussian.py'), 'utf8')).toBe('new = 2\n');
    expect(fs.readdirSync(customDir())).toEqual(['noise_attacks']);
  });

  it('uploads a zip the same way, and lists builtins first then customs in name order', async () => {
    const archive = await zipOf({ 'pkg/__init__.py': '', 'pkg/tasks/clean.py': 'x = 1\n', 'pkg/data.csv': 'a,b\n' });
    expect(await custom('cleaning', 'cleaning.zip', archive)).toEqual({
      status: 200,
      body: { taskPluginName: 'cleaning', collection: 'dioptra_custom', modules: ['__init__.py', 'clean.py'] },
    });
    const all = (await http.get(`${API}/`)).body as Array<{ taskPluginName: string; collection: string }>;
    expect(all.map((p) => `${p.collection}/${p.taskPluginName}`)).toEqual([
      'dioptra_builtins/attacks', 'dioptra_builtins/evaluation', 'dioptra_custom/cleaning', 'dioptra_custom/noise_attacks',
    ]);
  });

  it('accepts a plain tar named .tar and an archive without modules, which then does not exist', async () => {
    const plain = Buffer.concat([tarEntry('m.py', 'y = 2\n'), Buffer.alloc(1024)]);
    expect((await custom('plain', 'plain.tar', plain)).body).toMatchObject({ modules: ['m.py'] });
    expect(await custom('empty', 'empty.tgz', tarGz(tarEntry('notes.txt', 'hi')))).toEqual({
      status: 200,
      body: { taskPluginName: 'empty', collection: 'dioptra_custom', modules: [] },
    });
    expect(await http.get(`${API}/dioptra_custom/empty`)).toEqual(notFound);
  });

  it('refuses a name already taken in the collection with TaskPluginAlreadyExistsError', async () => {
    expect(await custom('noise_attacks', 'again.tar.gz', tarGz(tarEntry('other.py', '')))).toEqual({
      status: 400,
      body: { message: MESSAGES.exists, code: 'INVALID_ARGUMENT' },
    });
    expect((await http.get(`${API}/dioptra_custom/noise_attacks`)).body).toMatchObject({ modules: ['__init__.py', 'gaussian.py'] });
  });

  it('refuses another collection, a missing field or file, and a file kind outside tar/tgz/bz2/gz/xz/zip with TaskPluginUploadError', async () => {
    const file = { name: 'p.tar.gz', content: tarGz(tarEntry('p.py', '')) };
    const uploadError = { status: 400, body: expect.objectContaining({ message: MESSAGES.upload }) };
    expect(await upload({ task_plugin_name: 'p', collection: 'dioptra_builtins' }, file)).toEqual(uploadError);
    expect(await upload({ task_plugin_name: 'p' }, file)).toEqual(uploadError);
    expect(await upload({ collection: 'dioptra_custom' }, file)).toEqual(uploadError);
    expect(await upload({ task_plugin_name: 'p', collection: 'dioptra_custom' })).toEqual(uploadError);
    expect(await upload({ task_plugin_name: 'p', collection: 'dioptra_custom' }, { name: 'p.rar', content: file.content })).toEqual(uploadError);
    expect(await upload({ task_plugin_name: 'p', collection: 'dioptra_custom' }, { name: 'archive', content: file.content })).toEqual(uploadError);
    expect(await http.get(`${API}/dioptra_custom/p`)).toEqual(notFound);
  });

  it('refuses names that cannot name a package folder, and bzip2/xz archives, with a clear 400', async () => {
    const file = { name: 'p.tar.gz', content: tarGz(tarEntry('p.py', '')) };
    for (const name of ['../escape', 'a/b', '.hidden', 'spaced name']) {
      const r = await upload({ task_plugin_name: name, collection: 'dioptra_custom' }, file);
      expect(r).toMatchObject({ status: 400, body: { code: 'INVALID_ARGUMENT' } });
      expect((r.body as { message: string }).message).toContain(MESSAGES.upload);
    }
    const bz2 = await custom('bz', 'p.tar.bz2', Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(64)]));
    expect(bz2).toEqual({ status: 400, body: { message: expect.stringContaining('bzip2-compressed archives are not supported'), code: 'INVALID_ARGUMENT' } });
    const xz = await custom('xz', 'p.tar.xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.alloc(64)]));
    expect(xz).toEqual({ status: 400, body: { message: expect.stringContaining('xz-compressed archives are not supported'), code: 'INVALID_ARGUMENT' } });
    const garbage = await custom('garbage', 'p.tar.gz', Buffer.from('this is not an archive at all'.repeat(40)));
    expect(garbage).toMatchObject({ status: 400, body: { message: expect.stringContaining('The task plugin archive was refused') } });
  });

  it('refuses hostile archives (../ entries, absolute paths, links out, a 1 GB bomb) and writes nothing anywhere', async () => {
    const marker = `pipeloom-escape-${crypto.randomBytes(4).toString('hex')}`;
    const outside = path.join(os.tmpdir(), `${marker}.py`);
    const escapes = /^the archive entry ".*" points outside the archive$/;
    const link = /^the archive entry ".*" is a link$/;
    const hostile: Array<[string, string, Buffer, RegExp]> = [
      ['dotdot', 'dotdot.tar.gz', tarGz(tarEntry('ok.py', ''), tarEntry(`../../${marker}.py`, 'import os\n')), escapes],
      ['absolute', 'absolute.tar.gz', tarGz(tarEntry(outside, 'import os\n')), escapes],
      ['symlink', 'symlink.tar.gz', tarGz(tarEntry('link.py', '', { type: '2', link: '/etc/passwd' })), link],
      ['hardlink', 'hardlink.tar.gz', tarGz(tarEntry('hard.py', '', { type: '1', link: '../../etc/passwd' })), link],
      ['zipdotdot', 'zipdotdot.zip', withNameSwapped(await zipOf({ 'ok.py': '', [`x/QQ/QQ/${marker}.py`]: 'import os\n' }), 'QQ/QQ', '../..'), /^the archive cannot be read \(invalid relative path: x\/\.\.\/\.\.\/.*\)$/],
      ['ziplink', 'ziplink.zip', await zipOf({ 'link.py': '/etc/passwd' }, { 'link.py': { mode: 0o120777 } }), link],
      ['bomb', 'bomb.tar.gz', await bomb(), /^the archive unpacks to more than \d+ bytes$/],
    ];
    const prefix = 'Bad Request - The task plugin archive was refused: ';
    for (const [name, fileName, content, reason] of hostile) {
      const r = await custom(name, fileName, content);
      expect(r.status, name).toBe(400);
      const message = (r.body as { message: string }).message;
      expect(message.startsWith(prefix) && message.endsWith('.'), message).toBe(true);
      expect(message.slice(prefix.length, -1), name).toMatch(reason);
      expect(await http.get(`${API}/dioptra_custom/${name}`)).toEqual(notFound);
    }
    expect(fs.existsSync(outside)).toBe(false);
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.includes(marker))).toEqual([]);
    expect(fs.readdirSync(customDir()).sort()).toEqual(['cleaning', 'noise_attacks', 'plain']);
  }, 60_000);

  it('deletes a custom package once, answering its name, then an empty list', async () => {
    expect(await http.del(`${API}/dioptra_custom/noise_attacks`)).toEqual({
      status: 200,
      body: { status: 'Success', collection: 'dioptra_custom', taskPluginName: ['noise_attacks'] },
    });
    expect(await http.del(`${API}/dioptra_custom/noise_attacks`)).toEqual({
      status: 200,
      body: { status: 'Success', collection: 'dioptra_custom', taskPluginName: [] },
    });
    expect(await http.get(`${API}/dioptra_custom/noise_attacks`)).toEqual(notFound);
    expect(await http.del(`${API}/dioptra_custom/..%2Fcleaning`)).toMatchObject({ status: 200, body: { taskPluginName: [] } });
  });

  it('takes a deleted name again, as upstream updates a package', async () => {
    const r = await custom('noise_attacks', 'v2.zip', await zipOf({ 'noise_attacks/__init__.py': '', 'noise_attacks/uniform.py': '' }));
    expect(r).toEqual({ status: 200, body: { taskPluginName: 'noise_attacks', collection: 'dioptra_custom', modules: ['__init__.py', 'uniform.py'] } });
  });
});
