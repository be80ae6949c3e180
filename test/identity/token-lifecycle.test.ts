// API tokens can be listed (never shown again), made to expire, and revoked; an expired or revoked token is
// refused from the next request on, as a Bearer token and as the Basic user name alike. Bootstrap tokens
// from PIPELOOM_TOKENS are compared in constant time and keep working.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import type { IdentityService } from '../../packages/server/src/identity/identity-service.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const HOUR = 3_600_000;

describe.each(PROVIDERS)('API token lifecycle on %s', (provider) => {
  let t: TestServer;
  let admin: Database;
  let identity: IdentityService;
  const clock = new ManualClock();

  /** Status of listing workflows with this Authorization header. */
  const status = async (authorization: string) => (await fetch(`${t.url}/torc-service/workflows`, { headers: { authorization } })).status;
  const bearer = (token: string) => `Bearer ${token}`;
  const basicToken = (token: string) => `Basic ${Buffer.from(`${token}:`).toString('base64')}`;

  /** A new user with one token, and that token's id as `users tokens` lists it. */
  async function userWithToken(options: { expiresAt?: Date } = {}) {
    const username = `u${crypto.randomUUID().slice(0, 8)}`;
    await identity.addUser(username);
    const token = await identity.issueToken(username, 'ci', options);
    const [listed] = await identity.listTokens(username);
    return { username, token, id: listed!.id };
  }

  beforeAll(async () => {
    t = await startTestServer(provider, { clock, tokens: ['admin:bootstrap-admin-token', 'ops:bootstrap-ops-token'] });
    // The admin command's own connection, on the same clock as the server.
    admin = await openDatabase(t.databaseUrl, { migrate: false });
    identity = createIdentity(admin.db, { clock });
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
  });

  it('When a token is issued to expire in an hour, then it works until then and is refused with 401 from the expiry on', async () => {
    // Arrange
    const { token } = await userWithToken({ expiresAt: new Date(clock.now() + HOUR) });

    // Act + Assert
    expect(await status(bearer(token))).toBe(200);
    clock.advance(HOUR - 1_000);
    expect(await status(basicToken(token))).toBe(200);
    clock.advance(1_000);
    expect(await status(bearer(token))).toBe(401);
    expect(await status(basicToken(token))).toBe(401);
  });

  it('When a token is revoked, then the next request with it is refused, and its owner\'s other tokens still work', async () => {
    // Arrange
    const { username, token, id } = await userWithToken();
    const other = await identity.issueToken(username, 'laptop');
    expect(await status(bearer(token))).toBe(200);

    // Act
    const revoked = await identity.revokeToken(id);

    // Assert
    expect(revoked.revokedAt?.getTime()).toBe(clock.now());
    expect(await status(bearer(token))).toBe(401);
    expect(await status(basicToken(token))).toBe(401);
    expect(await status(bearer(other))).toBe(200);
    // Revoking is for good: a new expiry does not bring the token back.
    await identity.expireToken(id, new Date(clock.now() + HOUR));
    expect(await status(bearer(token))).toBe(401);
  });

  it('When a token is expired now, then it is refused at once; when its expiry is moved later, then it works again', async () => {
    // Arrange
    const { token, id } = await userWithToken();

    // Act + Assert
    await identity.expireToken(id);
    expect(await status(bearer(token))).toBe(401);
    await identity.expireToken(id, new Date(clock.now() + HOUR));
    expect(await status(bearer(token))).toBe(200);
  });

  it('When a user\'s tokens are listed, then each shows its id, name and dates, and nothing of the token itself', async () => {
    // Arrange
    const expiresAt = new Date(clock.now() + 24 * HOUR);
    const { username, token, id } = await userWithToken({ expiresAt });
    await status(bearer(token));

    // Act
    const [listed] = await identity.listTokens(username);

    // Assert
    expect(listed).toEqual({ id, name: 'ci', createdAt: expect.any(Date), lastUsedAt: new Date(clock.now()), expiresAt, revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(token.slice(4, 20));
  });

  it('When a token id does not exist, then expiring or revoking it fails with DOCUMENT_NOT_FOUND', async () => {
    await expect(identity.revokeToken(999_999)).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
    await expect(identity.expireToken(999_999)).rejects.toMatchObject({ code: 'DOCUMENT_NOT_FOUND' });
  });

  it('When bootstrap tokens are configured, then each works as its user and a near miss of the same length is refused', async () => {
    expect(await status(bearer('bootstrap-admin-token'))).toBe(200);
    expect(await status(bearer('bootstrap-ops-token'))).toBe(200);
    expect(await status(bearer('bootstrap-admin-tokeN'))).toBe(401);
    expect(await status(basicToken('bootstrap-ops-token'))).toBe(200);
  });
});
