// `npm run admin -- users ...`: manage the identity store from the server's machine. The server reads the
// store on every request, so changes made here count without a restart.
import { Command } from 'commander';
import { systemClock, type Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { IdentityService } from './identity-service.ts';

export interface AdminOutput {
  out(line: string): void;
  /** The time expiries are counted from; the system clock by default. */
  clock?: Clock;
}

export function adminProgram(identity: IdentityService, { out, clock = systemClock }: AdminOutput): Command {
  const now = () => clock.now();
  const program = new Command('pipeloom-admin').description('Administer a Pipeloom server\'s database').exitOverride();
  const users = program.command('users').description('Users and API tokens of the identity store');

  users.command('add <username>').description('Add a user')
    .option('--password <password>', 'Password for HTTP Basic sign-in (omit for a token-only user)')
    .option('--admin', 'Make the user an administrator', false)
    .action(async (username: string, opts: { password?: string; admin: boolean }) => {
      await identity.addUser(username, { password: opts.password, isAdmin: opts.admin });
      out(`Added ${opts.admin ? 'administrator' : 'user'} ${username}.`);
      out(`Give them an API token with: npm run admin -- users token ${username}`);
    });

  users.command('password <username>').description('Set a user\'s password')
    .requiredOption('--password <password>', 'The new password')
    .action(async (username: string, opts: { password: string }) => {
      await identity.setPassword(username, opts.password);
      out(`Password of ${username} changed.`);
    });

  users.command('list').description('List users').action(async () => {
    const rows = await identity.listUsers();
    if (!rows.length) return out('No users: the server runs in single-user mode unless PIPELOOM_TOKENS is set.');
    for (const u of rows) {
      const flags = [u.active ? 'active' : 'deactivated', u.isAdmin ? 'admin' : '', u.hasPassword ? 'password' : 'tokens only'].filter(Boolean);
      out(`${u.username}\t${flags.join(', ')}\tcreated ${u.createdAt.toISOString()}`);
    }
  });

  users.command('deactivate <username>').description('Stop a user\'s passwords and tokens from working').action(async (username: string) => {
    await identity.deactivate(username);
    out(`Deactivated ${username}: their password and tokens are refused from the next request on.`);
  });

  users.command('activate <username>').description('Let a deactivated user sign in again').action(async (username: string) => {
    await identity.activate(username);
    out(`Activated ${username}.`);
  });

  users.command('token <username>').description('Issue a new API token (shown only once)')
    .option('--name <name>', 'A label to recognise the token by', 'api')
    .option('--expires-in <duration>', 'Make it stop working after this long: 90m, 12h, 30d, 1w2d, ...')
    .action(async (username: string, opts: { name: string; expiresIn?: string }) => {
      const expiresAt = opts.expiresIn === undefined ? undefined : new Date(now() + parseDuration(opts.expiresIn));
      const token = await identity.issueToken(username, opts.name, { expiresAt });
      out(`API token for ${username} (${opts.name})${expiresAt ? `, valid until ${expiresAt.toISOString()}` : ''}; it is shown only this once:`);
      out('');
      out(`  ${token}`);
      out('');
      out('Use it as:  Authorization: Bearer <token>');
      out('       or:  export PIPELOOM_TOKEN=<token>   (the pipeloom CLI and SDK read it)');
    });

  users.command('tokens <username>').description('List a user\'s API tokens (never the tokens themselves)').action(async (username: string) => {
    const rows = await identity.listTokens(username);
    if (!rows.length) return out(`${username} has no API tokens.`);
    out(['id', 'name', 'created', 'last used', 'expires', 'revoked'].join('\t'));
    for (const t of rows) out([String(t.id), t.name, iso(t.createdAt), iso(t.lastUsedAt), iso(t.expiresAt), iso(t.revokedAt)].join('\t'));
  });

  users.command('expire-token <id>').description('Make an API token stop working now, or at another time')
    .option('--at <iso>', 'When it stops working (ISO 8601, e.g. 2027-01-31T18:00:00Z); now by default')
    .action(async (id: string, opts: { at?: string }) => {
      const at = opts.at === undefined ? undefined : parseInstant(opts.at);
      const token = await identity.expireToken(parseId(id), at);
      out(`Token ${token.id} (${token.name}) expires at ${iso(token.expiresAt)}.`);
    });

  users.command('revoke-token <id>').description('Stop an API token from working, for good').action(async (id: string) => {
    const token = await identity.revokeToken(parseId(id));
    out(`Token ${token.id} (${token.name}) is revoked: it is refused from the next request on.`);
  });

  return program;
}

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Milliseconds in a duration such as `90m`, `12h`, `30d` or `1w2d`. */
export function parseDuration(text: string): number {
  const parts = [...text.trim().matchAll(/(\d+)([smhdw])/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text.trim()) {
    throw new AppError('INVALID_ARGUMENT', `--expires-in must be a duration such as 90m, 12h, 30d or 1w2d, got "${text}"`);
  }
  const ms = parts.reduce((sum, [, n, unit]) => sum + Number(n) * UNIT_MS[unit!]!, 0);
  if (ms <= 0) throw new AppError('INVALID_ARGUMENT', '--expires-in must be longer than zero');
  return ms;
}

function parseInstant(text: string): Date {
  // Only full ISO 8601 date-times with a zone, so "01/02/2027" cannot mean two different days.
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime())) throw new AppError('INVALID_ARGUMENT', `--at must be an ISO 8601 time with a zone, e.g. 2027-01-31T18:00:00Z; got "${text}"`);
  return at;
}

function parseId(text: string): number {
  if (!/^\d+$/.test(text)) throw new AppError('INVALID_ARGUMENT', `A token id is a whole number (see users tokens <username>), got "${text}"`);
  return Number(text);
}

const iso = (d: Date | null) => (d ? d.toISOString() : '-');
