// `npm run admin -- users ...` as a real child process against the database of a running server: the user
// and token it creates work on the server's next request, with no restart.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient } from '@pipeloom/sdk';
import { openDatabase } from '../../packages/server/src/db/client.ts';
import { adminProgram } from '../../packages/server/src/identity/admin-command.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'packages/server/src/admin-cli.ts');

describe('the admin command', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite'); });
  afterAll(async () => { await t?.close(); });

  const admin = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', cli, ...args], { cwd: root, env: { ...process.env, DATABASE_URL: t.databaseUrl } });

  it('When a user and a token are created with it, then the running server accepts the printed token', async () => {
    expect((await admin('users', 'add', 'dana', '--password', 'pw', '--admin')).stdout).toContain('Added administrator dana');
    const { stdout } = await admin('users', 'token', 'dana', '--name', 'ci');
    const token = /^\s+(plm_\S+)$/m.exec(stdout)?.[1];
    expect(token).toBeDefined();
    expect(stdout).toContain('Authorization: Bearer');

    const dana = createPipeloomClient({ baseUrl: t.url, token });
    expect((await dana.GET('/torc-service/workflows')).response.status).toBe(200);
    expect((await t.client.GET('/torc-service/workflows')).response.status).toBe(401);

    expect((await admin('users', 'list')).stdout).toMatch(/^dana\tactive, admin, password/m);
    await admin('users', 'deactivate', 'dana');
    expect((await dana.GET('/torc-service/workflows')).response.status).toBe(401);
    await expect(admin('users', 'add', 'dana')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('already exists') });
  });

  // In process (the same program admin-cli.ts runs), against the running server's database: each child
  // process would cost seconds of start-up.
  async function adminInProcess(...args: string[]): Promise<string> {
    const database = await openDatabase(t.databaseUrl, { migrate: false });
    const lines: string[] = [];
    try {
      await adminProgram(createIdentity(database.db), { out: (line) => lines.push(line) }).parseAsync(args, { from: 'user' });
    } finally {
      await database.close();
    }
    return lines.join('\n');
  }

  it('When tokens are listed, expired and revoked with it, then the listing never shows a token and the server refuses them from the next request on', async () => {
    // Arrange
    await adminInProcess('users', 'add', 'erin');
    const issued = await adminInProcess('users', 'token', 'erin', '--name', 'nightly', '--expires-in', '1d12h');
    expect(issued).toMatch(/valid until \d{4}-\d{2}-\d{2}T/);
    const expiring = /^\s+(plm_\S+)$/m.exec(issued)![1]!;
    const revoking = /^\s+(plm_\S+)$/m.exec(await adminInProcess('users', 'token', 'erin', '--name', 'laptop'))![1]!;
    const status = async (token: string) => (await createPipeloomClient({ baseUrl: t.url, token }).GET('/torc-service/workflows')).response.status;
    expect([await status(expiring), await status(revoking)]).toEqual([200, 200]);

    // Act
    const listing = await adminInProcess('users', 'tokens', 'erin');

    // Assert
    const lines = listing.trim().split('\n');
    expect(lines[0]).toBe('id\tname\tcreated\tlast used\texpires\trevoked');
    const [nightlyId, nightly, , nightlyUsed, nightlyExpires] = lines[1]!.split('\t');
    const [laptopId, laptop, , , laptopExpires, laptopRevoked] = lines[2]!.split('\t');
    expect([nightly, nightlyUsed, nightlyExpires]).toEqual(['nightly', expect.stringMatching(/Z$/), expect.stringMatching(/^\d{4}-.*Z$/)]);
    expect([laptop, laptopExpires, laptopRevoked]).toEqual(['laptop', '-', '-']);
    expect(listing).not.toContain(expiring.slice(4));
    expect(listing).not.toContain(revoking.slice(4));

    expect(await adminInProcess('users', 'revoke-token', laptopId!)).toContain(`Token ${laptopId} (laptop) is revoked`);
    expect(await status(revoking)).toBe(401);
    expect(await adminInProcess('users', 'expire-token', nightlyId!, '--at', '2020-01-01T00:00:00Z')).toContain('expires at 2020-01-01T00:00:00.000Z');
    expect(await status(expiring)).toBe(401);
    expect(await adminInProcess('users', 'tokens', 'erin')).toMatch(new RegExp(`^${laptopId}\tlaptop\t.*\t\\d{4}-\\S+Z$`, 'm'));
    await expect(adminInProcess('users', 'expire-token', nightlyId!, '--at', 'tomorrow')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('--at must be an ISO 8601 time') });
    await expect(adminInProcess('users', 'token', 'erin', '--expires-in', 'soon')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('--expires-in must be a duration') });
  });

  it('When a token is issued from the command line to expire, then the printed token works and the listing shows its expiry', async () => {
    const { stdout } = await admin('users', 'token', 'dana', '--name', 'short', '--expires-in', '90m');
    expect(stdout).toMatch(/\(short\), valid until \d{4}-\d{2}-\d{2}T\S+Z; it is shown only this once/);
    expect(await adminInProcess('users', 'tokens', 'dana')).toMatch(/^\d+\tshort\t\S+Z\t-\t\S+Z\t-$/m);
    await adminInProcess('users', 'activate', 'dana');
    const token = /^\s+(plm_\S+)$/m.exec(stdout)![1]!;
    expect((await createPipeloomClient({ baseUrl: t.url, token }).GET('/torc-service/workflows')).response.status).toBe(200);
  });
});
