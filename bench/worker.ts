// Worker target (issue 6): 10,000 trivial jobs (`true`) run by 4 worker processes on this machine. Prints
// jobs per second and the share of the workers' time spent waiting for claim answers (slots idle because of
// the server); Torc users report GPUs idling in the poll/claim/report cycle (NatLabRockies/torc #276).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { fmt } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');

interface Summary { durationSeconds: number; claimWaitSeconds: number; counts: { done: number } }

export async function benchWorker(baseUrl: string, options: { jobs: number; workers: number }): Promise<void> {
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
    const child = spawn(process.execPath, [path.join(root, 'packages/sdk/bin/pipeloom.js'), 'worker', key, '--url', baseUrl, '--cpus', '4', '--memory', '8',
      '--output-dir', path.join(outputDir, `w${i}`), '--poll-interval', '1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Summary) : reject(new Error(`worker exited ${code}`))));
  })));
  const seconds = (performance.now() - started) / 1000;
  fs.rmSync(outputDir, { recursive: true, force: true });
  const done = summaries.reduce((a, s) => a + s.counts.done, 0);
  const waited = summaries.reduce((a, s) => a + s.claimWaitSeconds, 0) / summaries.reduce((a, s) => a + s.durationSeconds, 0);
  console.log(`worker: ${fmt(options.jobs)} trivial jobs (\`true\`), ${options.workers} worker processes with 4 slots each, one machine`);
  console.log(`  pipeloom: ${fmt(done / seconds)} jobs/s (${fmt(done)} in ${fmt(seconds, 1)} s, worker start-up included); workers waited for claim answers ${fmt(waited * 100, 1)}% of their time`);
}
