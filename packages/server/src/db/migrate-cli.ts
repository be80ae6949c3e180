// `npm run db:migrate`: applies pending migrations to DATABASE_URL (or --url), as the server does at start.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { migrateDatabase } from './migrate.ts';

const { values } = parseArgs({ options: { url: { type: 'string' } } });
const url = values.url ?? loadConfig().databaseUrl;
const applied = await migrateDatabase(url);
console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(', ')}` : 'No pending migrations.');
