// Drives Prisma's schema engine compiled to WebAssembly through a driver adapter, so migrations can be
// diffed with no native engine binary and no network. Used at development time only (db.mjs beside it);
// the server applies the committed SQL itself (packages/server/src/db/migrate.ts).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

const require = createRequire(import.meta.url);
const noFilter = { externalTables: [], externalEnums: [] };
/** SQLite tables that migrations create by hand because Prisma's schema cannot describe them: the FTS5
 *  free-text indexes of PLynx searches and the shadow tables FTS5 keeps for each. Diffs leave them alone. */
export const SQLITE_TABLES_OUTSIDE_SCHEMA = ['plynx_graph_text', 'plynx_node_text']
  .flatMap((t) => [t, ...['config', 'data', 'docsize', 'idx'].map((part) => `${t}_${part}`)]);
/** PostgreSQL indexes that migrations create by hand (GIN trigram indexes; the schema is shared with SQLite). */
export const PG_INDEXES_OUTSIDE_SCHEMA = ['plynx_graph', 'plynx_node'].flatMap((t) => [`${t}_title_trgm_idx`, `${t}_description_trgm_idx`]);
let SchemaEngine;

async function loadSchemaEngine() {
  if (SchemaEngine) return SchemaEngine;
  const gluePath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const glue = await import(pathToFileURL(gluePath).href);
  // The engine arms timers it never clears; unref them so a CLI run exits when its work is done.
  const imports = { ...glue };
  for (const k of Object.keys(glue)) {
    if (k.startsWith('__wbg_setTimeout_')) imports[k] = (fn, ms) => { const t = setTimeout(fn, ms >>> 0); t.unref?.(); return t; };
  }
  // Node 20 cannot import a .wasm ES module, so instantiate it by hand.
  const wasm = fs.readFileSync(gluePath.replace(/\.js$/, '.wasm'));
  const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), { './schema_engine_bg.js': imports });
  glue.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  SchemaEngine = glue.SchemaEngine;
  return SchemaEngine;
}

/** The folder layout Prisma's CLI hands the engine. */
function readMigrationsList(migrationsDir) {
  const lockPath = `${migrationsDir}/migration_lock.toml`;
  const dirs = fs.existsSync(migrationsDir) ? fs.readdirSync(migrationsDir, { withFileTypes: true }).filter((d) => d.isDirectory()) : [];
  return {
    baseDir: migrationsDir,
    lockfile: { path: 'migration_lock.toml', content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: dirs
      .map((d) => ({ path: d.name, migrationFile: { path: 'migration.sql', content: { tag: 'ok', value: fs.readFileSync(`${migrationsDir}/${d.name}/migration.sql`, 'utf8') } } }))
      .sort((a, b) => a.path.localeCompare(b.path)),
  };
}

/** An in-memory SQLite adapter whose shadow database accepts multi-statement scripts (the engine replays
 *  whole migrations through executeRaw, which better-sqlite3 rejects with "more than one statement"). */
export async function sqliteMemoryFactory() {
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
  const factory = new PrismaBetterSqlite3({ url: ':memory:' });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: () => factory.connect(),
    connectToShadowDb: async () => {
      const a = await factory.connectToShadowDb();
      const executeRaw = a.executeRaw.bind(a);
      a.executeRaw = async (q) => (q.args?.length ? executeRaw(q) : (await a.executeScript(q.sql), 0));
      // The engine reads a partial index's predicate with `name = "<index>"`, a double-quoted string that
      // better-sqlite3 (built without double-quoted string literals) takes for a column; quote it as a string.
      const queryRaw = a.queryRaw.bind(a);
      a.queryRaw = (q) => queryRaw({ ...q, sql: q.sql.replace(/^(SELECT sql FROM sqlite_master WHERE type = 'index' AND name = )"((?:[^"]|"")*)"/, (_, head, name) => `${head}'${name.replaceAll('""', '"').replaceAll("'", "''")}'`) });
      return a;
    },
  };
}

/** A PostgreSQL "adapter" with no server behind it: it answers only the version probe the engine sends on
 *  start, which is all a diff between two datamodels needs. */
export function offlinePgFactory() {
  const none = async () => { throw new Error('offline PostgreSQL stub has no database'); };
  const stub = () => ({
    provider: 'postgres',
    adapterName: 'offline-postgres-stub',
    queryRaw: async (q) => {
      if (q.sql.includes('server_version_num'))
        return { columnNames: ['exists', 'version', 'numeric_version'], columnTypes: [5, 7, 0], rows: [[true, 'PostgreSQL 15.0 (offline stub)', 150000]] };
      return none();
    },
    executeRaw: none,
    executeScript: none,
    startTransaction: none,
    dispose: async () => {},
  });
  return { provider: 'postgres', adapterName: 'offline-postgres-stub', connect: async () => stub(), connectToShadowDb: async () => stub() };
}

/** `schemaFiles`: every file of a (multi-file) schema, as `{ path, content }`. */
export async function openSchemaEngine({ schemaFiles, adapterFactory }) {
  const SE = await loadSchemaEngine();
  const opened = [];
  const tracked = { ...adapterFactory, connect: async () => { const a = await adapterFactory.connect(); opened.push(a); return a; } };
  const engine = await SE.new({ datamodels: schemaFiles.map((f) => [f.path, f.content]) }, () => {}, bindMigrationAwareSqlAdapterFactory(tracked));
  const to = { tag: 'schemaDatamodel', files: schemaFiles };
  const diff = async (from) => {
    const filters = adapterFactory.provider === 'sqlite' ? { ...noFilter, externalTables: SQLITE_TABLES_OUTSIDE_SCHEMA } : noFilter;
    const r = await engine.diff({ from, to, script: true, exitCode: true, filters });
    return { sql: r.stdout ?? '', changed: r.exitCode === 2 };
  };
  return {
    /** SQL from `from` (default: an empty database) to the schema. */
    diffSql: ({ from = { tag: 'empty' } } = {}) => diff(from),
    /** From the committed migrations (replayed on a shadow database) to the schema. */
    diffFromMigrations({ migrationsDir }) {
      const list = readMigrationsList(migrationsDir);
      return list.lockfile.content ? diff({ tag: 'migrations', ...list }) : diff({ tag: 'empty' });
    },
    async close() {
      engine.free();
      await Promise.allSettled(opened.map((a) => a.dispose()));
    },
  };
}
