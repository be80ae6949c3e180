// `npm run bench`: throughput figures, each beside a baseline or anchor measured or cited in the same run.
// Usage: npm run bench [-- --seconds 10] [-- --only get,torc-data,torc-lifecycle,worker,plynx-run,read-paths,million] [-- --scale 0.1]
//        [-- --database postgresql://user@host:5432/db]: each bench then gets a fresh database on that server.
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { migrateDatabase } from '../packages/server/src/db/migrate.ts';
import { fmt, freshDatabase, interleavedRates, sequentialLatency, startChild, type Child } from './lib.ts';
import { benchMillionJobs } from './million-jobs.ts';
import { benchPlynxRun } from './plynx-run.ts';
import { benchReadPaths } from './read-paths.ts';
import { benchTorcData } from './torc-data.ts';
import { benchTorcLifecycle } from './torc-lifecycle.ts';
import { benchWorker } from './worker.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, only: { type: 'string' }, scale: { type: 'string', default: '1' }, database: { type: 'string' } } });
const seconds = Number(values.seconds);
const wanted = (name: string) => !values.only || values.only.split(',').includes(name);
const root = path.resolve(import.meta.dirname, '..');

/** Runs `fn` against a Pipeloom server on a fresh database. */
async function withServer(fn: (server: Child, databaseUrl: string) => Promise<void>): Promise<void> {
  const database = await freshDatabase(values.database, 'bench');
  await migrateDatabase(database.url);
  const server = await startChild(path.join(root, 'packages/server/src/main.ts'), { DATABASE_URL: database.url }, '/torc-service/ping');
  try {
    await fn(server, database.url);
  } finally {
    await server.stop().catch(() => {});
    await database.drop();
  }
}

async function benchGetByKey(server: Child, databaseUrl: string): Promise<void> {
  const client = createPipeloomClient({ baseUrl: server.url });
  const workflow = await unwrap(client.POST('/torc-service/workflows', { body: { user: 'bench', name: 'get-by-key', description: 'benchmark target' } }));
  const target = `/torc-service/workflows/${workflow._key}`;
  // One connection, one request at a time: the round-trip floor the claim latency goal is measured against.
  const oneAtATime = (url: string) => sequentialLatency(async () => (await fetch(url)).arrayBuffer(), 2000);
  // The three servers run side by side (an idle one costs nothing) and are loaded in turn, slice by slice.
  const baseline = (kind: 'express' | 'http') => startChild(path.join(root, 'bench/baseline-server.ts'), { DATABASE_URL: databaseUrl, BASELINE: kind }, target);
  const children = [await baseline('express'), await baseline('http')];
  try {
    const urls = [server, ...children].map((c) => c.url + target);
    const { rates: [ours, bareExpress, rawHttp], perRound } = await interleavedRates(urls, seconds);
    const [oursLatency, expressLatency, rawLatency] = [await oneAtATime(urls[0]!), await oneAtATime(urls[1]!), await oneAtATime(urls[2]!)];
    const sliceRatios = perRound.map(([o, e]) => o! / e!);
    const percentiles = (l: { p50: number; p99: number }) => `p50 ${fmt(l.p50, 2)} ms, p99 ${fmt(l.p99, 2)} ms`;
    const driver = databaseUrl.startsWith('file:') ? 'better-sqlite3' : 'pg';
    console.log(`GET ${target} (${seconds} s each, 16 connections, in interleaved slices)`);
    console.log(`  pipeloom (express 5 + openapi validation + identity + pino + repositories): ${fmt(ours!)} req/s`);
    console.log(`  baseline: bare express 5 + ${driver} prepared statement, same route and row:  ${fmt(bareExpress!)} req/s   ratio ${fmt(ours! / bareExpress!, 2)} (slices ${fmt(Math.min(...sliceRatios), 2)}–${fmt(Math.max(...sliceRatios), 2)})   goal >= 0.70`);
    console.log(`  baseline: raw node:http + ${driver} prepared statement:                      ${fmt(rawHttp!)} req/s   ratio ${fmt(ours! / rawHttp!, 2)}`);
    console.log(`  one connection, 2,000 requests one at a time: pipeloom ${percentiles(oursLatency)}; bare express ${percentiles(expressLatency)}; raw node:http ${percentiles(rawLatency)}`);
  } finally {
    for (const child of children) await child.stop();
  }
}

console.log(`Pipeloom bench on ${os.cpus().length} cores, Node ${process.version}, ${values.database ? `PostgreSQL (${new URL(values.database).host})` : 'SQLite'}\n`);
if (wanted('get')) await withServer(benchGetByKey);
if (wanted('torc-data')) await withServer((server) => benchTorcData(server.url));
if (wanted('torc-lifecycle')) await withServer((server) => benchTorcLifecycle(server, { cycleSeconds: seconds, scale: Number(values.scale) }));
if (wanted('worker')) await withServer((server) => benchWorker(server.url, { jobs: Math.round(10_000 * Number(values.scale)), workers: 4 }));
if (wanted('plynx-run')) await withServer((server) => benchPlynxRun(server.url, { nodes: Math.round(1000 * Number(values.scale)), chain: Math.max(2, Math.round(200 * Number(values.scale))) }));
if (wanted('read-paths')) await withServer((server) => benchReadPaths(server.url, { rows: Math.round(10_000 * Number(values.scale)), database: values.database }));
if (wanted('million')) await withServer((server) => benchMillionJobs(server, { scale: Number(values.scale) }));
