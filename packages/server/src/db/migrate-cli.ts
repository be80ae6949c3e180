// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or --url), as the server does at start.
// A relative SQLite path resolves exactly as it does for `npm start`.
import { parseArgs } from 'node:util';
import { resolveDatabaseUrl } from '../config.ts';
import { ConfigError } from '../env.ts';
import { migrateDatabase, providerFromUrl } from './migrate.ts';
import { DEFAULT_DATABASE_URL } from '../config.ts';

try {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const url = resolveDatabaseUrl(values.url ?? (process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL));
  try {
    providerFromUrl(url);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  const applied = await migrateDatabase(url);
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'No pending migrations.');
} catch (e) {
  process.stderr.write(`pipeloom db:migrate: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
