// One identity store for the whole server: users and tokens added while the server runs are honoured on
// the next request, deactivation takes effect at once, PIPELOOM_TOKENS keeps working as bootstrap tokens,
// and with nobody configured every caller is the single local user.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient } from '@pipeloom/sdk';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import type { IdentityService } from '../../packages/server/src/identity/identity-service.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe.each(PROVIDERS)('the identity store on %s', (provider) => {
  let t: TestServer;
  let admin: Database;
  let identity: IdentityService;
  const clock = new ManualClock();

  /** Status of listing workflows with these headers. */
  const status = async (headers: Record<string, string> = {}) =>
    (await createPipeloomClient({ baseUrl: t.url, headers }).GET('/torc-service/workflows')).response.status;

  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
    // A second connection, as the admin command would open, so the server learns of users only through the database.
    admin = await openDatabase(t.databaseUrl, { migrate: false });
    identity = createIdentity(admin.db);
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
  });

  it('When the store has no users and no tokens are configured, then every caller is the local user', async () => {
    expect(await status()).toBe(200);
    expect(await status({ authorization: 'Bearer anything' })).toBe(200);
  });

  it('When a user is added while the server runs, then their token and password work and anonymous calls are refused', async () => {
    await identity.addUser('alice', { password: 'correct horse' });
    const token = await identity.issueToken('alice', 'laptop');
    // A single-user server looks for its first user at most once a second.
    clock.advance(1_000);

    const alice = createPipeloomClient({ baseUrl: t.url, token });
    const created = await alice.POST('/torc-service/workflows', { body: { user: 'alice' } });
    expect(created.response.status).toBe(200);
    expect(await status({ authorization: basic('alice', 'correct horse') })).toBe(200);
    expect(await status({ authorization: basic(token) })).toBe(200);

    const anonymous = await t.client.GET('/torc-service/workflows');
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.error).toMatchObject({ error: true, code: 401, pipeloomCode: 'UNAUTHENTICATED' });
    expect((await t.client.GET('/torc-service/ping')).response.status).toBe(200);
  });

  it('When the password is wrong or the token unknown, then the answer is 401 in the family shape', async () => {
    for (const authorization of [basic('alice', 'wrong'), basic('nobody', 'correct horse'), 'Bearer plm_unknown', basic('plm_unknown'), 'Digest x']) {
      const r = await createPipeloomClient({ baseUrl: t.url, headers: { authorization } }).GET('/torc-service/workflows');
      expect(r.response.status, authorization).toBe(401);
      expect(r.error).toMatchObject({ error: true, code: 401, pipeloomCode: 'UNAUTHENTICATED' });
    }
  });

  it('When a user is deactivated, then their token and password stop working on the next request, and work again once activated', async () => {
    await identity.addUser('bob', { password: 'pw-bob' });
    const token = await identity.issueToken('bob');
    expect(await status({ authorization: `Bearer ${token}` })).toBe(200);

    await identity.deactivate('bob');
    expect(await status({ authorization: `Bearer ${token}` })).toBe(401);
    expect(await status({ authorization: basic(token) })).toBe(401);
    expect(await status({ authorization: basic('bob', 'pw-bob') })).toBe(401);

    await identity.activate('bob');
    expect(await status({ authorization: `Bearer ${token}` })).toBe(200);
  });

  it('When the password is changed, then only the new one works', async () => {
    await identity.setPassword('bob', 'new-pw');
    expect(await status({ authorization: basic('bob', 'pw-bob') })).toBe(401);
    expect(await status({ authorization: basic('bob', 'new-pw') })).toBe(200);
  });

  it('When a name is taken or a user is unknown, then the service says so with a stable code', async () => {
    await expect(identity.addUser('alice')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(identity.addUser('has:colon')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(identity.issueToken('nobody')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
    await expect(identity.deactivate('nobody')).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
  });
});

describe('PIPELOOM_TOKENS beside the store', () => {
  let t: TestServer | undefined;
  afterEach(async () => { await t?.close(); t = undefined; });

  it('When bootstrap tokens are configured, then they keep working next to stored users, and nobody is the local user', async () => {
    t = await startTestServer('sqlite', { tokens: ['ops:boot-token'] });
    const url = t.url;
    const call = async (headers: Record<string, string>) => (await createPipeloomClient({ baseUrl: url, headers }).GET('/torc-service/workflows')).response.status;
    expect(await call({})).toBe(401);
    expect(await call({ authorization: 'Bearer boot-token' })).toBe(200);

    const admin = await openDatabase(t.databaseUrl, { migrate: false });
    try {
      const identity = createIdentity(admin.db);
      await identity.addUser('carol');
      const token = await identity.issueToken('carol');
      expect(await call({ authorization: `Bearer ${token}` })).toBe(200);
      expect(await call({ authorization: basic('boot-token') })).toBe(200);
    } finally {
      await admin.close();
    }
  });
});
