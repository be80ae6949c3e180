// `npm run bench`: throughput figures, each beside a baseline or anchor measured or cited in the same run.
// Usage: npm run bench [-- --seconds 10] [-- --only get,torc-data,torc-lifecycle,worker,plynx-run] [-- --scale 0.1]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { migrateDatabase } from '../packages/server/src/db/migrate.ts';
import { fmt, requestsPerSecond, startChild, type Child } from './lib.ts';
import { benchPlynxRun } from './plynx-run.ts';
import { benchTorcData } from './torc-data.ts';
import { benchTorcLifecycle } from './torc-lifecycle.ts';
import { benchWorker } from './worker.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, only: { type: 'string' }, scale: { type: 'string', default: '1' } } });
const seconds = Number(values.seconds);
const wanted = (name: string) => !values.only || values.only.split(',').includes(name);
const root = path.resolve(import.meta.dirname, '..');

/** Runs `fn` against a Pipeloom server on a fresh temporary SQLite database. */
async function withServer(fn: (server: Child, databaseUrl: string) => Promise<void>): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-bench-'));
  const databaseUrl = `file:${path.join(dir, 'bench.db')}`;
  await migrateDatabase(databaseUrl);
  const server = await startChild(path.join(root, 'packages/server/src/main.ts'), { DATABASE_URL: databaseUrl }, '/torc-service/ping');
  try {
    await fn(server, databaseUrl);
  } finally {
    await server.stop().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchGetByKey(server: Child, databaseUrl: string): Promise<void> {
  const client = createPipeloomClient({ baseUrl: server.url });
  const workflow = await unwrap(client.POST('/torc-service/workflows', { body: { user: 'bench', name: 'get-by-key', description: 'benchmark target' } }));
  const target = `/torc-service/workflows/${workflow._key}`;
  const ours = await requestsPerSecond(server.url + target, seconds);
  await server.stop();
  const baseline = await startChild(path.join(root, 'bench/baseline-server.ts'), { DATABASE_URL: databaseUrl }, target);
  const raw = await requestsPerSecond(baseline.url + target, seconds);
  await baseline.stop();
  console.log(`GET ${target} (${seconds} s, 16 connections)`);
  console.log(`  pipeloom (express 5 + openapi validation + pino + prisma): ${fmt(ours)} req/s`);
  console.log(`  baseline (node:http + better-sqlite3, same database):      ${fmt(raw)} req/s`);
  console.log(`  ratio pipeloom / baseline:                                  ${fmt(ours / raw, 2)}`);
}

console.log(`Pipeloom bench on ${os.cpus().length} cores, Node ${process.version}, SQLite\n`);
if (wanted('get')) await withServer(benchGetByKey);
if (wanted('torc-data')) await withServer((server) => benchTorcData(server.url));
if (wanted('torc-lifecycle')) await withServer((server) => benchTorcLifecycle(server.url, { cycleSeconds: seconds, scale: Number(values.scale) }));
if (wanted('worker')) await withServer((server) => benchWorker(server.url, { jobs: Math.round(10_000 * Number(values.scale)), workers: 4 }));
if (wanted('plynx-run')) await withServer((server) => benchPlynxRun(server.url, { nodes: Math.round(1000 * Number(values.scale)), chain: Math.max(2, Math.round(200 * Number(values.scale))) }));
