// "No query without an index": records the SQL statements a piece of code runs in this process (the server
// started in-process, Prisma and the driver path alike) and asks the database for each one's plan. A read
// that scans a table instead of using an index is a finding: SQLite's `SCAN <table>` with no `USING ...`,
// PostgreSQL's `Seq Scan` (or an index walked whole just to filter it, see pgSeqScans). Used by bench/read-paths.ts (10,000 rows), test/plynx/search-indexes.test.ts and test/torc/job-key-plans.test.ts.
import Database from 'better-sqlite3';
import pg from 'pg';
import { providerFromUrl, sqlitePath } from '../packages/server/src/db/migrate.ts';

export interface RecordedStatement {
  sql: string;
  /** The bound values as the driver received them. */
  params: unknown[];
}

export interface Recording {
  /** Distinct statement texts seen since the recording started, each with its first bound values. */
  readonly statements: RecordedStatement[];
  stop(): void;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Wraps `name` of `proto` so each call reports its statement first; answers the undo. */
function wrap(proto: Record<string, unknown>, name: string, report: (self: unknown, args: unknown[]) => void): () => void {
  const original = proto[name] as Method;
  proto[name] = function (this: unknown, ...args: unknown[]) {
    report(this, args);
    return original.apply(this, args);
  };
  return () => { proto[name] = original; };
}

/** Starts recording every statement run through better-sqlite3 or pg in this process. */
export function recordStatements(): Recording {
  const seen = new Map<string, RecordedStatement>();
  const note = (sql: string, params: unknown[]) => { if (!seen.has(sql)) seen.set(sql, { sql, params }); };
  const probe = new Database(':memory:');
  const statementProto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  // better-sqlite3 takes either spread values or one array of them, at the call or once through bind().
  const values = (args: unknown[]) => (args.length === 1 && Array.isArray(args[0]) ? args[0] : args);
  const bound = new WeakMap<object, unknown[]>();
  const undo = [
    wrap(statementProto, 'bind', (self, args) => bound.set(self as object, values(args))),
    ...['all', 'get', 'run', 'iterate'].map((m) => wrap(statementProto, m, (self, args) =>
      note((self as { source: string }).source, args.length ? values(args) : bound.get(self as object) ?? []))),
    wrap(pg.Client.prototype as unknown as Record<string, unknown>, 'query', (_self, args) => {
      const [config, values] = args as [string | { text?: string; values?: unknown[] } | undefined, unknown];
      const text = typeof config === 'string' ? config : config?.text;
      if (text) note(text, Array.isArray(values) ? values : (typeof config === 'object' && config.values) || []);
    }),
  ];
  return { get statements() { return [...seen.values()]; }, stop: () => undo.forEach((u) => u()) };
}

export interface ScanFinding {
  sql: string;
  table: string;
  rows: number;
  /** The plan, one line per step. */
  plan: string[];
}

export interface PlanOptions {
  /** Tables with fewer rows are not reported (default 10,000). */
  minRows?: number;
  /** Only these tables are reported (default: every table). */
  tables?: string[];
  /**
   * PostgreSQL only: plan with `enable_seqscan = off`, so that a Seq Scan means no index could serve the
   * statement at all (on small tables the planner rightly prefers scanning). Otherwise the database is
   * vacuumed and analyzed first and the plan is the one the server would run.
   */
  forceIndexes?: boolean;
}

export interface PlanReport {
  /** The SELECT statements planned. */
  checked: number;
  findings: ScanFinding[];
}

const isRead = (sql: string) => /^\s*(SELECT|WITH)\b/i.test(sql);

/** Plans every recorded read on the database at `url` and reports those that scan a table unindexed. */
export async function unindexedScans(url: string, statements: RecordedStatement[], options: PlanOptions = {}): Promise<PlanReport> {
  const reads = statements.filter((s) => isRead(s.sql));
  const minRows = options.minRows ?? 10_000;
  const wanted = (table: string) => !options.tables || options.tables.includes(table);
  const findings = providerFromUrl(url) === 'sqlite' ? sqliteScans(url, reads) : await pgScans(url, reads, options.forceIndexes ?? false);
  return { checked: reads.length, findings: findings.filter((f) => wanted(f.table) && f.rows >= minRows) };
}

/** SQLite's plan of a statement, one line per step. */
function sqlitePlanOn(db: Database.Database, s: RecordedStatement): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...s.params) as Array<{ detail: string }>).map((r) => r.detail);
}

/** SQLite's plan of each statement, on the database file at `url`, one line per step. */
export function sqlitePlans(url: string, statements: RecordedStatement[]): string[][] {
  const db = new Database(sqlitePath(url), { readonly: true });
  try {
    return statements.map((s) => sqlitePlanOn(db, s));
  } finally {
    db.close();
  }
}

function sqliteScans(url: string, reads: RecordedStatement[]): ScanFinding[] {
  const db = new Database(sqlitePath(url), { readonly: true });
  try {
    const tables = new Set((db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as Array<{ name: string }>).map((r) => r.name));
    const rows = (table: string) => (db.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as { n: number }).n;
    const out: ScanFinding[] = [];
    for (const s of reads) {
      const plan = sqlitePlanOn(db, s);
      // `SCAN t` or `SCAN t AS a`, with nothing after: no index, no rowid range, no virtual table index.
      for (const line of plan) {
        const table = /^SCAN (\w+)(?: AS \w+)?$/.exec(line)?.[1];
        if (table && tables.has(table)) out.push({ sql: s.sql, table, rows: rows(table), plan });
      }
    }
    return out;
  } finally {
    db.close();
  }
}

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Filter?: string;
  Plans?: PgPlanNode[];
}

function pgLines(node: PgPlanNode, depth = 0): string[] {
  const self = `${'  '.repeat(depth)}${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${node['Relation Name'] ? ` on ${node['Relation Name']}` : ''}${node['Index Cond'] ? ` (${node['Index Cond']})` : ''}${node.Filter ? ` filter ${node.Filter}` : ''}`;
  return [self, ...(node.Plans ?? []).flatMap((p) => pgLines(p, depth + 1))];
}

/**
 * Tables read whole: a Seq Scan, or an index walked end to end only to filter its rows (no Index Cond), which
 * is what PostgreSQL does instead of a scan it was told to avoid when no index can serve the filter. Under a
 * Limit, such a walk is a read in the index's order that stops after the page (SQLite's `SCAN t USING INDEX`).
 */
function pgSeqScans(node: PgPlanNode, limited = false): string[] {
  const walked = (node['Node Type'] === 'Index Scan' || node['Node Type'] === 'Index Only Scan') && !node['Index Cond'] && node.Filter !== undefined && !limited;
  const here = (node['Node Type'] === 'Seq Scan' || walked) && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...here, ...(node.Plans ?? []).flatMap((p) => pgSeqScans(p, limited || node['Node Type'] === 'Limit'))];
}

async function pgScans(url: string, reads: RecordedStatement[], forceIndexes: boolean): Promise<ScanFinding[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    if (forceIndexes) await client.query('SET enable_seqscan = off');
    // As autovacuum leaves a table in use: statistics gathered, visibility map set (index-only scans pay off).
    else await client.query('VACUUM ANALYZE');
    const out: ScanFinding[] = [];
    for (const s of reads) {
      const { rows } = await client.query<{ 'QUERY PLAN': Array<{ Plan: PgPlanNode }> }>(`EXPLAIN (FORMAT JSON) ${s.sql}`, s.params);
      const root = rows[0]!['QUERY PLAN'][0]!.Plan;
      for (const table of new Set(pgSeqScans(root))) {
        const count = await client.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM "${table}"`);
        out.push({ sql: s.sql, table, rows: count.rows[0]!.n, plan: pgLines(root) });
      }
    }
    return out;
  } finally {
    await client.end();
  }
}

/** The report as bench lines: every statement that scans a large table unindexed, with its plan. */
export function formatPlanReport(report: PlanReport): string[] {
  if (!report.findings.length) return [`  every one of ${report.checked} reads uses an index`];
  return [
    `  ${report.findings.length} of ${report.checked} reads scan a table without an index:`,
    ...report.findings.flatMap((f) => [
      `  - ${f.table} (${f.rows} rows): ${f.sql.replace(/\s+/g, ' ').trim()}`,
      ...f.plan.map((line) => `      ${line}`),
    ]),
  ];
}
