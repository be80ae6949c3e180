// Decides whether one answer to a hostile request is acceptable: never a 5xx, every 4xx a JSON body in the
// error shape of the family that owns the path (with WWW-Authenticate on a 401), messages of bounded
// size, and no body that shows a stack trace, SQL, the ORM or a file path of the server.
import os from 'node:os';
import path from 'node:path';
import type { IncomingHttpHeaders } from 'node:http';
import { moduleOf } from '../../packages/server/src/families.ts';
import type { FuzzRequest } from './generator.ts';

export interface FuzzResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Longest error message a client may be sent; a bad value echoed back is cut well before this. */
export const MAX_MESSAGE_CHARS = 2_100;

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');

const LEAKS: Array<[string, RegExp]> = [
  ['a stack trace', /\n?\s{4}at \S/],
  ['SQL text', /\b(SELECT\s[\s\S]{0,200}\sFROM|INSERT\s+INTO|UPDATE\s+"?\w+"?\s+SET|DELETE\s+FROM|CREATE\s+TABLE|syntax error at or near)\b/],
  ['the ORM', /prisma/i],
  ['a SQLite error', /SQLITE_|sqlite3?\b.*error/i],
  ['a PostgreSQL error', /relation "|violates (not-null|foreign key|unique|check) constraint|invalid byte sequence for encoding/i],
  ['a server file path', new RegExp(`${escape(REPO_ROOT)}|node_modules|${escape(path.join(os.tmpdir(), 'pipeloom-'))}|\\.ts:\\d+`)],
];

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

type Shape = (body: Record<string, unknown>, status: number) => string | undefined;

const str = (v: unknown) => typeof v === 'string';
const message = (v: unknown) => (!str(v) ? 'has no message' : (v as string).length > MAX_MESSAGE_CHARS ? `has a message of ${(v as string).length} characters` : undefined);

/** Each family's documented error body (see openapi/components/errors.yaml), and the server's own for paths no family owns. */
const SHAPES: Record<string, Shape> = {
  torc: (b, status) => (b.error !== true || b.code !== status || b.errorNum !== status || !str(b.pipeloomCode) ? 'is not a Torc error body' : message(b.errorMessage)),
  plynx: (b) => (b.status !== 'failed' || !str(b.code) ? 'is not a PLynx error body' : message(b.message)),
  dioptra: (b) => (!str(b.code) ? 'is not a Dioptra error body' : message(b.message)),
  flow: (b) => (b.status !== 'ERROR' || !str(b.code) ? 'is not a Flow error body' : message(b.msg)),
  neutral: (b) => (!str(b.code) ? 'is not the server error body' : message(b.message)),
};

/** The problems with `res` as the answer to `req`; empty when it is acceptable. */
export function judge(req: FuzzRequest, res: FuzzResponse): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  const text = res.body.toString('utf8');
  for (const [what, pattern] of LEAKS) if (pattern.test(text)) problems.push(`the body shows ${what}`);
  if (res.status >= 400 && req.method !== 'HEAD') {
    const pathname = req.target.split('?')[0]!;
    const family = moduleOf(pathname)?.name ?? 'neutral';
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push(`the ${res.status} body is not JSON`);
    }
    if (body !== undefined) {
      const wrong = body && typeof body === 'object' && !Array.isArray(body) ? SHAPES[family]!(body as Record<string, unknown>, res.status) : 'is not an object';
      if (wrong) problems.push(`the ${res.status} body ${wrong} (${family})`);
    }
    if (res.status === 401 && !res.headers['www-authenticate']) problems.push('the 401 carries no WWW-Authenticate');
  }
  return problems;
}

/** A body as it is shown in a failure report. */
export function excerpt(res: FuzzResponse): string {
  const text = res.body.toString('utf8');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}
