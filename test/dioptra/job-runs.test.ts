// Dioptra jobs run end to end: submitted as Dioptra's clients submit them (a multipart form with a workflow
// archive), run by a queue worker inside the test process (runQueueWorker with the Dioptra job kind) against
// the real server and engine, with real bash and Python. An entry point that imports a custom task plugin
// and writes a file, a failing one, one out of time, jobs held back by `depends_on`, and a locked queue.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, dioptraJobKind, ManualClock, runQueueWorker, type Clock } from '@pipeloom/sdk/node';
import type { components } from '@pipeloom/sdk/generated';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

type Job = components['schemas']['DioptraJob'];

const QUEUE = 'tensorflow_cpu';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const MLPROJECT = `name: pipeloom-e2e
entry_points:
  main:
    parameters:
      message: {type: string, default: hello}
      repeat: {type: float, default: 2}
      out: string
    command: python3 greet.py --message {message} --repeat {repeat} --out {out}
  fail:
    command: "echo about to fail; echo broken >&2; exit 3"
  wait_for:
    parameters:
      file: string
      mark: {type: string, default: ''}
    command: "while [ ! -f {file} ]; do sleep 0.05; done; if [ -n {mark} ]; then echo done > {mark}; fi; echo released"
  check:
    parameters:
      file: string
    command: "test -f {file} && echo parent ran first"
`;

const GREET = `import argparse, os
from dioptra_custom.greeter.shout import shout
p = argparse.ArgumentParser()
p.add_argument('--message'); p.add_argument('--repeat', type=float); p.add_argument('--out')
a = p.parse_args()
text = ' '.join([shout(a.message)] * int(a.repeat))
with open(a.out, 'w') as f:
    f.write(text + ' ' + os.environ['DIOPTRA_RQ_JOB_ID'])
print('wrote', a.out)
`;

describe.each(PROVIDERS)('Dioptra jobs run by a queue worker on %s', (provider) => {
  let t: TestServer;
  let tmp: string;
  let archive: Buffer;
  let workers: { stop: () => Promise<unknown>; log: string[] }[] = [];

  /** Posts a job form as Dioptra's client does; `fields` override the defaults. */
  async function submit(fields: Record<string, string>, file = archive, fileName = 'workflows.tar.gz'): Promise<{ status: number; body: Job & { message?: string } }> {
    const form = new FormData();
    for (const [k, v] of Object.entries({ experiment_name: 'e2e', queue: QUEUE, ...fields })) form.append(k, v);
    form.append('workflow', new Blob([new Uint8Array(file)]), fileName);
    const r = await fetch(`${t.url}/api/job/`, { method: 'POST', body: form });
    return { status: r.status, body: (await r.json()) as Job & { message?: string } };
  }

  async function submitted(fields: Record<string, string>): Promise<Job> {
    const r = await submit(fields);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  }

  async function job(id: string): Promise<Job> {
    return (await (await fetch(`${t.url}/api/job/${id}`)).json()) as Job;
  }

  async function jobLog(id: string): Promise<string> {
    return (await fetch(`${t.url}/api/job/${id}/log`)).text();
  }

  /** How many engine runs (Torc workflows) have this name. */
  async function runsNamed(name: string): Promise<number> {
    const r = await fetch(`${t.url}/torc-service/workflows?name=${encodeURIComponent(name)}`);
    return ((await r.json()) as { items: unknown[] }).items.length;
  }

  /** Polls the job every 50 ms until its status is one of `statuses`; `tick` runs between polls. */
  async function until(id: string, statuses: Job['status'][], tick?: () => Promise<void>, ms = 30_000): Promise<Job> {
    const deadline = Date.now() + ms;
    for (;;) {
      const j = await job(id);
      if (statuses.includes(j.status)) return j;
      if (Date.now() > deadline) throw new Error(`job ${id} is ${j.status}, not ${statuses.join('/')}; log:\n${await jobLog(id)}\nworker:\n${workers.flatMap((w) => w.log).join('\n')}`);
      await tick?.();
      await pause(50);
    }
  }

  /** Polls a worker's log every 50 ms until a line about `jobId` matches `pattern`. */
  async function waitForLine(log: string[], jobId: string, pattern: RegExp, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!log.some((line) => line.includes(jobId) && pattern.test(line))) {
      if (Date.now() > deadline) throw new Error(`no log line about ${jobId} matching ${pattern}:\n${log.join('\n')}`);
      await pause(50);
    }
  }

  /** A queue worker on QUEUE in this process; it stays until stopped. */
  function startWorker(clock?: Clock) {
    const client = createPipeloomClient({ baseUrl: t.url });
    const controller = new AbortController();
    const log: string[] = [];
    const cwd = fs.mkdtempSync(path.join(tmp, 'worker-'));
    const done = runQueueWorker({
      client,
      queues: [QUEUE],
      hostname: `worker-${workers.length + 1}`,
      cwd,
      outputDir: path.join(cwd, 'output'),
      resources: { cpus: 4, memoryGb: 4, gpus: 0 },
      maxParallelJobs: 4,
      pollIntervalMs: 50,
      waitForNewJobsSeconds: Infinity,
      signal: controller.signal,
      serverUrl: t.url,
      log: (level, message) => log.push(`${level} ${message}`),
      jobKinds: [dioptraJobKind({ client, workRoot: cwd, logIntervalMs: 100, ...(clock ? { clock } : {}) })],
    });
    done.catch(() => undefined);
    const worker = { log, stop: () => (controller.abort(), done) };
    workers.push(worker);
    return worker;
  }

  beforeAll(async () => {
    t = await startTestServer(provider);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dioptra-runs-'));
    const project = path.join(tmp, 'project');
    fs.mkdirSync(path.join(project, 'workflows'), { recursive: true });
    fs.writeFileSync(path.join(project, 'workflows', 'MLproject'), MLPROJECT);
    fs.writeFileSync(path.join(project, 'workflows', 'greet.py'), GREET);
    await tar.create({ gzip: true, cwd: project, file: path.join(tmp, 'workflows.tar.gz'), portable: true }, ['workflows']);
    archive = fs.readFileSync(path.join(tmp, 'workflows.tar.gz'));

    const plugin = path.join(tmp, 'plugin');
    fs.mkdirSync(path.join(plugin, 'greeter'), { recursive: true });
    fs.writeFileSync(path.join(plugin, 'greeter', '__init__.py'), '');
    fs.writeFileSync(path.join(plugin, 'greeter', 'shout.py'), 'def shout(text):\n    return text.upper() + "!"\n');
    await tar.create({ gzip: true, cwd: plugin, file: path.join(tmp, 'greeter.tar.gz'), portable: true }, ['greeter']);
    const form = new FormData();
    form.append('task_plugin_name', 'greeter');
    form.append('collection', 'dioptra_custom');
    form.append('task_plugin_file', new Blob([new Uint8Array(fs.readFileSync(path.join(tmp, 'greeter.tar.gz')))]), 'greeter.tar.gz');
    expect((await fetch(`${t.url}/api/taskPlugin/`, { method: 'POST', body: form })).status).toBe(200);

    for (const [what, name] of [['experiment', 'e2e'], ['queue', QUEUE]] as const) {
      const r = await fetch(`${t.url}/api/${what}/`, { method: 'POST', body: new URLSearchParams({ name }) });
      expect(r.status).toBe(200);
    }
  });
  afterEach(async () => {
    await Promise.allSettled(workers.map((w) => w.stop()));
    workers = [];
  });
  afterAll(async () => {
    await t?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('runs an entry point that imports a custom task plugin and writes a file, to finished', async () => {
    const out = path.join(tmp, 'greeting.txt');
    const queued = await submitted({ entry_point: 'main', entry_point_kwargs: `-P message=hi -P out=${out}` });
    expect(queued).toMatchObject({ status: 'queued', mlflowRunId: null });
    startWorker();
    const done = await until(queued.jobId, ['finished', 'failed']);
    expect(done.status, await jobLog(queued.jobId)).toBe('finished');
    expect(fs.readFileSync(out, 'utf8')).toBe(`HI! HI! ${queued.jobId}`);
    expect(await jobLog(queued.jobId)).toContain(`wrote ${out}`);
  });

  it('fails a job whose entry point exits with an error, keeping what it wrote to both streams', async () => {
    const queued = await submitted({ entry_point: 'fail' });
    startWorker();
    expect((await until(queued.jobId, ['finished', 'failed'])).status).toBe('failed');
    const log = await jobLog(queued.jobId);
    expect(log).toContain('about to fail');
    expect(log).toContain('broken');
  });

  it('fails a job with a parameter its entry point does not declare, saying which', async () => {
    const queued = await submitted({ entry_point: 'fail', entry_point_kwargs: '-P nonsense=1' });
    startWorker();
    expect((await until(queued.jobId, ['finished', 'failed'])).status).toBe('failed');
    expect(await jobLog(queued.jobId)).toMatch(/nonsense/);
  });

  it('fails a job that outlives its timeout, on the worker\'s clock', async () => {
    const clock = new ManualClock();
    const never = path.join(tmp, 'never-created');
    const queued = await submitted({ entry_point: 'wait_for', entry_point_kwargs: `-P file=${never}`, timeout: '90s' });
    startWorker(clock);
    await until(queued.jobId, ['started']);
    const failed = await until(queued.jobId, ['finished', 'failed'], () => clock.advance(10_000));
    expect(failed.status).toBe('failed');
    expect(await jobLog(queued.jobId)).toMatch(/timed out after 90 s/);
  });

  it('holds a job back until the job it depends on has ended, then runs it', async () => {
    const release = path.join(tmp, 'release-parent');
    const mark = path.join(tmp, 'parent-mark');
    const parent = await submitted({ entry_point: 'wait_for', entry_point_kwargs: `-P file=${release} -P mark=${mark}` });
    const child = await submitted({ entry_point: 'check', entry_point_kwargs: `-P file=${mark}`, depends_on: parent.jobId });
    expect(child).toMatchObject({ status: 'queued', dependsOn: parent.jobId });
    startWorker();
    await until(parent.jobId, ['started']);
    // Held back means not on the queue at all: no engine run exists for the child yet.
    expect(await runsNamed(`dioptra-job-${child.jobId}`)).toBe(0);
    expect(await runsNamed(`dioptra-job-${parent.jobId}`)).toBe(1);
    expect((await job(child.jobId)).status).toBe('queued');
    fs.writeFileSync(release, '');
    expect((await until(parent.jobId, ['finished', 'failed'])).status).toBe('finished');
    expect((await until(child.jobId, ['finished', 'failed'])).status).toBe('finished');
    expect(await jobLog(child.jobId)).toContain('parent ran first');
  });

  it('still runs a dependent job when the job it depends on failed, as RQ does', async () => {
    const parent = await submitted({ entry_point: 'fail' });
    const child = await submitted({ entry_point: 'fail', depends_on: parent.jobId });
    startWorker();
    expect((await until(parent.jobId, ['finished', 'failed'])).status).toBe('failed');
    expect((await until(child.jobId, ['finished', 'failed'])).status).toBe('failed');
  });

  /** Cancels the job's engine run as a Torc client does (`torc workflows cancel`). */
  async function cancelThroughTorc(jobId: string): Promise<void> {
    const runs = (await (await fetch(`${t.url}/torc-service/workflows?name=dioptra-job-${jobId}`)).json()) as { items: { _key: string }[] };
    expect(runs.items).toHaveLength(1);
    expect((await fetch(`${t.url}/torc-service/workflows/${runs.items[0]!._key}/cancel`, { method: 'PUT' })).status).toBe(200);
  }

  it('When a queued job\'s run is canceled through the Torc API, then the job ends failed and the job waiting for it is released and runs', async () => {
    const out = path.join(tmp, 'after-cancel.txt');
    const parent = await submitted({ entry_point: 'fail' });
    const child = await submitted({ entry_point: 'main', entry_point_kwargs: `-P message=after -P out=${out}`, depends_on: parent.jobId });

    await cancelThroughTorc(parent.jobId);

    expect((await job(parent.jobId)).status).toBe('failed');
    expect(await runsNamed(`dioptra-job-${child.jobId}`)).toBe(1);
    startWorker();
    expect((await until(child.jobId, ['finished', 'failed'])).status).toBe('finished');
    // The canceled job never ran: the worker only ever saw the child.
    expect(await jobLog(parent.jobId)).toBe('');
  });

  it('When a running job\'s run is canceled through the Torc API, then its worker stops it and the job stays failed', async () => {
    const never = path.join(tmp, 'never-created-2');
    const running = await submitted({ entry_point: 'wait_for', entry_point_kwargs: `-P file=${never}` });
    const worker = startWorker();
    await until(running.jobId, ['started']);

    await cancelThroughTorc(running.jobId);

    expect((await job(running.jobId)).status).toBe('failed');
    await waitForLine(worker.log, running.jobId, /ended: failed/);
    expect((await job(running.jobId)).status).toBe('failed');
  });

  it('refuses new jobs on a locked queue while the running one finishes', async () => {
    const release = path.join(tmp, 'release-locked');
    const running = await submitted({ entry_point: 'wait_for', entry_point_kwargs: `-P file=${release}` });
    startWorker();
    await until(running.jobId, ['started']);
    expect((await fetch(`${t.url}/api/queue/name/${QUEUE}/lock`, { method: 'PUT' })).status).toBe(200);
    try {
      const refused = await submit({ entry_point: 'fail' });
      expect(refused).toMatchObject({ status: 400, body: { message: 'Bad Request - The job submission form contains invalid parameters. Please verify and resubmit.' } });
      fs.writeFileSync(release, '');
      expect((await until(running.jobId, ['finished', 'failed'])).status).toBe('finished');
    } finally {
      await fetch(`${t.url}/api/queue/name/${QUEUE}/lock`, { method: 'DELETE' });
    }
  });
});
