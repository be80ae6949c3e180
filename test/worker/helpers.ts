// Shared pieces of the worker suites: workflows created through the SDK, workers run as real processes
// (the `pipeloom worker` bin, which runs the SDK built by test/global-setup.ts), and small Node scripts the jobs run.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quote } from 'shell-quote';
import { unwrap, type PipeloomClient, type components } from '@pipeloom/sdk';
import type { WorkerSummary } from '../../packages/sdk/src/worker/worker.ts';

export const root = path.resolve(import.meta.dirname, '../..');
// The `pipeloom` bin, exactly as it ships: it runs packages/sdk/dist.
const bin = path.join(root, 'packages/sdk/bin/pipeloom.js');

type Spec = components['schemas']['workflow_specification_model'];
type Job = components['schemas']['job_model'];

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A temporary directory the jobs run in, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-worker-'));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A command line that runs `node <script> ...args`, quoted for the worker's shell-free splitting. */
export const node = (script: string, ...args: string[]) => quote([process.execPath, script, ...args]);

/** A command line that runs `node -e <code> ...args`. */
export const nodeEval = (code: string, ...args: string[]) => quote([process.execPath, '-e', code, ...args]);

/** Creates a workflow from a specification, starts run 1 and initializes its jobs, as `torc workflows start` does. */
export async function createWorkflow(client: PipeloomClient, spec: Spec): Promise<string> {
  const w = await unwrap(client.POST('/torc-service/workflow_specifications', { body: { user: 'tester', ...spec } }));
  const key = w._key!;
  const status = await unwrap(client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
  await unwrap(client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
  await unwrap(client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
  return key;
}

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves when the process exits, with its code, the summary it printed and its log. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; summary?: WorkerSummary; log: string }>;
  log(): string;
}

/** Starts `pipeloom worker <key> --url <url> ...args` in `cwd`. */
export function startWorker(url: string, key: string, cwd: string, args: string[] = []): WorkerProcess {
  return spawnWorker(url, [key], cwd, args);
}

/** Starts `pipeloom worker --queue <queue> --url <url> ...args` in `cwd`. */
export function startQueueWorker(url: string, queue: string, cwd: string, args: string[] = []): WorkerProcess {
  return spawnWorker(url, ['--queue', queue], cwd, args);
}

function spawnWorker(url: string, what: string[], cwd: string, args: string[]): WorkerProcess {
  const child = spawn(process.execPath, [bin, 'worker', ...what, '--url', url, '--poll-interval', '0.3', ...args], {
    cwd,
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; summary?: WorkerSummary; log: string }>((resolve) => {
    child.once('close', (code, signal) => {
      const line = out.trim().split('\n').pop();
      let summary: WorkerSummary | undefined;
      try {
        summary = line ? JSON.parse(line) : undefined;
      } catch {
        summary = undefined;
      }
      resolve({ code, signal, summary, log: err });
    });
  });
  return { child, exited, log: () => err };
}

/** Waits for a worker to leave, failing (and killing it) after `ms`. */
export async function finished(worker: WorkerProcess, ms = 20_000) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      worker.child.kill('SIGKILL');
      reject(new Error(`the worker did not leave within ${ms} ms; its log:\n${worker.log()}`));
    }, ms);
  });
  try {
    return await Promise.race([worker.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls until `check` returns a truthy value. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(100);
  }
}

export async function jobs(client: PipeloomClient, workflow: string): Promise<Job[]> {
  return (await unwrap(client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow } } }))).items!;
}

export async function statuses(client: PipeloomClient, workflow: string): Promise<Record<string, string>> {
  return Object.fromEntries((await jobs(client, workflow)).map((j) => [j.name!, j.status!]));
}

export async function results(client: PipeloomClient, workflow: string) {
  return (await unwrap(client.GET('/torc-service/workflows/{workflow}/results', { params: { path: { workflow } } }))).items!;
}

export async function events(client: PipeloomClient, workflow: string) {
  return (await unwrap(client.GET('/torc-service/workflows/{workflow}/events', { params: { path: { workflow } } }))).items!;
}

/** Which compute node (hostname/pid) ran each job, by job name, from the `executed` edges. */
export async function executedBy(client: PipeloomClient, workflow: string): Promise<Record<string, string[]>> {
  const rows = (await unwrap(client.POST('/torc-service/workflows/{key}/join_by_inbound_edge/{collection}/{edge}', { params: { path: { key: workflow, collection: 'jobs', edge: 'executed' } }, body: {} }))).items;
  const by: Record<string, string[]> = {};
  for (const row of rows) (by[String(row.to.name)] ??= []).push(String(row.from._key));
  return by;
}

/** Waits until the named jobs are all `submitted` (running on a worker). */
export function running(client: PipeloomClient, workflow: string, names: string[], ms = 15_000) {
  return waitFor(`${names.join(', ')} to run`, async () => {
    const s = await statuses(client, workflow);
    return names.every((n) => s[n] === 'submitted');
  }, ms);
}
