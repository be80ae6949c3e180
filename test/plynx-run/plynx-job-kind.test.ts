// The PLynx node job kind, driven in-process against a small HTTP fake of the execution extensions
// (start, progress, finish) and the resource endpoints. Real sockets, so uploads really go out as
// multipart streamed from disk and downloads really come in as streams; the scripts are real processes.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { FakeHttpServer, jobContext, sendJson } from '../helpers/job-kind-fakes.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import type { PlynxNode } from '../../packages/sdk/src/plynx-graph/types.ts';
import { parsePlynxNodeCommand, plynxNodeJobKind, type PlynxNodeJobKindOptions } from '../../packages/sdk/src/plynx-run/plynx-job-kind.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow, finished, nodeEval, startQueueWorker, statuses } from '../worker/helpers.ts';
import { isAlive, liveGroupMembers, operation, tempDir } from './helpers.ts';

const GRAPH = '65f2c0de9a1b4c0012ab1001';
const NODE = '65f2c0de9a1b4c0012ab3002';
const COMMAND = `plynx-node ${GRAPH} ${NODE}`;
const RUNS = `/plynx/api/v0/runs/${GRAPH}/nodes/${NODE}`;

interface Finish {
  status: 'SUCCESS' | 'FAILED' | 'CANCELED';
  outputs?: Record<string, string>;
  logs?: Record<string, string>;
  reason?: string;
}

/** The server side of one node run, with knobs for the faults a test wants. */
class FakePlynx extends FakeHttpServer {
  readonly resources = new Map<string, Buffer>();
  readonly calls: string[] = [];
  readonly progress: Record<string, string>[] = [];
  readonly finishes: Finish[] = [];
  node: PlynxNode = operation({ cmd: 'true' });
  restored = false;
  /** Answer `canceled: true` from this progress call on (1-based); never when undefined. */
  cancelFromProgress?: number;
  canceledAt?: number;
  /** Answer 503 to this many resource uploads first. */
  failUploads = 0;
  /** Answer 400 to this many SUCCESS finishes first. */
  refuseSuccess = 0;
  /** Answer 503 to this many starts first. */
  failStarts = 0;
  /** Answer 500 to every progress call. */
  failProgress = false;
  /** Where every other request goes (a real Pipeloom server), so a real worker can use this as its server. */
  upstream?: string;

  put(bytes: string): string {
    const id = randomUUID();
    this.resources.set(id, Buffer.from(bytes));
    return id;
  }

  text(id: string | undefined): string {
    const bytes = id === undefined ? undefined : this.resources.get(id);
    if (!bytes) throw new Error(`no resource ${id}`);
    return bytes.toString('utf8');
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '';
    this.calls.push(`${req.method} ${url}`);
    if (req.method === 'POST' && url === `${RUNS}/start`) {
      if (this.failStarts > 0) {
        this.failStarts -= 1;
        return sendJson(res, 503, { status: 'failed', message: 'restarting' });
      }
      return sendJson(res, 200, { status: 'success', restored: this.restored, node: this.node });
    }
    if (req.method === 'POST' && url === `${RUNS}/progress`) {
      const body = (await json(req)) as { logs: Record<string, string> };
      this.progress.push(body.logs);
      if (this.failProgress) return sendJson(res, 500, { status: 'failed', message: 'database busy' });
      const canceled = this.cancelFromProgress !== undefined && this.progress.length >= this.cancelFromProgress;
      if (canceled) this.canceledAt ??= Date.now();
      return sendJson(res, 200, { status: 'success', canceled });
    }
    if (req.method === 'POST' && url === `${RUNS}/finish`) {
      const body = (await json(req)) as Finish;
      if (body.status === 'SUCCESS' && this.refuseSuccess > 0) {
        this.refuseSuccess -= 1;
        return sendJson(res, 400, { status: 'failed', message: 'an output has no resource' });
      }
      this.finishes.push(body);
      return sendJson(res, 200, { status: 'success', message: 'Completed' });
    }
    if (req.method === 'POST' && url === '/plynx/api/v0/resource') {
      // The real multipart body, parsed as a server would.
      const form = await new Request('http://fake/', { method: 'POST', headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } as RequestInit).formData();
      if (this.failUploads > 0) {
        this.failUploads -= 1;
        return sendJson(res, 503, { status: 'failed', message: 'storage unavailable' });
      }
      const data = form.get('data');
      if (!(data instanceof Blob)) return sendJson(res, 400, { message: 'no data part' });
      const id = this.put(Buffer.from(await data.arrayBuffer()).toString('utf8'));
      return sendJson(res, 200, { status: 'SUCCESS', resource_id: id });
    }
    const download = /^\/plynx\/api\/v0\/resources\/([^/?]+)$/.exec(url);
    if (req.method === 'GET' && download) {
      const bytes = this.resources.get(download[1]!);
      if (!bytes) return sendJson(res, 404, { message: 'no such resource' });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(bytes);
      return;
    }
    if (this.upstream) return proxy(req, res, this.upstream);
    sendJson(res, 404, { message: `no route ${req.method} ${url}` });
  }
}

/** Forwards a request to `upstream` and its answer back. */
async function proxy(req: http.IncomingMessage, res: http.ServerResponse, upstream: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))) as Record<string, string>;
  const answer = await fetch(`${upstream}${req.url ?? ''}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined });
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
  res.end(Buffer.from(await answer.arrayBuffer()));
}

async function json(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

const job = { _key: '7', command: COMMAND };

describe('the PLynx node job kind', () => {
  const fake = new FakePlynx();
  let client: PipeloomClient;
  let dir: string;
  let lines: string[];
  beforeAll(async () => {
    await fake.listen();
    client = createPipeloomClient({ baseUrl: fake.url, token: 'worker-token' });
  });
  afterAll(() => fake.close());
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    Object.assign(fake, { restored: false, cancelFromProgress: undefined, canceledAt: undefined, failUploads: 0, refuseSuccess: 0, failStarts: 0, failProgress: false });
    for (const list of [fake.calls, fake.progress, fake.finishes]) list.splice(0);
  });

  function kind(extra: Partial<PlynxNodeJobKindOptions> = {}) {
    dir = tempDir();
    lines = [];
    return plynxNodeJobKind({ client, workRoot: dir, logIntervalMs: 100, retry: { initialDelayMs: 1, maxDelayMs: 5 }, run: { uploadBackoffMs: 1 }, ...extra });
  }

  it('When a command names a graph and a node by 24-hex ids, then the kind takes the job; otherwise it leaves it to others', () => {
    const k = kind();
    expect(k.matches({ command: COMMAND })).toBe(true);
    expect(k.matches({ command: `  plynx-node   ${GRAPH}\t${NODE}  ` })).toBe(true);
    expect(parsePlynxNodeCommand(COMMAND)).toEqual({ graphId: GRAPH, nodeId: NODE });
    for (const command of [
      'plynx-node', `plynx-node ${GRAPH}`, `plynx-node ${GRAPH} ${NODE} extra`, `plynx-node ${GRAPH} ${NODE.slice(1)}`,
      `plynx-node ${GRAPH} ${NODE.slice(0, -1)}z`, `plynx-node:${GRAPH} ${NODE}`, `echo plynx-node ${GRAPH} ${NODE}`, 'bash run.sh',
    ]) expect(k.matches({ command }), command).toBe(false);
  });

  it('When the node runs well, then its input is downloaded, its output uploaded, finish says SUCCESS with both, and the return code is 0', async () => {
    const input = fake.put('alpha\nbeta\ngamma\n');
    fake.node = operation({
      cmd: "grep a {{ input['lines'] | join(' ') }} > {{ output['found'] }}\necho done",
      inputs: [{ name: 'lines', resourceIds: [input] }],
      outputs: [{ name: 'found' }],
    });
    const k = kind();
    const outcome = await k.run(job, jobContext(dir, lines));

    expect(outcome).toEqual({ returnCode: 0 });
    expect(fake.finishes).toHaveLength(1);
    const finish = fake.finishes[0]!;
    expect(finish.status).toBe('SUCCESS');
    expect(fake.text(finish.outputs?.found)).toBe('alpha\nbeta\ngamma\n');
    expect(fake.text(finish.logs?.stdout)).toBe('done\n');
    expect(fake.calls).toContain(`GET /plynx/api/v0/resources/${input}`);
    expect(fake.calls.filter((c) => c.startsWith('POST /plynx/api/v0/runs')).map((c) => c.split('/').pop())).toEqual(expect.arrayContaining(['start', 'finish']));
  });

  it('When start answers that the node was restored from the cache, then nothing runs, nothing is uploaded and the return code is 0', async () => {
    const k = kind();
    const marker = path.join(dir, 'ran');
    fake.node = operation({ cmd: `touch ${marker}` });
    fake.restored = true;
    const outcome = await k.run(job, jobContext(dir, lines));

    expect(outcome).toEqual({ returnCode: 0 });
    expect(fs.existsSync(marker)).toBe(false);
    expect(fake.calls).toEqual([`POST ${RUNS}/start`]);
    expect(lines.join('\n')).toContain('restored from the cache');
  });

  it('When the script fails, then finish says FAILED with the reason and stderr, no outputs, and the return code is 1', async () => {
    fake.node = operation({ cmd: "echo broken >&2\nexit 4", outputs: [{ name: 'out' }] });
    const outcome = await kind().run(job, jobContext(dir, lines));

    expect(outcome).toEqual({ returnCode: 1 });
    const finish = fake.finishes[0]!;
    expect(finish).toMatchObject({ status: 'FAILED', outputs: {} });
    expect(finish.reason).toContain('return code 4');
    expect(fake.text(finish.logs?.stderr)).toBe('broken\n');
  });

  it('When progress answers canceled, then a silent `sleep 600` is killed with its process group within 2 s, finish says CANCELED and the return code is -9', async () => {
    let pid = 0;
    const k = kind({ run: { onStart: (p) => (pid = p) } });
    const pidFile = path.join(dir, 'pid');
    fake.node = operation({ cmd: `echo $$ > ${pidFile}\nsleep 600\n` });
    fake.cancelFromProgress = 3;
    const outcome = await k.run(job, jobContext(dir, lines));
    const ended = Date.now();

    expect(outcome).toEqual({ returnCode: -9 });
    expect(fake.finishes).toEqual([expect.objectContaining({ status: 'CANCELED', outputs: {} })]);
    // Generous for a loaded machine: the kill itself is immediate; logs are stored before finish.
    expect(ended - fake.canceledAt!).toBeLessThan(2_000);
    expect(Number(fs.readFileSync(pidFile, 'utf8'))).toBe(pid);
    await expect.poll(() => [...liveGroupMembers(pid), ...[pid].filter(isAlive)], { timeout: 5_000, interval: 20 }).toEqual([]);
    // The ticks before the cancel handed in the logs seen so far (the worker log from the start on).
    expect(fake.progress.some((logs) => typeof logs.worker === 'string')).toBe(true);
  });

  it('When the worker stops the job, then the node is killed and reported CANCELED', async () => {
    fake.node = operation({ cmd: 'sleep 600' });
    const ctx = jobContext(dir, lines);
    const run = kind().run(job, ctx);
    await expect.poll(() => fake.progress.length, { timeout: 10_000, interval: 20 }).toBeGreaterThan(0);
    ctx.stopper.abort('terminated');

    expect(await run).toEqual({ returnCode: -9 });
    expect(fake.finishes.map((f) => f.status)).toEqual(['CANCELED']);
  });

  it('When the resource store refuses the output upload twice, then the upload is retried and the node still finishes SUCCESS with it', async () => {
    fake.node = operation({ cmd: "printf 42 > {{ output['answer'] }}", outputs: [{ name: 'answer' }] });
    fake.failUploads = 2;
    const outcome = await kind().run(job, jobContext(dir, lines));

    expect(outcome).toEqual({ returnCode: 0 });
    expect(fake.finishes[0]?.status).toBe('SUCCESS');
    expect(fake.text(fake.finishes[0]?.outputs?.answer)).toBe('42');
    expect(fake.calls.filter((c) => c === 'POST /plynx/api/v0/resource').length).toBeGreaterThanOrEqual(3);
  });

  it('When finish refuses SUCCESS once, then it is sent once more and the return code is 0', async () => {
    fake.node = operation({ cmd: "printf x > {{ output['o'] }}", outputs: [{ name: 'o' }] });
    fake.refuseSuccess = 1;
    expect(await kind().run(job, jobContext(dir, lines))).toEqual({ returnCode: 0 });
    expect(fake.finishes.map((f) => f.status)).toEqual(['SUCCESS']);
  });

  it('When finish refuses SUCCESS twice, then the node is reported FAILED and the return code is 1', async () => {
    fake.node = operation({ cmd: "printf x > {{ output['o'] }}", outputs: [{ name: 'o' }] });
    fake.refuseSuccess = 2;
    expect(await kind().run(job, jobContext(dir, lines))).toEqual({ returnCode: 1 });
    expect(fake.finishes).toEqual([expect.objectContaining({ status: 'FAILED', outputs: {} })]);
    expect(fake.finishes[0]?.reason).toContain('refused the outputs');
  });

  it('When start meets a restarting server, then it is retried and the node runs', async () => {
    fake.node = operation({ cmd: 'true' });
    fake.failStarts = 2;
    expect(await kind().run(job, jobContext(dir, lines))).toEqual({ returnCode: 0 });
    expect(fake.calls.filter((c) => c === `POST ${RUNS}/start`)).toHaveLength(3);
    expect(fake.finishes.map((f) => f.status)).toEqual(['SUCCESS']);
  });

  it('When every progress call fails, then the node still runs to its end and finishes SUCCESS', async () => {
    fake.node = operation({ cmd: 'sleep 0.5; echo ok' });
    fake.failProgress = true;
    expect(await kind().run(job, jobContext(dir, lines))).toEqual({ returnCode: 0 });
    expect(fake.progress.length).toBeGreaterThan(0);
    expect(fake.finishes.map((f) => f.status)).toEqual(['SUCCESS']);
    expect(lines.join('\n')).toContain('could not be reported');
  });
});

describe.each(PROVIDERS)('pipeloom worker --queue plynx on %s', (provider) => {
  let t: TestServer;
  const fake = new FakePlynx();
  const tmp = tempDir();
  beforeAll(async () => {
    t = await startTestServer(provider);
    fake.upstream = t.url;
    await fake.listen();
  });
  afterAll(async () => {
    await fake.close();
    await t?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('When a queued workflow holds a PLynx node job and a shell job, then the worker process runs the node through the PLynx kind and the shell job as a command', async () => {
    fake.node = operation({ cmd: "printf 'hello from plynx' > {{ output['greeting'] }}", outputs: [{ name: 'greeting' }] });
    const key = await createWorkflow(t.client, { name: 'plynx-run', jobs: [{ name: NODE, command: COMMAND }, { name: 'shell', command: nodeEval('') }] });
    const wf = await unwrap(t.client.GET('/torc-service/workflows/{key}', { params: { path: { key } } }));
    await unwrap(t.client.PUT('/torc-service/workflows/{key}', { params: { path: { key } }, body: { ...wf, queue: 'plynx' } }));

    // The worker talks to the fake, which answers the PLynx calls and passes the Torc ones to the server.
    const exit = await finished(startQueueWorker(fake.url, 'plynx', tmp, ['--cpus', '2', '--memory', '1']), 60_000);

    expect(exit.code, exit.log).toBe(0);
    expect(exit.summary).toMatchObject({ counts: { done: 2, failed: 0 } });
    expect(await statuses(t.client, key)).toEqual({ [NODE]: 'done', shell: 'done' });
    expect(fake.finishes.map((f) => f.status)).toEqual(['SUCCESS']);
    expect(fake.text(fake.finishes[0]?.outputs?.greeting)).toBe('hello from plynx');
    expect(exit.log).toMatch(/PLynx node .* ended: SUCCESS/);
  });
});
