// Worker target (issue 6): 10,000 trivial jobs (`true`) run by 4 worker processes on this machine. Prints
// jobs per second and the share of the workers' time spent waiting for claim answers (slots idle because of
// the server); Torc users report GPUs idling in the poll/claim/report cycle (NatLabRockies/torc #276).
// Beside it, the bare spawn rate: the same machine spawning and reaping `true` with the same parallelism
// (4 processes x 4 at once) and no server; issue 15 asks for at least 0.7 of it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import buildSdk from '../test/global-setup.ts';
import { fmt } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');
// Another build of the CLI (e.g. a copy of dist/ from another commit) for A/B runs; the shipped bin by default.
const cli = process.env.PIPELOOM_BENCH_WORKER_CLI ?? path.join(root, 'packages/sdk/bin/pipeloom.js');

// One baseline process: spawns `true` `jobs` times, `slots` at once, and reaps each before starting the next.
const BARE_SPAWNER = `
const { spawn } = require('node:child_process');
let left = Number(process.argv[1]);
const next = () => { if (left-- <= 0) return; spawn('true', [], { stdio: 'ignore' }).once('exit', next); };
for (let i = 0; i < Number(process.argv[2]); i++) next();
`;

/** Jobs per second of bare spawning: `workers` processes, `slots` children each at once, `jobs` in all. */
async function bareSpawnRate(jobs: number, workers: number, slots: number): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, (_, i) => new Promise<void>((resolve, reject) => {
    const share = Math.floor(jobs / workers) + (i < jobs % workers ? 1 : 0);
    const child = spawn(process.execPath, ['-e', BARE_SPAWNER, String(share), String(slots)], { stdio: 'ignore' });
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`bare spawner exited ${code}`))));
  })));
  return jobs / ((performance.now() - started) / 1000);
}

interface Summary { durationSeconds: number; claimWaitSeconds: number; counts: { done: number } }

export async function benchWorker(baseUrl: string, options: { jobs: number; workers: number }): Promise<void> {
  // The bin runs the compiled SDK: build it when dist is missing or older than its sources.
  buildSdk();
  const client = createPipeloomClient({ baseUrl });
  const wf = await unwrap(client.POST('/torc-service/workflow_specifications', {
    body: { user: 'bench', name: 'worker', jobs: Array.from({ length: options.jobs }, (_, i) => ({ name: `t${i}`, command: 'true' })) } as never,
  }));
  const key = wf._key!;
  const status = await unwrap(client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
  await unwrap(client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
  await unwrap(client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-bench-worker-'));
  const started = performance.now();
  const summaries = await Promise.all(Array.from({ length: options.workers }, (_, i) => new Promise<Summary>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'worker', key, '--url', baseUrl, '--cpus', '4', '--memory', '8',
      '--output-dir', path.join(outputDir, `w${i}`), '--poll-interval', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let log = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    // The worker's log is shown only when it fails.
    child.stderr!.on('data', (c: Buffer) => { log = (log + c.toString()).slice(-4000); });
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Summary) : reject(new Error(`worker exited ${code}:\n${log}`))));
  })));
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(outputDir, { recursive: true, force: true });
  const done = summaries.reduce((a, s) => a + s.counts.done, 0);
  const waited = summaries.reduce((a, s) => a + s.claimWaitSeconds, 0) / summaries.reduce((a, s) => a + s.durationSeconds, 0);
  console.log(`worker: ${fmt(options.jobs)} trivial jobs (\`true\`), ${options.workers} worker processes with 4 slots each, one machine`);
  const bare = await bareSpawnRate(options.jobs, options.workers, 4);
  console.log(`  pipeloom: ${fmt(done / seconds)} jobs/s (${fmt(done)} in ${fmt(seconds, 1)} s, worker start-up included); workers waited for claim answers ${fmt(waited * 100, 1)}% of their time`);
  console.log(`  baseline (bare spawn and reap of \`true\`, ${options.workers} processes x 4 at once, no server): ${fmt(bare)} jobs/s`);
  console.log(`  ratio pipeloom / baseline: ${fmt(done / seconds / bare, 2)} (goal >= 0.7)`);
}
