// Torc part 2 targets (issue 5): initialize a big graph, all-to-all dependencies, claim latency, and job
// cycles per second from several client processes. Each figure is printed with its goal and anchor.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createPipeloomClient, unwrap, type PipeloomClient } from '@pipeloom/sdk';
import os from 'node:os';
import { cpuMsOf, fmt, sequentialLatency, type Child } from './lib.ts';

const root = path.resolve(import.meta.dirname, '..');

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

async function atRunOne(client: PipeloomClient, key: string) {
  const status = await unwrap(client.GET('/torc-service/workflows/{key}/status', { params: { path: { key } } }));
  await unwrap(client.PUT('/torc-service/workflows/{key}/status', { params: { path: { key } }, body: { _key: status._key, _rev: status._rev, run_id: 1, is_canceled: false, auto_tune_status: { enabled: false, job_keys: [] } } }));
  return (await unwrap(client.POST('/torc-service/workflows/{workflow}/compute_nodes', { params: { path: { workflow: key } }, body: { hostname: 'bench', pid: 1, start_time: new Date().toISOString(), resources: { num_cpus: 64, memory_gb: 256 } } })))._key!;
}

const create = (client: PipeloomClient, spec: unknown) => unwrap(client.POST('/torc-service/workflow_specifications', { body: spec as never }));
const initialize = (client: PipeloomClient, key: string) => unwrap(client.POST('/torc-service/workflows/{key}/initialize_jobs', { params: { path: { key } }, body: {} }));

export async function benchTorcLifecycle(server: Child, options: { cycleSeconds: number; scale: number }): Promise<void> {
  const baseUrl = server.url;
  const client = createPipeloomClient({ baseUrl });
  const n = Math.round(100_000 * options.scale);

  // 1. initialize_jobs on n jobs with 2n blocks edges (job i is blocked by i-1 and i-2).
  const chain = {
    user: 'bench', name: 'init',
    jobs: Array.from({ length: n }, (_, i) => ({ name: `j${i}`, command: 'true', blocked_by: [i - 1, i - 2].filter((k) => k >= 0).map((k) => `j${k}`) })),
  };
  const wf = await create(client, chain);
  const [, initSeconds] = await timed(() => initialize(client, wf._key!));
  console.log(`initialize_jobs on ${fmt(n)} jobs with ${fmt(2 * n - 3)} edges`);
  console.log(`  pipeloom: ${fmt(initSeconds, 2)} s   goal <= 2 s`);

  // 2. m x m all-to-all dependencies, created and initialized.
  const m = Math.round(1000 * Math.sqrt(options.scale));
  const all = {
    user: 'bench', name: 'all-to-all',
    jobs: [
      ...Array.from({ length: m }, (_, i) => ({ name: `a${i}`, command: 'true' })),
      ...Array.from({ length: m }, (_, i) => ({ name: `b${i}`, command: 'true', blocked_by: Array.from({ length: m }, (_, k) => `a${k}`) })),
    ],
  };
  const [allSeconds] = await timed(async () => {
    const w = await create(client, all);
    await initialize(client, w._key!);
  }).then(([, s]) => [s]);
  console.log(`${fmt(m)} x ${fmt(m)} all-to-all dependencies (${fmt(m * m)} blocks edges) created and initialized`);
  console.log(`  pipeloom: ${fmt(allSeconds!, 2)} s   goal <= 5 s   anchor: Torc-Rust ~45 s`);

  // 3. Claim latency with n ready jobs.
  const ready = await create(client, { user: 'bench', name: 'ready', jobs: Array.from({ length: n }, (_, i) => ({ name: `r${i}`, command: 'true' })) });
  await atRunOne(client, ready._key!);
  await initialize(client, ready._key!);
  console.log(`prepare_jobs_for_submission latency with ${fmt(n)} ready jobs (200 claims of 10 per sort method)`);
  for (const sortMethod of ['gpus_runtime_memory', 'gpus_memory_runtime', 'none'] as const) {
    const claim = () => unwrap(client.POST('/torc-service/workflows/{key}/prepare_jobs_for_submission', { params: { path: { key: ready._key! }, query: { limit: 10, sort_method: sortMethod } }, body: { num_cpus: 10, memory_gb: 64 } }));
    const { p50, p99 } = await sequentialLatency(claim, 200);
    console.log(`  pipeloom, ${`${sortMethod}:`.padEnd(20)} p50 ${fmt(p50, 1)} ms, p99 ${fmt(p99, 1)} ms   goal p99 <= 5 ms`);
  }
  // The same client and server answering the smallest read: what any request's tail costs on this machine.
  const get = await sequentialLatency(() => unwrap(client.GET('/torc-service/workflows/{key}', { params: { path: { key: ready._key! } } })), 600);
  console.log(`  reference, GET the workflow the same way: p50 ${fmt(get.p50, 1)} ms, p99 ${fmt(get.p99, 1)} ms (see the GET section for raw node:http)`);

  // 4. Job cycles per second: 4 client processes claim, start and complete, per job and batched.
  for (const mode of ['per-job', 'batch'] as const) {
    const cyc = await create(client, {
      user: 'bench', name: `cycles-${mode}`,
      // 1,000 chains side by side: plenty of ready work, and every completion releases a child.
      jobs: Array.from({ length: n }, (_, i) => ({ name: `c${i}`, command: 'true', blocked_by: i < 1000 ? [] : [`c${i - 1000}`] })),
    });
    const node = await atRunOne(client, cyc._key!);
    await initialize(client, cyc._key!);
    const serverCpuAtStart = cpuMsOf(server.pid);
    const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<{ cycles: number; startedAt: number; endedAt: number; cpuMs: number }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--conditions=pipeloom-source', '--import', 'tsx', path.join(root, 'bench/cycler.ts'), baseUrl, cyc._key!, node, String(options.cycleSeconds), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
      child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`cycler exited ${code}`))));
    })));
    const cycles = runs.reduce((a, r) => a + r.cycles, 0);
    const cycleSeconds = (Math.max(...runs.map((r) => r.endedAt)) - Math.min(...runs.map((r) => r.startedAt))) / 1000;
    const how = mode === 'batch'
      ? `claim_jobs (claim and start ${process.env.PIPELOOM_BENCH_BATCH ?? 250}) + complete_jobs (Pipeloom extension)`
      : 'prepare_next_jobs_for_submission (20), start_job, complete_job per job';
    console.log(`job cycles, ${how}; 4 client processes, ${fmt(n)}-job workflow, children released synchronously`);
    console.log(`  pipeloom: ${fmt(cycles / cycleSeconds)} cycles/s (${fmt(cycles)} in ${fmt(cycleSeconds, 1)} s)   goal >= ${mode === 'batch' ? '10,000' : '1,500'}/s   anchors: Torc-Rust 2,000+/s, Torc on ArangoDB ~33/s`);
    // What bounds the figure: the CPU one cycle costs the server and the clients, which share this machine's cores.
    const serverMs = (cpuMsOf(server.pid) - serverCpuAtStart) / cycles;
    const clientMs = runs.reduce((a, r) => a + r.cpuMs, 0) / cycles;
    const cores = os.availableParallelism();
    console.log(`  CPU per cycle: server ${fmt(serverMs, 2)} ms, the 4 clients ${fmt(clientMs, 2)} ms; so ${cores} shared cores allow at most ${fmt(cores * 1000 / (serverMs + clientMs))} cycles/s, and the server's one event loop at most ${fmt(1000 / serverMs)}/s`);
  }
}
