// `npm run admin -- users ...` as a real child process against the database of a running server: the user
// and token it creates work on the server's next request, with no restart.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient } from '@pipeloom/sdk';
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
});
