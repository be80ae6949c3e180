// The Dioptra job kind, driven in-process against a small HTTP fake of the job execution extensions
// (start, workflow, taskPlugins, log, finish). Real sockets and real processes; no Pipeloom server.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FakeHttpServer, jobContext, sendJson } from '../helpers/job-kind-fakes.ts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, type PipeloomClient } from '@pipeloom/sdk';
import { dioptraJobKind, parseDioptraJobCommand, type DioptraJobKindOptions } from '../../packages/sdk/src/dioptra-run/index.ts';
import type { components } from '../../packages/sdk/src/generated/schema.ts';
import { ManualClock } from '../../packages/sdk/src/worker/clock.ts';
import { rawTar, Scratch, type RawTarEntry } from './helpers.ts';

type Finish = components['schemas']['DioptraJobFinishRequest'];

const JOB_ID = '4fbc1a3e-6f0d-4b1c-9d55-2a9e0c7d8e31';
const JOB = `/api/job/${JOB_ID}`;

const TRAIN_PY = `
import os, sys
from dioptra_custom.evaluation import metrics
from dioptra_builtins.tracking import tags
print("accuracy", metrics.accuracy(), tags.TAG, "job", os.environ["DIOPTRA_RQ_JOB_ID"], "epochs", sys.argv[2])
print("cwd", os.path.basename(os.getcwd()), "plugins", os.environ["PYTHONPATH"].split(os.pathsep)[0] == os.environ["DIOPTRA_PLUGIN_DIR"])
print("oops", file=sys.stderr)
`;

const MLPROJECT = `
name: demo
entry_points:
  train:
    parameters:
      epochs: {type: float, default: 1}
    command: python3 src/train.py --epochs {epochs}
  wait:
    command: 'echo tick; echo started > "$MARKER"; sleep 300'
  fail:
    command: exit 4
`;

function tarGz(entries: RawTarEntry[]): Buffer {
  return zlib.gzipSync(rawTar(entries));
}

const WORKFLOW = tarGz([
  { name: 'workflows/', type: '5' },
  { name: 'workflows/demo/', type: '5' },
  { name: 'workflows/demo/MLproject', data: MLPROJECT },
  { name: 'workflows/demo/src/train.py', data: TRAIN_PY },
]);

const PLUGINS = tarGz([
  { name: 'dioptra_builtins/tracking/tags.py', data: 'TAG = "builtin"\n' },
  { name: 'dioptra_custom/evaluation/metrics.py', data: 'def accuracy():\n    return 0.93\n' },
]);

/** The server side of one Dioptra job, with knobs for the faults a test wants. */
class FakeDioptra extends FakeHttpServer {
  readonly calls: string[] = [];
  readonly logs: string[] = [];
  readonly finishes: Finish[] = [];
  workflow = WORKFLOW;
  workflowFileName = 'workflows.tar.gz';
  entryPoint = 'train';
  entryPointKwargs: string | null = '-P epochs=5';
  timeoutSeconds = 3600;
  /** Answer 503 to this many starts first. */
  failStarts = 0;
  /** Answer 409 to start: the job is no longer this worker's. */
  conflictOnStart = false;
  /** Answer 500 to this many log hand-ins first. */
  failLogs = 0;

  reset(): void {
    Object.assign(this, { workflow: WORKFLOW, workflowFileName: 'workflows.tar.gz', entryPoint: 'train', entryPointKwargs: '-P epochs=5', timeoutSeconds: 3600, failStarts: 0, conflictOnStart: false, failLogs: 0 });
    for (const list of [this.calls, this.logs, this.finishes]) list.splice(0);
  }

  private start(): components['schemas']['DioptraJobStart'] {
    const now = new Date().toISOString();
    return {
      job: {
        jobId: JOB_ID, mlflowRunId: null, experimentId: 1, queueId: 1, createdOn: now, lastModified: now, timeout: null,
        workflowUri: `s3://workflow/${randomUUID()}/${this.workflowFileName}`, entryPoint: this.entryPoint,
        entryPointKwargs: this.entryPointKwargs, dependsOn: null, status: 'started',
      },
      experimentName: 'mnist', queueName: 'tensorflow_cpu', timeoutSeconds: this.timeoutSeconds, workflowFileName: this.workflowFileName,
    };
  }

  protected async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '';
    this.calls.push(`${req.method} ${url}`);
    if (req.method === 'POST' && url === `${JOB}/start`) {
      if (this.conflictOnStart) return sendJson(res, 409, { message: 'the job is not held by a worker' });
      if (this.failStarts > 0) {
        this.failStarts -= 1;
        return sendJson(res, 503, { message: 'restarting' });
      }
      return sendJson(res, 200, this.start());
    }
    if (req.method === 'GET' && url === `${JOB}/workflow`) return sendBytes(res, this.workflow);
    if (req.method === 'GET' && url === `${JOB}/taskPlugins`) return sendBytes(res, PLUGINS);
    if (req.method === 'PUT' && url === `${JOB}/log`) {
      // The real multipart body, parsed as a server would.
      const form = await new Request('http://fake/', { method: 'PUT', headers: req.headers as Record<string, string>, body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } as RequestInit).formData();
      const log = form.get('log');
      if (!(log instanceof Blob)) return sendJson(res, 400, { message: 'no log part' });
      if (this.failLogs > 0) {
        this.failLogs -= 1;
        return sendJson(res, 500, { message: 'database busy' });
      }
      this.logs.push(await log.text());
      return sendJson(res, 200, { status: 'Success', size: log.size });
    }
    if (req.method === 'POST' && url === `${JOB}/finish`) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      this.finishes.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Finish);
      return sendJson(res, 200, this.start().job);
    }
    sendJson(res, 404, { message: `no route ${req.method} ${url}` });
  }

  get lastLog(): string {
    return this.logs.at(-1) ?? '';
  }
}

function sendBytes(res: http.ServerResponse, bytes: Buffer): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  res.end(bytes);
}

/** Resolves once `file` exists; it waits, it measures nothing. */
async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 1_000 && !fs.existsSync(file); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!fs.existsSync(file)) throw new Error(`${file} never appeared`);
}

const job = { _key: '7', command: `dioptra-job ${JOB_ID}` };

describe('the Dioptra job kind', () => {
  const fake = new FakeDioptra();
  const scratch = new Scratch();
  let client: PipeloomClient;
  let dir: string;
  let lines: string[];
  beforeAll(async () => {
    await fake.listen();
    client = createPipeloomClient({ baseUrl: fake.url, token: 'worker-token' });
  });
  afterAll(() => fake.close());
  afterEach(() => {
    scratch.cleanUp();
    fake.reset();
  });

  function kind(extra: Partial<DioptraJobKindOptions> = {}) {
    dir = scratch.dir();
    lines = [];
    return dioptraJobKind({ client, workRoot: dir, retry: { initialDelayMs: 1, maxDelayMs: 5 }, ...extra });
  }

  it('When a command is `dioptra-job <uuid>`, then the kind takes the job; otherwise it leaves it to others', () => {
    const k = kind();
    expect(k.name).toBe('dioptra-job');
    expect(k.matches(job)).toBe(true);
    expect(k.matches({ command: `  dioptra-job\t${JOB_ID.toUpperCase()} ` })).toBe(true);
    expect(parseDioptraJobCommand(`dioptra-job ${JOB_ID.toUpperCase()}`)).toEqual({ jobId: JOB_ID });
    for (const command of ['dioptra-job', `dioptra-job ${JOB_ID} extra`, `dioptra-job ${JOB_ID.slice(1)}`, `echo dioptra-job ${JOB_ID}`, 'plynx-node a b']) {
      expect(k.matches({ command }), command).toBe(false);
    }
  });

  it('When the entry point runs well, then it imports the task plugins, its log is handed in, finish says finished and the return code is 0', async () => {
    const k = kind();
    const ctx = jobContext(dir, lines);
    const outcome = await k.run(job, ctx);
    expect(outcome).toEqual({ returnCode: 0 });
    expect(fake.finishes).toEqual([{ status: 'finished', returnCode: 0 }]);
    expect(fake.lastLog).toContain(`accuracy 0.93 builtin job ${JOB_ID} epochs 5\ncwd demo plugins True\noops\n`);
    expect(fake.lastLog).toMatch(/^\[pipeloom\] running entry point "train" of experiment "mnist" from queue "tensorflow_cpu" on /);
    expect(fake.lastLog).toContain('[pipeloom] running `python3 src/train.py --epochs 5` in ');
    expect(fake.lastLog).toContain('[pipeloom] the entry point ended with return code 0\n');
    expect(fs.readFileSync(ctx.stdoutPath, 'utf8')).toContain('accuracy 0.93');
    expect(fs.readFileSync(ctx.stderrPath, 'utf8')).toBe('oops\n');
    expect(fake.calls.map((call) => call.replace(JOB, ''))).toEqual(['POST /start', 'GET /taskPlugins', 'GET /workflow', 'PUT /log', 'POST /finish']);
    // The work directory is gone.
    expect(fs.readdirSync(dir).sort()).toEqual(['job.e', 'job.o']);
  });

  it('When the entry point exits with a code, then finish says failed with it', async () => {
    fake.entryPoint = 'fail';
    fake.entryPointKwargs = null;
    const outcome = await kind().run(job, jobContext(dir, lines));
    expect(outcome).toEqual({ returnCode: 4 });
    expect(fake.finishes).toEqual([{ status: 'failed', returnCode: 4 }]);
  });

  for (const [title, arrange, reason] of [
    ['the archive holds no MLproject', () => { fake.workflow = tarGz([{ name: 'README', data: 'x' }]); }, '[pipeloom] the workflow archive "workflows.tar.gz" holds no MLproject file'],
    ['the archive is hostile', () => { fake.workflow = tarGz([{ name: '../../evil.sh', data: 'x' }]); }, 'could not be unpacked: entry "../../evil.sh" leaves the directory'],
    ['the entry point is unknown', () => { fake.entryPoint = 'evaluate'; }, '[pipeloom] unknown entry point "evaluate"'],
    ['a parameter is unknown', () => { fake.entryPointKwargs = '-P batch=32'; }, '[pipeloom] entry point "train" has no parameter "batch"'],
    ['a float is not a number', () => { fake.entryPointKwargs = '-P epochs=many'; }, '[pipeloom] parameter "epochs" must be a float, not "many"'],
  ] as const) {
    it(`When ${title}, then nothing runs: one [pipeloom] line in the handed-in log, finish failed, return code 1`, async () => {
      arrange();
      const k = kind();
      const ctx = jobContext(dir, lines);
      expect(await k.run(job, ctx)).toEqual({ returnCode: 1 });
      expect(fake.finishes).toEqual([{ status: 'failed', returnCode: 1 }]);
      expect(fake.lastLog).toContain(reason);
      expect(fake.lastLog.trim().split('\n')).toHaveLength(2);
      expect(fs.readFileSync(ctx.stderrPath, 'utf8')).toContain(reason.replace('[pipeloom] ', ''));
      expect(fs.readdirSync(path.dirname(scratch.dir())).filter((name) => name === 'evil.sh')).toEqual([]);
    });
  }

  it('When start answers 409, then the job is no longer this worker\'s: nothing is downloaded or run, return code 1', async () => {
    fake.conflictOnStart = true;
    expect(await kind().run(job, jobContext(dir, lines))).toEqual({ returnCode: 1 });
    expect(fake.calls).toEqual([`POST ${JOB}/start`]);
    expect(lines.join('\n')).toContain('is not this worker\'s to run any more');
  });

  it('When start fails for a while, then it is retried and the job runs', async () => {
    fake.failStarts = 2;
    expect(await kind().run(job, jobContext(dir, lines))).toEqual({ returnCode: 0 });
    expect(fake.calls.filter((call) => call.endsWith('/start'))).toHaveLength(3);
  });

  it('When the job runs past its time limit on the clock, then it is killed, logged, and finished as failed; failed log hand-ins never fail it', async () => {
    const clock = new ManualClock();
    fake.entryPoint = 'wait';
    fake.entryPointKwargs = null;
    fake.timeoutSeconds = 60;
    fake.failLogs = 1;
    const marker = path.join(scratch.dir(), 'started');
    const k = kind({ clock, logIntervalMs: 2_000, env: { MARKER: marker } });
    const ctx = jobContext(dir, lines);
    const running = k.run(job, ctx);
    await waitForFile(marker);
    // The first hand-in fails, and the job keeps running.
    await clock.advance(2_000);
    await waitUntil(() => lines.some((line) => line.includes('could not be handed in')));
    // Later ticks hand the log in (as soon as the output has reached it).
    for (let tick = 0; tick < 10 && !fake.logs.some((log) => log.includes('tick')); tick++) {
      const handedIn = fake.logs.length;
      await clock.advance(2_000);
      await waitUntil(() => fake.logs.length > handedIn);
    }
    expect(fake.logs.some((log) => log.includes('tick\n'))).toBe(true);
    expect(fake.finishes).toEqual([]);
    await clock.advance(60_000);
    expect(await running).toEqual({ returnCode: -9 });
    expect(fake.finishes).toEqual([{ status: 'failed', returnCode: -9 }]);
    expect(fake.lastLog).toContain('[pipeloom] the entry point timed out after 60 s: its process group was killed');
  });

  it('When the worker stops the job, then its process group is terminated and finish says failed', async () => {
    fake.entryPoint = 'wait';
    fake.entryPointKwargs = null;
    const marker = path.join(scratch.dir(), 'started');
    const k = kind({ env: { MARKER: marker } });
    const ctx = jobContext(dir, lines);
    const running = k.run(job, ctx);
    await waitForFile(marker);
    ctx.stopper.abort('terminated');
    expect(await running).toEqual({ returnCode: -15 });
    expect(fake.finishes).toEqual([{ status: 'failed', returnCode: -15 }]);
    expect(fake.lastLog).toContain('[pipeloom] the worker stopped the job: its process group was sent SIGTERM');
  });
});

/** Resolves once `condition` holds (an HTTP call went out, a line was logged); it waits, it measures nothing. */
async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
