// Opens the database named by the URL: migrates it, then hands back the Prisma client generated for its
// provider. Prisma bakes the provider into a generated client, so there are two; the SQLite one's type is
// the common denominator the repositories are written against.
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.ts';
import { PrismaClient as PgClient } from '../generated/postgresql/client.ts';
import { migrateDatabase, providerFromUrl, sqlitePath, type Provider } from './migrate.ts';

export type Db = InstanceType<typeof SqliteClient>;

export interface Database {
  db: Db;
  provider: Provider;
  close(): Promise<void>;
}

export async function openDatabase(url: string): Promise<Database> {
  const provider = providerFromUrl(url);
  await migrateDatabase(url);
  if (provider === 'sqlite') {
    const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3');
    const db = new SqliteClient({ adapter: new PrismaBetterSqlite3({ url: `file:${sqlitePath(url)}`, timeout: 15_000 }) });
    // Per-connection settings: durable enough with WAL, and foreign keys enforced for cascades.
    await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
    await db.$queryRawUnsafe('PRAGMA foreign_keys = ON');
    // A million-edge workflow touches four B-trees per edge; SQLite's default 2 MB page cache makes that
    // thrash. 64 MB of cache and in-memory temp tables keep bulk inserts and sorts fast.
    await db.$queryRawUnsafe('PRAGMA cache_size = -65536');
    await db.$queryRawUnsafe('PRAGMA temp_store = MEMORY');
    return { db, provider, close: () => db.$disconnect() };
  }
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const db = new PgClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  return { db, provider, close: () => db.$disconnect() };
}
