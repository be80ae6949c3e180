// `npm run admin -- <command>`: opens DATABASE_URL (or --url) the way the server does, migrating it first so
// users can be added before the server's first start, and runs one administration command.
import { CommanderError } from 'commander';
import { DEFAULT_DATABASE_URL, resolveDatabaseUrl } from './config.ts';
import { openDatabase } from './db/client.ts';
import { AppError } from './errors.ts';
import { adminProgram } from './identity/admin-command.ts';
import { createIdentity } from './identity/composition.ts';

const args = process.argv.slice(2);
// --url is taken here rather than by commander, because it decides which database the commands run on.
const urlAt = args.indexOf('--url');
const url = resolveDatabaseUrl(urlAt >= 0 ? args.splice(urlAt, 2)[1] ?? '' : process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL);

try {
  const database = await openDatabase(url);
  try {
    const program = adminProgram(createIdentity(database.db), { out: (line) => process.stdout.write(`${line}\n`) });
    await program.parseAsync(args, { from: 'user' });
  } finally {
    await database.close();
  }
} catch (e) {
  if (e instanceof CommanderError) process.exitCode = e.exitCode;
  else {
    process.stderr.write(`pipeloom admin: ${e instanceof AppError ? e.message : (e as Error).message}\n`);
    process.exitCode = 1;
  }
}
