// `npm run bench`: throughput figures, each beside a baseline measured in the same run on this machine.
// Usage: npm run bench [-- --seconds 10]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { migrateDatabase } from '../packages/server/src/db/migrate.ts';
import { fmt, requestsPerSecond, startChild } from './lib.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
const seconds = Number(values.seconds);
const root = path.resolve(import.meta.dirname, '..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeloom-bench-'));
const databaseUrl = `file:${path.join(dir, 'bench.db')}`;
await migrateDatabase(databaseUrl);

console.log(`Pipeloom bench on ${os.cpus().length} cores, Node ${process.version}, SQLite at ${dir}\n`);

const pipeloom = await startChild(path.join(root, 'packages/server/src/main.ts'), { DATABASE_URL: databaseUrl }, '/torc-service/ping');
try {
  const client = createPipeloomClient({ baseUrl: pipeloom.url });
  const workflow = await unwrap(client.POST('/torc-service/workflows', { body: { user: 'bench', name: 'get-by-key', description: 'benchmark target' } }));
  const target = `/torc-service/workflows/${workflow._key}`;

  const ours = await requestsPerSecond(pipeloom.url + target, seconds);
  await pipeloom.stop();
  const baseline = await startChild(path.join(root, 'bench/baseline-server.ts'), { DATABASE_URL: databaseUrl }, target);
  const raw = await requestsPerSecond(baseline.url + target, seconds);
  await baseline.stop();

  console.log(`GET ${target} (${seconds} s, 16 connections)`);
  console.log(`  pipeloom (express 5 + openapi validation + pino + prisma): ${fmt(ours)} req/s`);
  console.log(`  baseline (node:http + better-sqlite3, same database):      ${fmt(raw)} req/s`);
  console.log(`  ratio pipeloom / baseline:                                  ${fmt(ours / raw, 2)}`);
} finally {
  await pipeloom.stop().catch(() => {});
  fs.rmSync(dir, { recursive: true, force: true });
}
