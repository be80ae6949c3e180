// The same-run baselines for GET /torc-service/workflows/{key}: the same route answering the same row from the
// same database, with no validation, logging, identity or ORM. BASELINE=express is a bare Express 5 app,
// BASELINE=http raw node:http; the row comes from a prepared statement (better-sqlite3 on SQLite, a named pg
// statement on PostgreSQL). What Pipeloom's stack costs is the gap.
import http from 'node:http';
import Database from 'better-sqlite3';
import express from 'express';
import pg from 'pg';

type Row = { id: number; rev: number; name: string | null; user_name: string; description: string | null; timestamp: string; is_archived: number | boolean };

const SELECT = 'SELECT id, rev, name, user_name, description, timestamp, is_archived FROM torc_workflow WHERE id = ';
const url = process.env.DATABASE_URL!;

/** Reads one workflow row by id, prepared once. */
function rowReader(): (id: number) => Promise<Row | undefined> {
  if (url.startsWith('file:')) {
    const byId = new Database(url.slice('file:'.length), { readonly: true }).prepare(`${SELECT}?`);
    return async (id) => byId.get(id) as Row | undefined;
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  return async (id) => (await pool.query<Row>({ name: 'workflow-by-id', text: `${SELECT}$1`, values: [id] })).rows[0];
}

const toWire = (row: Row) => JSON.stringify({
  _key: String(row.id), _id: `workflows/${row.id}`, _rev: String(row.rev), name: row.name ?? undefined, user: row.user_name,
  description: row.description ?? undefined, timestamp: row.timestamp, is_archived: row.is_archived === 1 || row.is_archived === true,
});

const read = rowReader();
const port = Number(process.env.PORT);

if (process.env.BASELINE === 'express') {
  const app = express();
  app.get('/torc-service/workflows/:key', async (req, res) => {
    const row = await read(Number(req.params.key));
    if (!row) res.status(404).json({ error: true, code: 404 });
    else res.type('application/json').send(toWire(row));
  });
  app.listen(port, process.env.HOST!);
} else {
  const route = /^\/torc-service\/workflows\/(\d+)$/;
  http.createServer(async (req, res) => {
    const m = req.method === 'GET' ? route.exec(req.url ?? '') : null;
    const row = m ? await read(Number(m[1])) : undefined;
    if (!row) res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":true,"code":404}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(toWire(row));
  }).listen(port, process.env.HOST);
}
