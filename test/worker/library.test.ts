// The worker as a library: runWorker() in-process with an AbortSignal, and its building blocks (command
// splitting, ISO durations; the retry policy has its own suite in retry.test.ts).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient } from '@pipeloom/sdk';
import { splitCommand } from '../../packages/sdk/src/worker/command-line.ts';
import { formatDuration, parseDurationSeconds } from '../../packages/sdk/src/worker/resources.ts';
import { runWorker, type WorkerLogLevel } from '../../packages/sdk/src/worker/worker.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { createWorkflow, nodeEval, results, running, statuses, tempDir, waitFor } from './helpers.ts';

describe('splitCommand', () => {
  it('When a command line has quotes, variables or shell operators, then it is split as shlex would, with nothing expanded', () => {
    expect(splitCommand(`python work.py -i "my file.json" --name='a b'`)).toEqual(['python', 'work.py', '-i', 'my file.json', '--name=a b']);
    expect(splitCommand('echo $HOME ${USER}')).toEqual(['echo', '$HOME', '$USER']);
    const ops: string[] = [];
    expect(splitCommand('echo a > b | c *.txt', undefined, (op) => ops.push(op))).toEqual(['echo', 'a', '>', 'b', '|', 'c', '*.txt']);
    expect(ops).toEqual(['>', '|']);
    expect(splitCommand('run.sh --fast', 'bash wrap.sh')).toEqual(['bash', 'wrap.sh', 'run.sh', '--fast']);
    expect(() => splitCommand('   ')).toThrow('empty');
  });
});

describe('ISO 8601 durations', () => {
  it('When Torc-style durations are parsed and formatted, then they round-trip in the form the contract accepts', () => {
    expect(parseDurationSeconds('P0DT1M')).toBe(60);
    expect(parseDurationSeconds('P1DT2H3M4S')).toBe(93_784);
    expect(parseDurationSeconds('PT2.5S')).toBe(2.5);
    expect(parseDurationSeconds('P0DT0S')).toBe(0);
    expect(() => parseDurationSeconds('P1Y')).toThrow('ISO 8601');
    expect(() => parseDurationSeconds('90')).toThrow();
    expect(formatDuration(93_784)).toBe('P1DT2H3M4S');
    expect(formatDuration(59.9)).toBe('P0DT0H0M59S');
    expect(parseDurationSeconds(formatDuration(12_345))).toBe(12_345);
  });
});

describe('runWorker', () => {
  let t: TestServer;
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(async () => { t = await startTestServer('sqlite'); tmp = tempDir(); });
  afterAll(async () => { await t?.close(); tmp?.remove(); });

  it('When the signal is aborted, then the running jobs are terminated and reported, and runWorker resolves with a summary', async () => {
    const key = await createWorkflow(t.client, {
      name: 'library',
      jobs: [{ name: 'quick', command: nodeEval('console.log("hello")') }, { name: 'long', command: nodeEval('setTimeout(() => {}, 30000)') }],
    });
    const stop = new AbortController();
    const lines: [WorkerLogLevel, string][] = [];
    const worker = runWorker({
      client: t.client,
      workflowKey: key,
      resources: { cpus: 2, memoryGb: 1, gpus: 0 },
      outputDir: 'out',
      cwd: tmp.dir,
      pollIntervalMs: 200,
      signal: stop.signal,
      log: (level, message) => lines.push([level, message]),
    });
    await running(t.client, key, ['long']);
    await waitFor('quick to be done', async () => (await statuses(t.client, key)).quick === 'done');
    stop.abort();
    const summary = await worker;

    expect(summary.reason).toBe('signal');
    expect(summary.counts).toEqual({ done: 1, failed: 0, canceled: 0, terminated: 1, rejected: 0 });
    expect(await statuses(t.client, key)).toEqual({ quick: 'done', long: 'terminated' });
    const quick = summary.jobs.find((j) => j.name === 'quick')!;
    expect(fs.readFileSync(path.join(tmp.dir, 'out/job-stdio', `${quick.job_key}_1.o`), 'utf8')).toBe('hello\n');
    expect(lines.some(([level, m]) => level === 'info' && m.includes('asked to stop'))).toBe(true);
  });

  it('When the answers to a claim and to a completion are lost, then the worker adopts the jobs it was given and does not report anything twice', async () => {
    const key = await createWorkflow(t.client, { name: 'lost-answers', jobs: ['a', 'b', 'c'].map((name) => ({ name, command: nodeEval('') })) });
    const lose = new Set(['claim_jobs', 'complete_jobs']);
    // The server does the work; the answer never arrives.
    const client = createPipeloomClient({
      baseUrl: t.url,
      fetch: async (request) => {
        const response = await fetch(request);
        const op = [...lose].find((o) => request.url.endsWith(`/${o}`));
        if (op) {
          lose.delete(op);
          throw new TypeError('fetch failed');
        }
        return response;
      },
    });
    const lines: string[] = [];
    const summary = await runWorker({ client, workflowKey: key, resources: { cpus: 3, memoryGb: 1, gpus: 0 }, outputDir: 'lost', cwd: tmp.dir, pollIntervalMs: 200, log: (_l, m) => lines.push(m) });

    expect(lose.size).toBe(0);
    expect(summary.reason).toBe('complete');
    expect(summary.counts).toEqual({ done: 3, failed: 0, canceled: 0, terminated: 0, rejected: 0 });
    expect(await statuses(t.client, key)).toEqual({ a: 'done', b: 'done', c: 'done' });
    const stored = (await results(t.client, key)).map((r) => r.job_key);
    expect(new Set(stored).size).toBe(3);
    expect(stored).toHaveLength(3);
    expect(lines.filter((m) => m.includes('whose answer was lost'))).toHaveLength(3);
    expect(lines.some((m) => m.includes('was already recorded'))).toBe(true);
  });

  it('When a claim answer is lost while a finished job waits for its completion to be accepted, then that job is not adopted and run again', async () => {
    const key = await createWorkflow(t.client, {
      name: 'lost-claim-pending-completion',
      jobs: [{ name: 'quick', command: nodeEval('') }, { name: 'slow', command: nodeEval('setTimeout(() => {}, 1500)') }, { name: 'after', command: nodeEval(''), blocked_by: ['quick'] }],
    });
    let claims = 0;
    let completions = 0;
    let claimLost!: () => void;
    const lostClaim = new Promise<void>((resolve) => (claimLost = resolve));
    const client = createPipeloomClient({
      baseUrl: t.url,
      fetch: async (request) => {
        // The first completion arrives only after the claim made meanwhile has lost its answer.
        if (request.url.endsWith('/complete_jobs') && completions++ === 0) await lostClaim;
        const response = await fetch(request);
        if (request.url.endsWith('/claim_jobs') && claims++ === 1) {
          claimLost();
          throw new TypeError('fetch failed');
        }
        return response;
      },
    });
    const lines: string[] = [];
    const summary = await runWorker({ client, workflowKey: key, resources: { cpus: 2, memoryGb: 1, gpus: 0 }, outputDir: 'pending', cwd: tmp.dir, pollIntervalMs: 200, log: (_l, m) => lines.push(m) });

    expect(claims).toBeGreaterThan(2);
    expect(summary.counts).toEqual({ done: 3, failed: 0, canceled: 0, terminated: 0, rejected: 0 });
    expect(summary.jobs).toHaveLength(3);
    expect(lines.filter((m) => m.includes('whose answer was lost'))).toEqual([]);
    expect(await results(t.client, key)).toHaveLength(3);
  });

  it('When a claim answer is lost just as the worker is told to stop, then the jobs it was given are handed back', async () => {
    const key = await createWorkflow(t.client, { name: 'lost-claim-on-stop', jobs: ['a', 'b'].map((name) => ({ name, command: nodeEval('') })) });
    const stop = new AbortController();
    const client = createPipeloomClient({
      baseUrl: t.url,
      fetch: async (request) => {
        const response = await fetch(request);
        if (request.url.endsWith('/claim_jobs') && !stop.signal.aborted) {
          stop.abort();
          throw new TypeError('fetch failed');
        }
        return response;
      },
    });
    const lines: string[] = [];
    const summary = await runWorker({ client, workflowKey: key, resources: { cpus: 2, memoryGb: 1, gpus: 0 }, outputDir: 'stop', cwd: tmp.dir, signal: stop.signal, log: (_l, m) => lines.push(m) });

    expect(summary.reason).toBe('signal');
    expect(summary.jobs).toEqual([]);
    expect(await statuses(t.client, key)).toEqual({ a: 'ready', b: 'ready' });
    expect(lines.filter((m) => m.includes('was handed back'))).toHaveLength(2);
  });
});
