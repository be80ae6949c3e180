// Dioptra jobs end to end through the real server: submission in upstream's shape and with upstream's one
// submission error, then the job's life on the lifecycle engine with the test as the worker: it claims the
// job's engine run from the Torc queue of the Dioptra queue's name and calls the execution extensions.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { list as listTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { dioptraHttp, ISO, type Answer, type FilePart } from './http.ts';

type QueueJob = components['schemas']['queue_job'];

const BUILTINS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/dioptra-builtins');
const SUBMISSION_ERROR = 'Bad Request - The job submission form contains invalid parameters. Please verify and resubmit.';
const JOB_NOT_FOUND = 'Not Found - The requested job does not exist';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Bytes standing in for a workflow archive: the server stores them and never looks inside. */
const archive = (fileName = 'workflows.tar.gz'): FilePart => ({ fileName, content: crypto.randomBytes(3000) });

describe.each(PROVIDERS)('Dioptra upload limits on %s', (provider) => {
  let t: TestServer;
  const http = dioptraHttp(() => t.url);
  const tooLarge = { status: 413, body: { message: 'Payload Too Large - The uploaded file is larger than this server accepts (1048576 bytes).', code: 'PAYLOAD_TOO_LARGE' } };
  beforeAll(async () => {
    t = await startTestServer(provider, { env: { PIPELOOM_DIOPTRA_UPLOAD_MAX_MB: '1' } });
    for (const what of ['experiment', 'queue']) expect((await http.postForm(`/api/${what}/`, { name: 'limits' })).status).toBe(200);
  });
  afterAll(async () => t?.close());

  it('When a workflow archive is larger than PIPELOOM_DIOPTRA_UPLOAD_MAX_MB, then it is 413 and no job is recorded', async () => {
    const big: FilePart = { fileName: 'workflows.tar.gz', content: crypto.randomBytes(1024 * 1024 + 1) };
    expect(await http.postMultipart('/api/job/', { experiment_name: 'limits', queue: 'limits', entry_point: 'main' }, { workflow: big })).toEqual(tooLarge);
    expect(await http.get('/api/job/')).toEqual({ status: 200, body: [] });
    expect((await http.postMultipart('/api/job/', { experiment_name: 'limits', queue: 'limits', entry_point: 'main' }, { workflow: archive() })).status).toBe(200);
  });

  it('When a task plugin archive is larger than the limit, then it is 413 and no package is stored', async () => {
    const big: FilePart = { fileName: 'big.tar.gz', content: crypto.randomBytes(1024 * 1024 + 1) };
    expect(await http.postMultipart('/api/taskPlugin/', { task_plugin_name: 'big', collection: 'dioptra_custom' }, { task_plugin_file: big })).toEqual(tooLarge);
    expect((await http.get('/api/taskPlugin/dioptra_custom')).body).toEqual([]);
  });
});

describe.each(PROVIDERS)('Dioptra jobs on %s', (provider) => {
  let t: TestServer;
  let tmp: string;
  const http = dioptraHttp(() => t.url);
  /** Each worker host's compute node per workflow, as a real worker keeps them. */
  const computeNodes = new Map<string, Record<string, string>>();

  const unique = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;

  async function newQueue(): Promise<string> {
    const name = unique('queue');
    expect((await http.postForm('/api/queue/', { name })).status).toBe(200);
    return name;
  }

  const submit = (fields: Record<string, string>, workflow: FilePart | null = archive()): Promise<Answer> =>
    http.postMultipart('/api/job/', fields, workflow ? { workflow } : {});

  async function submitted(queue: string, extra: Record<string, string> = {}): Promise<Job> {
    const r = await submit({ experiment_name: 'Mnist Jobs', queue, entry_point: 'train', ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as Job;
  }

  async function claim(queue: string, host = 'worker-1'): Promise<QueueJob[]> {
    const nodes = computeNodes.get(host) ?? {};
    const reply = await unwrap(t.client.POST('/torc-service/queues/{queue}/claim_jobs', {
      params: { path: { queue } },
      body: { worker: { hostname: host, pid: 4242, start_time: '2026-12-03T00:00:00Z', resources: { num_cpus: 8, memory_gb: 8 } }, resources: { num_cpus: 8, memory_gb: 8 }, compute_nodes: nodes, limit: 10 },
    }));
    for (const j of reply.jobs) nodes[j.workflow_key] = j.compute_node_key;
    computeNodes.set(host, nodes);
    return reply.jobs;
  }

  async function complete(job: QueueJob, returnCode: number): Promise<void> {
    const status = 'done' as const;
    await unwrap(t.client.POST('/torc-service/workflows/{key}/complete_jobs', {
      params: { path: { key: job.workflow_key } },
      body: {
        compute_node_key: job.compute_node_key, run_id: job.run_id,
        completions: [{ job_key: job.job._key!, rev: job.job._rev!, status, result: { job_key: job.job._key!, run_id: job.run_id, return_code: returnCode, exec_time_minutes: 0, completion_time: new Date().toISOString(), status } }],
      },
    }));
  }

  const start = (jobId: string) => http.send('POST', `/api/job/${jobId}/start`);
  const finish = (jobId: string, status: 'finished' | 'failed', returnCode = status === 'finished' ? 0 : 1) =>
    http.send('POST', `/api/job/${jobId}/finish`, { json: { status, returnCode } });

  /** Claims, starts and ends a job as a worker does. */
  async function run(queue: string, jobId: string, outcome: 'finished' | 'failed'): Promise<void> {
    const claimed = (await claim(queue)).find((j) => j.job.name === jobId);
    expect(claimed, `engine job of ${jobId}`).toBeDefined();
    expect((await start(jobId)).status).toBe(200);
    expect((await finish(jobId, outcome)).status).toBe(200);
    await complete(claimed!, outcome === 'finished' ? 0 : 1);
  }

  beforeAll(async () => {
    t = await startTestServer(provider, { env: { PIPELOOM_DIOPTRA_BUILTINS_DIR: BUILTINS_DIR } });
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dioptra-jobs-'));
    expect((await http.postForm('/api/experiment/', { name: 'Mnist Jobs' })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('When a job is submitted, then it is answered queued in upstream\'s shape, with nulls for what was not sent', async () => {
    // Arrange
    const queue = await newQueue();
    const experiment = ((await http.get('/api/experiment/name/mnist-jobs')).body as { experimentId: number }).experimentId;
    const queueId = ((await http.get(`/api/queue/name/${queue}`)).body as { queueId: number }).queueId;
    // Act: the names as a user types them (slugified), empty optional fields
    const r = await submit({ experiment_name: '  MNIST Jobs ', queue: queue.toUpperCase(), entry_point: 'train', timeout: '', entry_point_kwargs: '', depends_on: '' }, archive('../My Workflows.tar.gz'));
    // Assert
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const job = r.body as Job;
    expect(job).toEqual({
      jobId: expect.stringMatching(UUID), mlflowRunId: null, experimentId: experiment, queueId,
      createdOn: expect.stringMatching(ISO), lastModified: job.createdOn, timeout: null,
      workflowUri: expect.stringMatching(/^content:\/\/dioptra-workflow-[0-9a-f]{32}\/My_Workflows\.tar\.gz$/),
      entryPoint: 'train', entryPointKwargs: null, dependsOn: null, status: 'queued',
    });
    expect((await http.get(`/api/job/${job.jobId}`)).body).toEqual(job);
  });

  it('When a job is submitted with every field, then they are kept as sent', async () => {
    const queue = await newQueue();
    const job = await submitted(queue, { timeout: '12h', entry_point_kwargs: '-P epochs=5 -P batch_size=64' });
    expect(job).toMatchObject({ timeout: '12h', entryPointKwargs: '-P epochs=5 -P batch_size=64', status: 'queued' });
  });

  /** A change to a valid form: fields replaced (undefined: left out), and the file (null: none, or its name). */
  interface FormChange { fields?: Record<string, string | undefined>; file?: string | null }
  it.each<[string, FormChange]>([
    ['an unknown experiment', { fields: { experiment_name: 'no-such-experiment' } }],
    ['an unknown queue', { fields: { queue: 'no-such-queue' } }],
    ['a timeout without a unit', { fields: { timeout: '12' } }],
    ['a timeout of words', { fields: { timeout: 'soon' } }],
    ['no entry point', { fields: { entry_point: undefined } }],
    ['a blank entry point', { fields: { entry_point: '   ' } }],
    ['a malformed depends_on', { fields: { depends_on: 'not-a-uuid' } }],
    ['a depends_on naming no job', { fields: { depends_on: crypto.randomUUID() } }],
    ['no workflow file', { file: null }],
    ['a workflow file of another kind', { file: 'workflow.txt' }],
  ])('When a submission has %s, then it is refused with JobSubmissionError', async (_what, change) => {
    const queue = await newQueue();
    const fields: Record<string, string> = { experiment_name: 'mnist-jobs', queue, entry_point: 'train' };
    for (const [k, v] of Object.entries(change.fields ?? {})) {
      if (v === undefined) delete fields[k];
      else fields[k] = v;
    }
    const r = await submit(fields, change.file === undefined ? archive() : change.file === null ? null : archive(change.file));
    expect(r.status).toBe(400);
    expect((r.body as { message: string }).message).toBe(SUBMISSION_ERROR);
    expect(await claim(queue)).toEqual([]);
  });

  it('When a job id is unknown, then reading it and its extensions answer 404 JobDoesNotExistError', async () => {
    const id = crypto.randomUUID();
    const expected = { message: JOB_NOT_FOUND, code: 'DOCUMENT_NOT_FOUND' };
    expect(await http.get(`/api/job/${id}`)).toEqual({ status: 404, body: expected });
    expect(await start(id)).toEqual({ status: 404, body: expected });
    expect(await finish(id, 'finished')).toEqual({ status: 404, body: expected });
    expect((await http.raw(`/api/job/${id}/workflow`)).status).toBe(404);
    expect((await http.raw(`/api/job/${id}/log`)).status).toBe(404);
  });

  it('When jobs are listed, then every submitted job is there in submission order', async () => {
    const queue = await newQueue();
    const first = await submitted(queue);
    const second = await submitted(queue);
    const jobs = (await http.get('/api/job/')).body as Job[];
    const ids = jobs.map((j) => j.jobId);
    expect(ids).toContain(first.jobId);
    expect(ids.indexOf(first.jobId)).toBeLessThan(ids.indexOf(second.jobId));
    expect(jobs.find((j) => j.jobId === second.jobId)).toEqual(second);
  });

  it('When a worker runs a job, then it is started, its log and files are served, and it ends finished', async () => {
    // Arrange: a custom plugin to find in the job's plugin bundle, and the job
    const plugin = fs.readFileSync(await packPlugin(tmp));
    expect((await http.postMultipart('/api/taskPlugin/', { task_plugin_name: 'noise', collection: 'dioptra_custom' }, { task_plugin_file: { fileName: 'noise.tar.gz', content: plugin } })).status).toBe(200);
    const queue = await newQueue();
    const workflow = archive('workflows.tar.gz');
    const submittedJob = (await submit({ experiment_name: 'mnist-jobs', queue, entry_point: 'train', timeout: '90m' }, workflow)).body as Job;
    const jobId = submittedJob.jobId;

    // Act + Assert: the engine job waits on the queue under the Dioptra queue's name
    const [claimed, ...others] = await claim(queue);
    expect(others).toEqual([]);
    expect(claimed!.job).toMatchObject({ name: jobId, command: `dioptra-job ${jobId}` });

    const started = await start(jobId);
    expect(started).toEqual({
      status: 200,
      body: { job: { ...submittedJob, status: 'started', lastModified: expect.stringMatching(ISO) }, experimentName: 'mnist-jobs', queueName: queue, timeoutSeconds: 5400, workflowFileName: 'workflows.tar.gz' },
    });
    expect((await http.get(`/api/job/${jobId}`)).body).toMatchObject({ status: 'started' });

    expect(await http.raw(`/api/job/${jobId}/log`)).toMatchObject({ status: 200, bytes: Buffer.alloc(0) });
    expect(await http.putFiles(`/api/job/${jobId}/log`, { log: { fileName: 'log.txt', content: 'epoch 1\n' } })).toEqual({ status: 200, body: { status: 'Success', size: 8 } });
    expect(await http.putFiles(`/api/job/${jobId}/log`, { log: { fileName: 'log.txt', content: 'epoch 1\nepoch 2\n' } })).toEqual({ status: 200, body: { status: 'Success', size: 16 } });
    const log = await http.raw(`/api/job/${jobId}/log`);
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(log.bytes.toString()).toBe('epoch 1\nepoch 2\n');

    const download = await http.raw(`/api/job/${jobId}/workflow`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename=workflows.tar.gz');
    expect(download.bytes.equals(Buffer.from(workflow.content))).toBe(true);

    const bundle = await http.raw(`/api/job/${jobId}/taskPlugins`);
    expect(bundle.status).toBe(200);
    const entries = await tarEntries(tmp, bundle.bytes);
    expect(entries).toEqual(expect.arrayContaining([
      'dioptra_builtins/attacks/__init__.py', 'dioptra_builtins/attacks/fgm.py', 'dioptra_builtins/evaluation/metrics.py',
      'dioptra_custom/noise/__init__.py', 'dioptra_custom/noise/gaussian.py',
    ]));
    expect(entries.filter((e) => !e.endsWith('.py'))).toEqual([]);

    const finished = await finish(jobId, 'finished');
    expect(finished).toEqual({ status: 200, body: { ...submittedJob, status: 'finished', lastModified: expect.stringMatching(ISO) } });
    // Still held by the worker until it completes the engine job: the last log lines are accepted then.
    expect((await http.putFiles(`/api/job/${jobId}/log`, { log: { fileName: 'log.txt', content: 'done\n' } })).status).toBe(200);
    expect((await finish(jobId, 'failed')).status).toBe(409);
    expect((await start(jobId)).status).toBe(409);
    await complete(claimed!, 0);
    expect((await http.putFiles(`/api/job/${jobId}/log`, { log: { fileName: 'log.txt', content: 'late\n' } })).status).toBe(409);
    expect((await http.raw(`/api/job/${jobId}/log`)).bytes.toString()).toBe('done\n');
  });

  it('When a worker does not hold a job, then starting, finishing and handing in its log are conflicts', async () => {
    const queue = await newQueue();
    const { jobId } = await submitted(queue);
    for (const r of [await start(jobId), await finish(jobId, 'finished'), await http.putFiles(`/api/job/${jobId}/log`, { log: { fileName: 'log.txt', content: 'x' } })]) {
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'CONFLICT' });
    }
    // Claimed but not started: finishing is still a conflict.
    await claim(queue);
    expect(await finish(jobId, 'finished')).toMatchObject({ status: 409, body: { message: expect.stringContaining('has not started') } });
    expect((await http.get(`/api/job/${jobId}`)).body).toMatchObject({ status: 'queued' });
  });

  it.each(['finished', 'failed'] as const)('When a job depends on another, then it gets its engine job only once that one has %s', async (outcome) => {
    // Arrange
    const queue = await newQueue();
    const parent = await submitted(queue);
    const child = await submitted(queue, { depends_on: parent.jobId.replaceAll('-', '').toUpperCase() });
    expect(child).toMatchObject({ dependsOn: parent.jobId, status: 'queued' });

    // Act: only the parent can be claimed while it runs
    const claimed = await claim(queue);
    expect(claimed.map((j) => j.job.name)).toEqual([parent.jobId]);
    expect((await start(parent.jobId)).status).toBe(200);
    expect(await claim(queue)).toEqual([]);
    expect((await finish(parent.jobId, outcome)).status).toBe(200);
    await complete(claimed[0]!, outcome === 'finished' ? 0 : 1);

    // Assert: released to its queue, whatever the parent's outcome
    expect((await claim(queue)).map((j) => j.job.name)).toEqual([child.jobId]);
    expect((await start(child.jobId)).status).toBe(200);
  });

  it('When a job depends on one that has already ended, then it is queued at once', async () => {
    const queue = await newQueue();
    const parent = await submitted(queue);
    await run(queue, parent.jobId, 'finished');
    const child = await submitted(queue, { depends_on: parent.jobId });
    expect((await claim(queue)).map((j) => j.job.name)).toEqual([child.jobId]);
  });

  it('When a queue is locked, then it refuses new jobs while a job already queued still runs to its end', async () => {
    // Arrange
    const queue = await newQueue();
    const waiting = await submitted(queue);
    expect((await http.put(`/api/queue/name/${queue}/lock`)).status).toBe(200);
    // Act
    const refused = await submit({ experiment_name: 'mnist-jobs', queue, entry_point: 'train' });
    // Assert
    expect(refused).toMatchObject({ status: 400, body: { message: SUBMISSION_ERROR } });
    await run(queue, waiting.jobId, 'finished');
    expect((await http.get(`/api/job/${waiting.jobId}`)).body).toMatchObject({ status: 'finished' });
  });
});

type Job = components['schemas']['DioptraJob'];

/** A plugin package archive made with node-tar from files written under `dir`. */
async function packPlugin(dir: string): Promise<string> {
  const { create } = await import('tar');
  const root = path.join(dir, 'plugin');
  fs.mkdirSync(path.join(root, 'noise'), { recursive: true });
  fs.writeFileSync(path.join(root, 'noise', '__init__.py'), '');
  fs.writeFileSync(path.join(root, 'noise', 'gaussian.py'), 'def add_noise(x):\n    return x\n');
  const file = path.join(dir, 'noise.tar.gz');
  await create({ gzip: true, cwd: root, file }, ['noise']);
  return file;
}

/** The entry paths of a gzip'd tar. */
async function tarEntries(dir: string, bytes: Buffer): Promise<string[]> {
  const file = path.join(dir, `${crypto.randomUUID()}.tar.gz`);
  fs.writeFileSync(file, bytes);
  const entries: string[] = [];
  await listTar({ file, onReadEntry: (e) => entries.push(e.path) });
  return entries;
}
