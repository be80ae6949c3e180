// `npm run admin -- users ...`: manage the identity store from the server's machine. The server reads the
// store on every request, so changes made here count without a restart.
import { Command } from 'commander';
import type { IdentityService } from './identity-service.ts';

export interface AdminOutput {
  out(line: string): void;
}

export function adminProgram(identity: IdentityService, { out }: AdminOutput): Command {
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
    .action(async (username: string, opts: { name: string }) => {
      const token = await identity.issueToken(username, opts.name);
      out(`API token for ${username} (${opts.name}); it is shown only this once:`);
      out('');
      out(`  ${token}`);
      out('');
      out('Use it as:  Authorization: Bearer <token>');
      out('       or:  export PIPELOOM_TOKEN=<token>   (the pipeloom CLI and SDK read it)');
    });

  return program;
}
