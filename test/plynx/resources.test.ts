// PLynx files and resources end to end through the real server: upload_file (POST and PUT) and POST /resource
// store what they receive and answer PLynx's shapes, resources come back byte for byte on both download
// paths, previews render per file type with everything escaped, and bad requests are clear 4xx answers.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UPLOAD_DIR } from '../../packages/server/src/http/uploads.ts';
import { startServer, type RunningServer } from '../../packages/server/src/index.ts';
import { userObjectId } from '../../packages/server/src/plynx/model/users.ts';
import { rawZip } from '../plynx-run/helpers.ts';
import { createTestDatabase, PROVIDERS, startTestServer, type TestDatabase, type TestServer } from '../helpers/server.ts';

const API = '/plynx/api/v0';
const V1_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Part {
  name: string;
  value: string | Uint8Array;
  /** Sent as a file part when given. */
  filename?: string;
}

function form(parts: Part[]): FormData {
  const body = new FormData();
  for (const p of parts) {
    if (p.filename !== undefined) body.append(p.name, new Blob([typeof p.value === 'string' ? p.value : new Uint8Array(p.value)]), p.filename);
    else body.append(p.name, typeof p.value === 'string' ? p.value : Buffer.from(p.value).toString());
  }
  return body;
}

describe.each(PROVIDERS)('PLynx files and resources on %s', (provider) => {
  let t: TestServer;
  const url = (p: string) => `${t.url}${API}${p}`;

  async function upload(parts: Part[], method: 'POST' | 'PUT' = 'POST', to = '/upload_file') {
    const res = await fetch(url(to), { method, body: form(parts) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function uploadFile(data: string | Uint8Array, fields: Record<string, string> = {}) {
    const { status, body } = await upload([{ name: 'data', value: data, filename: 'upload.bin' }, ...Object.entries(fields).map(([name, value]) => ({ name, value }))]);
    expect(status, JSON.stringify(body)).toBe(200);
    return body as { status: string; resource_id: string; node: Record<string, unknown> };
  }

  async function preview(resourceId: string, fileType?: string) {
    const query = new URLSearchParams({ preview: 'true', ...(fileType ? { file_type: fileType } : {}) });
    const res = await fetch(url(`/resource/${resourceId}?${query}`));
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }

  const storedKeys = () => fs.readdirSync(path.join(t.dataDir, 'content')).filter((f) => !f.startsWith('.'));

  beforeAll(async () => {
    t = await startTestServer(provider);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('When a binary file is uploaded, then it comes back byte for byte from /resource and /resources with its length', async () => {
    const bytes = crypto.randomBytes(300_000);
    bytes.set(Array.from({ length: 256 }, (_, i) => i), 0);
    const { resource_id } = await uploadFile(bytes, { title: 'Blob', file_type: 'file' });
    for (const route of ['/resource/', '/resources/']) {
      const res = await fetch(url(`${route}${resource_id}`));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/octet-stream');
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('When upload_file succeeds, then it answers the resource id and a saved READY File node in PLynx key order', async () => {
    const body = await uploadFile('host,hits\nalpha,12\n', { title: 'March hits', description: 'Hits per host', file_type: 'csv' });
    expect(body.status).toBe('SUCCESS');
    expect(body.resource_id).toMatch(V1_UUID);
    const node = body.node;
    expect(Object.keys(node)).toEqual([
      '_id', 'title', 'description', 'base_node_name', 'parent_node', 'successor_node', 'inputs', 'outputs',
      'parameters', 'logs', 'node_running_status', 'node_status', 'cache_url', 'x', 'y', 'author', 'starred',
    ]);
    expect(node).toMatchObject({
      title: 'March hits',
      description: 'Hits per host',
      base_node_name: 'file',
      parent_node: null,
      successor_node: null,
      inputs: [],
      outputs: [{ name: 'out', file_type: 'csv', resource_id: body.resource_id }],
      parameters: [],
      logs: [],
      node_running_status: 'STATIC',
      node_status: 'READY',
      author: userObjectId('default'),
      starred: false,
    });
    expect(node._id).toMatch(/^[0-9a-f]{24}$/);
    const row = await t.server.database.db.plynxNode.findUnique({ where: { id: String(node._id) } });
    expect(row).toMatchObject({ title: 'March hits', baseNodeName: 'file', nodeStatus: 'READY', authorName: 'default' });
    expect(JSON.parse(row!.document)).toEqual(node);
  });

  it('When upload_file is sent with PUT and only the data part, then the title, description and file type take their defaults', async () => {
    const { status, body } = await upload([{ name: 'data', value: '42\n', filename: 'x' }], 'PUT');
    expect(status).toBe(200);
    expect(body.node).toMatchObject({ title: '{title}', description: '{description}', outputs: [{ name: 'out', file_type: 'file' }] });
  });

  it('When a file is posted to /resource, then it is stored without a node and can be read back', async () => {
    const before = await t.server.database.db.plynxNode.count();
    const { status, body } = await upload([{ name: 'data', value: 'stdout line\n', filename: 'log' }], 'POST', '/resource');
    expect(status).toBe(200);
    expect(Object.keys(body)).toEqual(['status', 'resource_id']);
    expect(body.status).toBe('SUCCESS');
    expect(await t.server.database.db.plynxNode.count()).toBe(before);
    expect(await (await fetch(url(`/resource/${String(body.resource_id)}`))).text()).toBe('stdout line\n');
  });

  it('When the file type is unknown, then upload_file answers 400 and stores nothing', async () => {
    const before = storedKeys().length;
    const { status, body } = await upload([{ name: 'data', value: 'x', filename: 'x' }, { name: 'file_type', value: 'spreadsheet' }]);
    expect(status).toBe(400);
    expect(body).toMatchObject({ status: 'failed', message: 'Unknown file type `spreadsheet`' });
    expect(storedKeys().length).toBe(before);
  });

  it('When the data part is missing, sent as text or sent twice, then the upload answers 400', async () => {
    for (const to of ['/upload_file', '/resource']) {
      const missing = await upload([{ name: 'title', value: 'No file' }], 'POST', to);
      expect(missing.status).toBe(400);
      expect(missing.body.status).toBe('failed');
      const asText = await upload([{ name: 'data', value: 'not a file part' }], 'POST', to);
      expect(asText.status).toBe(400);
      const twice = await upload([{ name: 'data', value: 'a', filename: 'a' }, { name: 'data', value: 'b', filename: 'b' }], 'POST', to);
      expect(twice.status).toBe(400);
      expect(twice.body.status).toBe('failed');
      const other = await upload([{ name: 'data', value: 'a', filename: 'a' }, { name: 'extra', value: 'b', filename: 'b' }], 'POST', to);
      expect(other.status).toBe(400);
    }
  });

  it('When a resource does not exist or its id is not a plain name, then both paths answer 404 in PLynx shape', async () => {
    for (const id of ['0c7b7d3a-0000-11ee-8000-000000000000', '..', '.hidden', 'a%20b', '..%2F..%2Fetc%2Fpasswd']) {
      for (const route of ['/resource/', '/resources/']) {
        for (const query of ['', '?preview=true&file_type=file']) {
          const res = await fetch(url(`${route}${id}${query}`));
          expect(res.status, `${route}${id}${query}`).toBe(404);
          expect(await res.json()).toMatchObject({ status: 'failed' });
        }
      }
    }
  });

  it('When a preview is asked for without a file type, or with an unknown one, then the answer is 400', async () => {
    const { resource_id } = await uploadFile('text');
    const without = await preview(resource_id);
    expect(without.status).toBe(400);
    expect(JSON.parse(without.text)).toMatchObject({ status: 'failed', message: 'In preview mode `file_type` must be specified' });
    const unknown = await preview(resource_id, 'spreadsheet');
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.text)).toMatchObject({ status: 'failed', message: 'Unknown file type `spreadsheet`' });
  });

  it('When a plain file is previewed, then it is shown escaped in <pre> as text/html', async () => {
    const { resource_id } = await uploadFile('<script>alert("x")</script> & more\n');
    const p = await preview(resource_id, 'file');
    expect(p.status).toBe(200);
    expect(p.type).toMatch(/^text\/html/);
    expect(p.text).toBe('<pre>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more\n</pre>');
  });

  it('When a file larger than a megabyte is previewed, then only its first megabyte is shown', async () => {
    const { resource_id } = await uploadFile('a'.repeat(1024 * 1024 + 10));
    const p = await preview(resource_id, 'executable');
    expect(p.text).toBe(`<pre>${'a'.repeat(1024 * 1024)}</pre>`);
  });

  it('When csv and tsv files are previewed, then they become tables with alternating row classes and escaped cells', async () => {
    const csv = await uploadFile('host,hits\n<b>alpha</b>,12\nbeta,7', { file_type: 'csv' });
    expect((await preview(csv.resource_id, 'csv')).text).toBe(
      '<table class="preview-table">'
      + '<tr class="preview-table-row-even"><td class="preview-table-col">host</td><td class="preview-table-col">hits</td></tr>\n'
      + '<tr class="preview-table-row-odd"><td class="preview-table-col">&lt;b&gt;alpha&lt;/b&gt;</td><td class="preview-table-col">12</td></tr>\n'
      + '<tr class="preview-table-row-even"><td class="preview-table-col">beta</td><td class="preview-table-col">7</td></tr>'
      + '</table>',
    );
    const tsv = await uploadFile('a\tb,c\n', { file_type: 'tsv' });
    expect((await preview(tsv.resource_id, 'tsv')).text).toBe(
      '<table class="preview-table">'
      + '<tr class="preview-table-row-even"><td class="preview-table-col">a</td><td class="preview-table-col">b,c</td></tr>\n'
      + '<tr class="preview-table-row-odd"><td class="preview-table-col"></td></tr>'
      + '</table>',
    );
  });

  it('When a json file is previewed, then it is pretty-printed as Python does, keys and numbers as written, and escaped', async () => {
    const { resource_id } = await uploadFile('{"b": [1, 2.50, {}], "2": "<é>", "a": {"x": null, "big": 12345678901234567890}, "e": []}', { file_type: 'json' });
    expect((await preview(resource_id, 'json')).text).toBe(
      '<pre>{\n  &quot;b&quot;: [\n    1,\n    2.50,\n    {}\n  ],\n  &quot;2&quot;: &quot;&lt;\\u00e9&gt;&quot;,\n'
      + '  &quot;a&quot;: {\n    &quot;x&quot;: null,\n    &quot;big&quot;: 12345678901234567890\n  },\n  &quot;e&quot;: []\n}</pre>',
    );
    const broken = await uploadFile('{"a": <oops>}', { file_type: 'json' });
    const p = await preview(broken.resource_id, 'json');
    expect(p.status).toBe(200);
    expect(p.text).toMatch(/^Failed to parse json: /);
    expect(p.text).not.toContain('<oops>');
  });

  it('When images and PDFs are previewed, then the snippet points back at the resource on this server', async () => {
    const { resource_id } = await uploadFile(Buffer.from([0x89, 0x50, 0x4e, 0x47]), { file_type: 'image' });
    expect((await preview(resource_id, 'image')).text).toBe(`<img src="${t.url}${API}/resource/${resource_id}" width="100%" alt="preview" />`);
    expect((await preview(resource_id, 'pdf')).text).toBe(`<iframe src="${t.url}${API}/resource/${resource_id}" title="preview" type="application/pdf" width="100%"/>`);
  });

  it('When a zipped directory is previewed, then its entry names are listed, escaped', async () => {
    const zip = rawZip([{ name: 'data/' }, { name: 'data/a.txt', data: 'alpha' }, { name: 'data/<b>.csv', data: 'x,y\n' }]);
    const { resource_id } = await uploadFile(zip, { file_type: 'directory' });
    expect((await preview(resource_id, 'directory')).text).toBe('<pre>data/\ndata/a.txt\ndata/&lt;b&gt;.csv</pre>');
    const notZip = await uploadFile('plain text', { file_type: 'directory' });
    const p = await preview(notZip.resource_id, 'directory');
    expect(p.status).toBe(200);
    expect(p.text).toMatch(/^Failed to read the zip archive: /);
  });

  it('When a cloud-storage file is previewed, then its path becomes a link, and only for object URLs', async () => {
    const s3 = await uploadFile(JSON.stringify({ path: 's3://bucket/run/"x"' }), { file_type: 'cloud-storage' });
    expect((await preview(s3.resource_id, 'cloud-storage')).text).toBe('<a href="s3://bucket/run/&quot;x&quot;">s3://bucket/run/&quot;x&quot;</a>');
    const script = await uploadFile(JSON.stringify({ path: 'javascript:alert(1)' }), { file_type: 'cloud-storage' });
    expect((await preview(script.resource_id, 'cloud-storage')).text).toBe('<pre>javascript:alert(1)</pre>');
  });
});

describe.each(PROVIDERS)('PLynx upload size limit on %s', (provider) => {
  let database: TestDatabase;
  let server: RunningServer;
  let dataDir: string;
  const LIMIT = 64 * 1024;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    dataDir = fs.mkdtempSync(path.join(UPLOAD_DIR, '..', 'pipeloom-data-'));
    server = await startServer({
      dataDir, port: 0, host: '127.0.0.1', databaseUrl: database.url, logLevel: 'silent', tokens: [],
      families: { plynx: { uploadMaxBytes: LIMIT } }, validateResponses: true,
    });
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('When a file is larger than the configured limit, then upload_file and /resource answer 413, store nothing and remove the temporary file', async () => {
    const size = LIMIT + 12_345;
    const tooLarge = (p: string) => p !== '' && fs.existsSync(p) && fs.statSync(p).size === size;
    for (const to of ['/upload_file', '/resource']) {
      const res = await fetch(`${server.url}${API}${to}`, { method: 'POST', body: form([{ name: 'data', value: Buffer.alloc(size, 7), filename: 'big' }]) });
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ status: 'failed', code: 'PAYLOAD_TOO_LARGE' });
    }
    expect(fs.readdirSync(path.join(dataDir, 'content'))).toEqual([]);
    expect(await server.database.db.plynxNode.count()).toBe(0);
    await vi.waitFor(() => expect(fs.readdirSync(UPLOAD_DIR).map((f) => path.join(UPLOAD_DIR, f)).filter(tooLarge)).toEqual([]));
    // A file at the limit is still accepted.
    const ok = await fetch(`${server.url}${API}/resource`, { method: 'POST', body: form([{ name: 'data', value: Buffer.alloc(LIMIT, 7), filename: 'ok' }]) });
    expect(ok.status).toBe(200);
  });
});
