// Session tokens in the identity store: replicas sharing a database sign with one key, made once however
// many replicas race for it; PIPELOOM_TOKEN_SECRET replaces that key; a token names a user who must still
// exist and be active; and public path templates match exactly one segment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { ConfigError } from '../../packages/server/src/env.ts';
import { pathMatcher } from '../../packages/server/src/http/auth.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { SESSION_KEY_NAME, readSessionSecret } from '../../packages/server/src/identity/session-key.ts';
import { PROVIDERS, createTestDatabase, type TestDatabase } from '../helpers/server.ts';

const SECRET = 'a configured secret of at least thirty-two characters';

describe.each(PROVIDERS)('session tokens on %s', (provider) => {
  let database: TestDatabase;
  let first: Database;
  let second: Database;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    first = await openDatabase(database.url);
    second = await openDatabase(database.url, { migrate: false });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('When two replicas need the signing key at the same moment, then one key is stored and each accepts the other\'s tokens', async () => {
    const a = createIdentity(first.db, { sessionSecret: undefined });
    const b = createIdentity(second.db, { sessionSecret: undefined });
    await a.addUser('alice');
    const [fromA, fromB] = await Promise.all([a.issueSession('alice'), b.issueSession('alice')]);
    for (const token of [fromA.accessToken, fromA.refreshToken]) expect(await b.authenticateToken(token)).toEqual({ user: 'alice', isAdmin: false });
    for (const token of [fromB.accessToken, fromB.refreshToken]) expect(await a.authenticateToken(token)).toEqual({ user: 'alice', isAdmin: false });
    expect(await first.db.identitySecret.count({ where: { name: SESSION_KEY_NAME } })).toBe(1);
    // A replica started later reads the same key.
    expect(await createIdentity(first.db, { sessionSecret: undefined }).authenticateToken(fromA.accessToken)).toEqual({ user: 'alice', isAdmin: false });
  });

  it('When a secret is configured, then servers sharing it accept each other\'s tokens and a server with another key does not', async () => {
    const a = createIdentity(first.db, { sessionSecret: SECRET });
    const b = createIdentity(second.db, { sessionSecret: SECRET });
    const stored = createIdentity(first.db, { sessionSecret: undefined });
    const { accessToken } = await a.issueSession('alice');
    expect(await b.authenticateToken(accessToken)).toEqual({ user: 'alice', isAdmin: false });
    expect(await stored.authenticateToken(accessToken)).toBeNull();
    expect(await a.authenticateToken((await stored.issueSession('alice')).accessToken)).toBeNull();
  });

  it('When a token names a user who does not exist or no longer exists, then it is refused', async () => {
    const identity = createIdentity(first.db, { sessionSecret: undefined });
    expect(await identity.authenticateToken((await identity.issueSession('ghost')).refreshToken)).toBeNull();
    await identity.addUser('carol', { isAdmin: true });
    const { refreshToken } = await identity.issueSession('carol');
    expect(await identity.authenticateToken(refreshToken)).toEqual({ user: 'carol', isAdmin: true });
    await first.db.identityUser.delete({ where: { username: 'carol' } });
    expect(await identity.authenticateToken(refreshToken)).toBeNull();
  });

  it('When an access token is ten minutes old, then it is refused while the refresh token is not', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const identity = createIdentity(first.db, { sessionSecret: undefined, clock });
    const { accessToken, refreshToken } = await identity.issueSession('alice');
    clock.advance(599_999);
    expect(await identity.authenticateToken(accessToken)).not.toBeNull();
    clock.advance(1);
    expect(await identity.authenticateToken(accessToken)).toBeNull();
    expect(await identity.authenticateToken(refreshToken)).not.toBeNull();
  });

  it('When the name is `default`, then its session tokens are refused outside single-user mode, and no user may take the name', async () => {
    const identity = createIdentity(first.db, { sessionSecret: undefined, bootstrapTokens: ['default:boot'] });
    expect(await identity.authenticateToken((await identity.issueSession('default')).accessToken)).toBeNull();
    await expect(identity.addUser('default')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('the session secret setting', () => {
  it('When PIPELOOM_TOKEN_SECRET is unset or blank, then the stored key is used', () => {
    expect(readSessionSecret({})).toBeUndefined();
    expect(readSessionSecret({ PIPELOOM_TOKEN_SECRET: '  ' })).toBeUndefined();
    expect(readSessionSecret({ PIPELOOM_TOKEN_SECRET: SECRET })).toBe(SECRET);
  });

  it('When PIPELOOM_TOKEN_SECRET is shorter than 32 characters, then the server refuses to start with one sentence', () => {
    expect(() => readSessionSecret({ PIPELOOM_TOKEN_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => readSessionSecret({ PIPELOOM_TOKEN_SECRET: 'short' })).toThrow(/PIPELOOM_TOKEN_SECRET must be at least 32 characters/);
  });
});

describe('public path templates', () => {
  const isPublic = pathMatcher(['/torc-service/ping', '/plynx/api/v0/resource/{resource_id}', '/a.b/{x}/c']);

  it('When a path is listed exactly, then only that path matches', () => {
    expect(isPublic('/torc-service/ping')).toBe(true);
    expect(isPublic('/torc-service/ping/')).toBe(false);
    expect(isPublic('/torc-service/pings')).toBe(false);
  });

  it('When a template has a {name} segment, then it matches exactly one non-empty segment there', () => {
    expect(isPublic('/plynx/api/v0/resource/65f2c0de9a1b4c0012ab1001')).toBe(true);
    expect(isPublic('/plynx/api/v0/resource/')).toBe(false);
    expect(isPublic('/plynx/api/v0/resource/a/b')).toBe(false);
    expect(isPublic('/plynx/api/v0/resources/a')).toBe(false);
    expect(isPublic('/a.b/x/c')).toBe(true);
    expect(isPublic('/aXb/x/c')).toBe(false);
  });
});
