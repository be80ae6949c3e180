// The same-run baseline: raw node:http + better-sqlite3 answering GET /torc-service/workflows/{key} from the
// same database file, with no framework, validation, logging or ORM. What Pipeloom's stack costs is the gap.
import http from 'node:http';
import Database from 'better-sqlite3';

const file = process.env.DATABASE_URL!.replace(/^file:/, '');
const db = new Database(file, { readonly: true });
const byId = db.prepare('SELECT id, rev, name, user_name, description, timestamp, is_archived FROM torc_workflow WHERE id = ?');
const route = /^\/torc-service\/workflows\/(\d+)$/;

http.createServer((req, res) => {
  const m = req.method === 'GET' ? route.exec(req.url ?? '') : null;
  const row = m ? (byId.get(Number(m[1])) as Record<string, unknown> | undefined) : undefined;
  if (!row) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":true,"code":404}');
    return;
  }
  const body = JSON.stringify({
    _key: String(row.id), _id: `workflows/${row.id}`, _rev: String(row.rev), name: row.name ?? undefined, user: row.user_name,
    description: row.description ?? undefined, timestamp: row.timestamp, is_archived: row.is_archived === 1,
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
}).listen(Number(process.env.PORT), process.env.HOST);
