import { openDatabase } from '../../packages/server/src/db/client.ts';
import { Prisma } from '../../packages/server/src/generated/sqlite/client.ts';
import Database from 'better-sqlite3';
const url = 'file:/tmp/mb/db.sqlite';
const { db } = await openDatabase(url);
await db.$executeRaw`INSERT INTO torc_workflow (rev, name, user_name, description, timestamp, is_archived) VALUES (1,'x','u','d','t',0)`.catch(e=>console.log(e.message));
const N = 5000;
async function time(label: string, fn: () => unknown) {
  for (let i = 0; i < 500; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < N; i++) await fn();
  console.log(label, ((performance.now() - t) * 1000 / N).toFixed(1), 'µs');
}
await time('prisma $queryRaw', () => db.$queryRaw`SELECT id, rev, name FROM torc_workflow WHERE id = ${1}`);
await time('prisma findUnique', () => db.torcWorkflow.findUnique({ where: { id: 1 } }));
const raw = new Database('/tmp/mb/db.sqlite');
const st = raw.prepare('SELECT id, rev, name FROM torc_workflow WHERE id = ?');
await time('better-sqlite3 prepared', () => st.get(1));
await time('better-sqlite3 prepare each', () => raw.prepare('SELECT id, rev, name FROM torc_workflow WHERE id = ?').get(1));
console.log(await db.$queryRaw`SELECT id, rev, name, is_archived, timestamp FROM torc_workflow WHERE id = ${1}`);
const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
const adapter = await new PrismaBetterSqlite3({ url }).connect();
const q = { sql: 'SELECT id, rev, name, is_archived, timestamp FROM torc_workflow WHERE id = ?', args: [1], argTypes: [{ scalarType: 'int', arity: 'scalar' }] };
await time('adapter.queryRaw', () => adapter.queryRaw(q as never));
console.log(JSON.stringify(await adapter.queryRaw(q as never), (k, v) => typeof v === 'bigint' ? `${v}n` : v));
