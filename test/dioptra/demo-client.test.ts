// A replay of the requests Dioptra's demo and test client (`TestbedAPIClient` / `DioptraClient`) sends:
// forms posted with `requests` to the collection URLs with their trailing slash, lookups built with posixpath
// joins, lock and unlock by queue name with no body, and jobs and plugin packages posted as multipart forms
// with the archive as a file part. It reads the JSON of every answer, so each must be JSON in the shape it
// expects.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(PROVIDERS)("Dioptra's demo client against Pipeloom on %s", (provider) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(provider);
  });
  afterAll(async () => t?.close());

  /** What `requests.<method>(url, data=...)` puts on the wire, then `.json()`. */
  async function requests(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, data?: Record<string, string>) {
    const headers: Record<string, string> = { 'user-agent': 'python-requests/2.28.1', 'accept-encoding': 'gzip, deflate', accept: '*/*', connection: 'keep-alive' };
    let body: string | undefined;
    if (data) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(data).toString();
    } else if (method === 'PUT' || method === 'DELETE' || method === 'POST') {
      headers['content-length'] = '0';
    }
    const r = await fetch(`${t.url}/api/${path}`, { method, headers, body });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    return r.json() as Promise<Record<string, unknown> & Array<Record<string, unknown>>>;
  }

  it('registers, fetches and lists experiments', async () => {
    const registered = await requests('POST', 'experiment/', { name: 'mnist' });
    expect(registered).toMatchObject({ experimentId: expect.any(Number), name: 'mnist' });
    expect(await requests('GET', `experiment/${registered.experimentId}`)).toEqual(registered);
    expect(await requests('GET', 'experiment/name/mnist')).toEqual(registered);
    expect(await requests('GET', 'experiment/')).toEqual([registered]);
  });

  it('registers the default queue, locks and unlocks it by name, and lists it', async () => {
    const queue = await requests('POST', 'queue/', { name: 'tensorflow_cpu' });
    expect(queue).toMatchObject({ queueId: 1, name: 'tensorflow_cpu' });
    expect(await requests('GET', 'queue/1')).toEqual(queue);
    expect(await requests('GET', 'queue/name/tensorflow_cpu')).toEqual(queue);
    expect(await requests('PUT', 'queue/name/tensorflow_cpu/lock')).toEqual({ status: 'Success', name: ['tensorflow_cpu'] });
    expect(await requests('GET', 'queue/')).toEqual([]);
    expect(await requests('DELETE', 'queue/name/tensorflow_cpu/lock')).toEqual({ status: 'Success', name: ['tensorflow_cpu'] });
    expect(await requests('GET', 'queue/')).toEqual([queue]);
  });

  it('gets a JSON error body it can read when registering twice', async () => {
    expect(await requests('POST', 'queue/', { name: 'tensorflow_cpu' })).toMatchObject({
      message: 'Bad Request - The queue registration form contains invalid parameters. Please verify and resubmit.',
    });
  });
});

describe.each(PROVIDERS)('later Dioptra clients that post registrations as JSON, on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(provider);
  });
  afterAll(async () => t?.close());

  const postJson = async (path: string, json: unknown) => {
    const r = await fetch(`${t.url}/api/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };

  it('registers experiments and queues from a JSON body, as Flask-WTF forms accept it', async () => {
    expect(await postJson('experiment/', { name: 'Json Experiment' })).toMatchObject({ status: 200, body: { experimentId: 1, name: 'json-experiment' } });
    expect(await postJson('queue/', { name: 'tensorflow_cpu' })).toMatchObject({ status: 200, body: { queueId: 1, name: 'tensorflow_cpu' } });
  });

  it('answers a JSON body without a name with the registration sentence', async () => {
    expect(await postJson('queue/', {})).toMatchObject({ status: 400, body: { message: 'Bad Request - The queue registration form contains invalid parameters. Please verify and resubmit.' } });
  });
});

/** A gzip'd tar holding one file, made with the `tar` package from a temporary folder. */
function pluginTarGz(name: string, content: string): Buffer {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dioptra-plugin-'));
  try {
    fs.mkdirSync(path.join(dir, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
    const file = path.join(dir, 'plugin.tar.gz');
    tar.create({ gzip: true, cwd: dir, file, sync: true, portable: true }, [name.split('/')[0]!]);
    return fs.readFileSync(file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The body `requests.post(url, data=form, files={field: (name, f)})` sends: the form's text parts in order,
 * then the file part with its name and no content type of its own, under a 32-hex-digit boundary.
 */
function requestsMultipart(form: Record<string, string>, file: { field: string; name: string; content: Buffer }) {
  const boundary = crypto.randomBytes(16).toString('hex');
  const parts: Buffer[] = Object.entries(form).map(([k, v]) => Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n\r\n`), file.content, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(PROVIDERS)("Dioptra's demo client submitting jobs and plugins on %s", (provider) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(provider);
    for (const [what, name] of [['experiment', 'mnist'], ['queue', 'tensorflow_cpu']] as const) {
      await fetch(`${t.url}/api/${what}/`, { method: 'POST', body: new URLSearchParams({ name }) });
    }
  });
  afterAll(async () => t?.close());

  async function post(path: string, form: Record<string, string>, file: { field: string; name: string; content: Buffer }) {
    const { body, contentType } = requestsMultipart(form, file);
    const r = await fetch(`${t.url}/api/${path}`, { method: 'POST', headers: { 'user-agent': 'python-requests/2.28.1', 'content-type': contentType }, body });
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  const archive = { field: 'workflow', name: 'workflows.tar.gz', content: zlib.gzipSync(Buffer.alloc(1024)) };

  it('submits a job with submit_job\'s form (timeout 24h by default) and reads it back with get_job_by_id and list_jobs', async () => {
    const submitted = await post('job/', { experiment_name: 'mnist', queue: 'tensorflow_cpu', timeout: '24h', entry_point: 'train', entry_point_kwargs: '-P epochs=1' }, archive);
    expect(submitted).toMatchObject({
      status: 200,
      body: { jobId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 'queued', mlflowRunId: null, timeout: '24h', entryPoint: 'train', entryPointKwargs: '-P epochs=1', dependsOn: null, experimentId: 1, queueId: 1 },
    });
    const id = submitted.body.jobId as string;
    const child = await post('job/', { experiment_name: 'mnist', queue: 'tensorflow_cpu', timeout: '24h', entry_point: 'train', depends_on: id }, archive);
    expect(child.body).toMatchObject({ dependsOn: id, entryPointKwargs: null });
    expect(await (await fetch(`${t.url}/api/job/${id}`)).json()).toEqual(submitted.body);
    expect(((await (await fetch(`${t.url}/api/job/`)).json()) as unknown[]).length).toBe(2);
  });

  it('gets the submission sentence for a queue it never registered', async () => {
    expect(await post('job/', { experiment_name: 'mnist', queue: 'pytorch_gpu', timeout: '24h', entry_point: 'train' }, archive)).toEqual({
      status: 400,
      body: { message: 'Bad Request - The job submission form contains invalid parameters. Please verify and resubmit.', code: expect.any(String) },
    });
  });

  it('uploads a custom plugin package with upload_custom_plugin_package\'s form', async () => {
    const uploaded = await post('taskPlugin/', { task_plugin_name: 'noise', collection: 'dioptra_custom' }, { field: 'task_plugin_file', name: 'noise.tar.gz', content: pluginTarGz('noise/gaussian.py', 'def add_noise(x):\n    return x\n') });
    expect(uploaded).toEqual({ status: 200, body: { taskPluginName: 'noise', collection: 'dioptra_custom', modules: ['gaussian.py'] } });
  });
});
