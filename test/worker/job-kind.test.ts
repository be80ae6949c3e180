// The job-kind seam: a PLynx node or a Dioptra entry point is a JobKind plugged into the same worker. The
// kinds here run in-process, so the worker's claiming, stopping and reporting are seen without processes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobKind, JobRunContext } from '@pipeloom/sdk/node';
import { ManualClock } from '../../packages/sdk/src/worker/clock.ts';
import { selectJobKind } from '../../packages/sdk/src/worker/job-kind.ts';
import { shellCommandJobKind } from '../../packages/sdk/src/worker/shell-job.ts';
import { runWorker } from '../../packages/sdk/src/worker/worker.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow, nodeEval, results, running, statuses, tempDir } from './helpers.ts';

/** Jobs whose command is `fake:<return code>` end with that code without starting a process. */
function fakeKind(seen: { command: string; context: JobRunContext }[]): JobKind {
  return {
    name: 'fake',
    matches: (job) => job.command.startsWith('fake:'),
    async run(job, context) {
      seen.push({ command: job.command, context });
      return { returnCode: Number(job.command.slice('fake:'.length)) };
    },
  };
}

/** A kind for `wait:` jobs that runs until the worker stops it, records why, and ends with `returnCode`. */
function waitsForStop(reasons: unknown[], returnCode: number): JobKind {
  return {
    name: 'waits-for-stop',
    matches: (job) => job.command === 'wait:',
    run: (_job, ctx) => new Promise((resolve) => ctx.stop.addEventListener('abort', () => {
      reasons.push(ctx.stop.reason);
      resolve({ returnCode });
    })),
  };
}

describe('job kinds', () => {
  let t: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => { t = await startTestServer('sqlite'); tmp = tempDir(); });
  afterAll(async () => { await t?.close(); tmp?.remove(); });

  it('When kinds are asked in order, then the first that matches runs the job and the shell command is the fallback', () => {
    const seen: never[] = [];
    const kinds = [fakeKind(seen), shellCommandJobKind];
    expect(selectJobKind(kinds, { command: 'fake:0' })?.name).toBe('fake');
    expect(selectJobKind(kinds, { command: 'python run.py' })?.name).toBe('shell-command');
    expect(selectJobKind([fakeKind(seen)], { command: 'python run.py' })).toBeUndefined();
  });

  it('When a workflow mixes a custom kind and shell commands, then each job runs through its kind and all are reported', async () => {
    const key = await createWorkflow(t.client, {
      name: 'kinds',
      jobs: [{ name: 'ok', command: 'fake:0' }, { name: 'bad', command: 'fake:4' }, { name: 'shell', command: nodeEval('') }, { name: 'after', command: 'fake:0', blocked_by: ['ok'] }],
    });
    const seen: { command: string; context: JobRunContext }[] = [];
    const summary = await runWorker({ client: t.client, workflowKey: key, jobKinds: [fakeKind(seen)], resources: { cpus: 4, memoryGb: 1, gpus: 0 }, cwd: tmp.dir, outputDir: 'kinds', pollIntervalMs: 100, log: () => {} });

    expect(summary.reason).toBe('complete');
    expect(summary.counts).toMatchObject({ done: 3, failed: 1 });
    expect(seen.map((s) => s.command).sort()).toEqual(['fake:0', 'fake:0', 'fake:4']);
    const first = seen[0]!.context;
    expect(first.workflowKey).toBe(key);
    expect(first.runId).toBe(1);
    expect(first.env.TORC_WORKFLOW_KEY).toBe(key);
    expect(first.env.TORC_JOB_KEY).toMatch(/^\d+$/);
    expect(first.stdoutPath).toMatch(/kinds\/job-stdio\/\d+_1\.o$/);
    expect(Object.fromEntries((await results(t.client, key)).map((r) => [r.job_key, r.return_code])))
      .toEqual(Object.fromEntries(summary.jobs.map((j) => [j.job_key, j.return_code])));
  });

  it('When the worker is stopped, then a custom kind is told through its stop signal and its job is reported terminated; a kind that throws counts as a failure', async () => {
    const key = await createWorkflow(t.client, { name: 'kinds-stop', jobs: [{ name: 'waits', command: 'wait:' }, { name: 'throws', command: 'throw:' }] });
    const reasons: unknown[] = [];
    const waiting = waitsForStop(reasons, -15);
    const throwing: JobKind = { name: 'throws', matches: (job) => job.command === 'throw:', run: async () => { throw new Error('no such entry point'); } };
    const stop = new AbortController();
    const lines: string[] = [];
    const worker = runWorker({ client: t.client, workflowKey: key, jobKinds: [waiting, throwing], resources: { cpus: 2, memoryGb: 1, gpus: 0 }, cwd: tmp.dir, outputDir: 'kinds-stop', pollIntervalMs: 100, signal: stop.signal, log: (_l, m) => lines.push(m) });
    await running(t.client, key, ['waits']);
    stop.abort();
    const summary = await worker;

    expect(summary.reason).toBe('signal');
    expect(reasons).toEqual(['terminated']);
    expect(await statuses(t.client, key)).toEqual({ waits: 'terminated', throws: 'done' });
    expect(summary.counts).toMatchObject({ failed: 1, terminated: 1 });
    expect(lines.some((m) => m.includes('could not be started: no such entry point'))).toBe(true);
  });

  it('When the worker runs on a manual clock, then its time limit passes without any real waiting and the job is terminated in time', async () => {
    const key = await createWorkflow(t.client, { name: 'kinds-clock', jobs: [{ name: 'waits', command: 'wait:', supports_termination: true }] });
    const reasons: unknown[] = [];
    const waiting = waitsForStop(reasons, 0);
    const clock = new ManualClock();
    const worker = runWorker({ client: t.client, workflowKey: key, jobKinds: [waiting], clock, timeLimit: 'PT10M', resources: { cpus: 1, memoryGb: 1, gpus: 0 }, cwd: tmp.dir, outputDir: 'kinds-clock', pollIntervalMs: 100, log: () => {} });
    await running(t.client, key, ['waits']);
    await clock.advance(10 * 60_000);
    const summary = await worker;

    expect(summary.reason).toBe('time-limit');
    expect(reasons).toEqual(['terminated']);
    expect(summary.durationSeconds).toBe(600);
    expect(await statuses(t.client, key)).toEqual({ waits: 'terminated' });
  });
});
