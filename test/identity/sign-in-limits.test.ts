// Online guessing is limited: failed HTTP Basic sign-ins per user name and per client address (as the
// trusted proxy reports it), and requests to PLynx's token endpoint per address. Past a limit the server
// answers 429 RATE_LIMITED in the called family's error body with Retry-After, without checking the
// password. Time is a manual clock, so refilling is a clock move, not a wait.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const LIMITS = { enabled: true, failuresPerIp: 5, failuresPerUser: 3, tokenRequestsPerIp: 4, windowSeconds: 60 };

describe.each(PROVIDERS)('sign-in limits on %s', (provider) => {
  let t: TestServer;
  let admin: Database;
  const clock = new ManualClock();
  let nextAddress = 1;
  /** A client address of its own, so tests do not share the per-address counters. */
  const address = () => `10.0.${Math.floor(nextAddress / 250)}.${(nextAddress++ % 250) + 1}`;

  const call = (path: string, from: string, authorization?: string) =>
    fetch(`${t.url}${path}`, { headers: { 'x-forwarded-for': from, ...(authorization ? { authorization } : {}) } });

  beforeAll(async () => {
    // A bootstrap token leaves single-user mode from the start.
    t = await startTestServer(provider, { clock, tokens: ['admin:limits-boot-token'], server: { trustProxy: 1, signInLimits: LIMITS } });
    admin = await openDatabase(t.databaseUrl, { migrate: false });
    const identity = createIdentity(admin.db);
    for (const name of ['carol', 'dave', 'erin']) await identity.addUser(name, { password: `${name}-right` });
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
  });

  it('When a user name gets more wrong passwords than its limit, then even the right password answers 429 with Retry-After until the limit refills', async () => {
    // Arrange: wrong passwords from different addresses, so only the per-user limit can be reached.
    for (let i = 0; i < LIMITS.failuresPerUser; i++) expect((await call('/torc-service/workflows', address(), basic('carol', 'wrong'))).status).toBe(401);

    // Act
    const limited = await call('/torc-service/workflows', address(), basic('carol', 'carol-right'));

    // Assert
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(LIMITS.windowSeconds);
    expect(await limited.json()).toMatchObject({ error: true, code: 429, pipeloomCode: 'RATE_LIMITED' });
    const plynx = await call('/plynx/api/v0/master_state', address(), basic('carol', 'carol-right'));
    expect([plynx.status, await plynx.json()]).toEqual([429, expect.objectContaining({ status: 'failed', code: 'RATE_LIMITED' })]);
    const dioptra = await call('/api/queue/', address(), basic('carol', 'carol-right'));
    expect([dioptra.status, await dioptra.json()]).toEqual([429, expect.objectContaining({ code: 'RATE_LIMITED' })]);
    expect((await call('/torc-service/workflows', address(), basic('dave', 'dave-right'))).status).toBe(200);

    clock.advance(retryAfter * 1000);
    expect((await call('/torc-service/workflows', address(), basic('carol', 'carol-right'))).status).toBe(200);
  });

  it('When one address fails sign-ins for many user names, then that address is limited while another address and bearer tokens are not', async () => {
    // Arrange
    const guesser = address();
    for (let i = 0; i < LIMITS.failuresPerIp; i++) expect((await call('/torc-service/workflows', guesser, basic(`nobody${i}`, 'guess'))).status).toBe(401);

    // Act
    const limited = await call('/torc-service/workflows', guesser, basic('erin', 'erin-right'));

    // Assert
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await call('/torc-service/workflows', address(), basic('erin', 'erin-right'))).status).toBe(200);
    expect((await call('/torc-service/workflows', guesser, 'Bearer limits-boot-token')).status).toBe(200);
    clock.advance(LIMITS.windowSeconds * 1000);
    expect((await call('/torc-service/workflows', guesser, basic('erin', 'erin-right'))).status).toBe(200);
  });

  it('When an address asks the PLynx token endpoint more often than its limit, then it answers 429 in PLynx\'s shape with Retry-After', async () => {
    // Arrange
    const from = address();
    for (let i = 0; i < LIMITS.tokenRequestsPerIp; i++) expect((await call('/plynx/api/v0/token', from, basic('dave', 'dave-right'))).status).toBe(200);

    // Act
    const limited = await call('/plynx/api/v0/token', from, basic('dave', 'dave-right'));

    // Assert
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ status: 'failed', code: 'RATE_LIMITED' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect((await call('/plynx/api/v0/token', address(), basic('dave', 'dave-right'))).status).toBe(200);
    clock.advance(retryAfter * 1000);
    expect((await call('/plynx/api/v0/token', from, basic('dave', 'dave-right'))).status).toBe(200);
  });
});

describe('sign-in limits turned off', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { tokens: ['admin:unlimited-boot-token'], server: { signInLimits: { ...LIMITS, enabled: false } } });
  });
  afterAll(async () => { await t?.close(); });

  it('When the limits are disabled, then failed sign-ins and token requests are never answered 429', async () => {
    for (let i = 0; i < LIMITS.failuresPerIp + LIMITS.failuresPerUser + 2; i++) {
      expect((await fetch(`${t.url}/torc-service/workflows`, { headers: { authorization: basic('admin', 'wrong') } })).status).toBe(401);
    }
    for (let i = 0; i < LIMITS.tokenRequestsPerIp + 2; i++) {
      expect((await fetch(`${t.url}/plynx/api/v0/token`, { headers: { authorization: basic('unlimited-boot-token') } })).status).toBe(200);
    }
  });
});
