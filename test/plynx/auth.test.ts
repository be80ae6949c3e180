// PLynx sessions on the one identity store: `GET /token` trades credentials for an access token (ten
// minutes) and a refresh token (no expiry); either works as the Basic user name or as a Bearer token on
// every family; a deactivated user's tokens stop at once; a 401 on PLynx paths carries PLynx's body and its
// `PlynxBasic` challenge; `/resource/{id}` needs no credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import type { IdentityService } from '../../packages/server/src/identity/identity-service.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const API = '/plynx/api/v0';
const CHALLENGE = 'PlynxBasic realm="Login Required"';
const TEN_MINUTES = 10 * 60_000;

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

interface TokenPair {
  access_token: string;
  refresh_token: string;
}

describe.each(PROVIDERS)('PLynx sessions on %s', (provider) => {
  let t: TestServer;
  let admin: Database;
  let identity: IdentityService;
  const clock = new ManualClock();

  const call = (path: string, authorization?: string) => fetch(`${t.url}${path}`, { headers: authorization ? { authorization } : {} });
  /** Status of a PLynx call and of a Torc call with the same credentials. */
  const plynxStatus = async (authorization?: string) => (await call(`${API}/master_state`, authorization)).status;
  const torcStatus = async (authorization?: string) => (await call('/torc-service/workflows', authorization)).status;
  async function tokens(authorization?: string): Promise<TokenPair> {
    const r = await call(`${API}/token`, authorization);
    expect(r.status).toBe(200);
    return (await r.json()) as TokenPair;
  }

  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
    // The admin command's own connection: the server learns of users only through the database.
    admin = await openDatabase(t.databaseUrl, { migrate: false });
    identity = createIdentity(admin.db);
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
  });

  describe('in single-user mode', () => {
    let defaultPair: TokenPair;

    it('When nobody is configured, then /token answers a pair for `default` without credentials, and its tokens work', async () => {
      defaultPair = await tokens();
      expect(Object.keys(defaultPair).sort()).toEqual(['access_token', 'refresh_token']);
      expect(claims(defaultPair.access_token)).toMatchObject({ username: 'default', type: 'access' });
      expect(claims(defaultPair.refresh_token)).toMatchObject({ username: 'default', type: 'refresh' });
      expect(await plynxStatus(basic(defaultPair.access_token))).toBe(200);
      expect(await plynxStatus(`Bearer ${defaultPair.refresh_token}`)).toBe(200);
      expect((await tokens(basic(defaultPair.refresh_token))).access_token).not.toBe(defaultPair.access_token);
    });

    it('When the first user is added, then single-user mode ends and `default`\'s tokens are refused', async () => {
      await identity.addUser('alice', { password: 'correct horse' });
      clock.advance(1_000); // a single-user server looks for its first user at most once a second
      expect(await plynxStatus(basic(defaultPair.access_token))).toBe(401);
      expect(await plynxStatus(basic(defaultPair.refresh_token))).toBe(401);
      expect(await plynxStatus(basic('default'))).toBe(401);
      await expect(identity.addUser('default', { password: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    });
  });

  describe('with users', () => {
    it('When credentials are missing or wrong on a PLynx path, then the answer is 401 in PLynx\'s shape with the PlynxBasic challenge', async () => {
      for (const authorization of [undefined, basic('alice', 'wrong'), basic('nobody', 'x'), 'Bearer plm_unknown', 'Digest x']) {
        const r = await call(`${API}/token`, authorization);
        expect(r.status, authorization).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe(CHALLENGE);
        expect(await r.json()).toMatchObject({ status: 'failed', code: 'UNAUTHENTICATED', message: expect.any(String) });
      }
    });

    it('When Torc refuses a caller, then its 401 keeps Torc\'s body and sends the server\'s Bearer and Basic challenge, not PLynx\'s', async () => {
      const r = await call('/torc-service/workflows');
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="pipeloom", Basic realm="pipeloom"');
      expect(await r.json()).toMatchObject({ error: true, code: 401, pipeloomCode: 'UNAUTHENTICATED' });
    });

    it('When a user signs in with their password, then /token answers an access token for ten minutes and a refresh token without expiry', async () => {
      const pair = await tokens(basic('alice', 'correct horse'));
      const access = claims(pair.access_token);
      const refresh = claims(pair.refresh_token);
      expect(access).toMatchObject({ username: 'alice', type: 'access' });
      expect(Number(access.exp) - Number(access.iat)).toBe(600);
      expect(Math.abs(Number(access.iat) - clock.now() / 1000)).toBeLessThan(1);
      expect(refresh).toMatchObject({ username: 'alice', type: 'refresh' });
      expect(refresh.exp).toBeUndefined();
      expect(JSON.parse(Buffer.from(pair.access_token.split('.')[0]!, 'base64url').toString('utf8'))).toMatchObject({ alg: 'HS256' });
    });

    it('When an access token is sent as the Basic user name or as a Bearer token, then PLynx and Torc routes both accept it', async () => {
      const { access_token } = await tokens(basic('alice', 'correct horse'));
      for (const authorization of [basic(access_token), basic(access_token, 'ignored'), `Bearer ${access_token}`]) {
        expect(await plynxStatus(authorization), authorization).toBe(200);
        expect(await torcStatus(authorization), authorization).toBe(200);
      }
      // The token stands for its user on Torc as well.
      const created = await fetch(`${t.url}/torc-service/workflows`, {
        method: 'POST', headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ user: 'alice' }),
      });
      expect(created.status).toBe(200);
    });

    it('When ten minutes pass, then the access token is refused with the challenge, and the refresh token gets a new working pair', async () => {
      const pair = await tokens(basic('alice', 'correct horse'));
      clock.advance(TEN_MINUTES - 2_000);
      expect(await plynxStatus(basic(pair.access_token))).toBe(200);
      clock.advance(2_000);
      const expired = await call(`${API}/master_state`, basic(pair.access_token));
      expect(expired.status).toBe(401);
      expect(expired.headers.get('www-authenticate')).toBe(CHALLENGE);
      expect(await torcStatus(`Bearer ${pair.access_token}`)).toBe(401);

      const renewed = await tokens(basic(pair.refresh_token));
      expect(renewed.access_token).not.toBe(pair.access_token);
      expect(renewed.refresh_token).not.toBe(pair.refresh_token);
      expect(claims(renewed.access_token)).toMatchObject({ username: 'alice', type: 'access' });
      expect(await plynxStatus(basic(renewed.access_token))).toBe(200);
      expect(await plynxStatus(basic(renewed.refresh_token))).toBe(200);
    });

    it('When a year passes, then the refresh token still works', async () => {
      const pair = await tokens(basic('alice', 'correct horse'));
      clock.advance(365 * 24 * 3_600_000);
      expect(await plynxStatus(basic(pair.access_token))).toBe(401);
      expect(await plynxStatus(basic(pair.refresh_token))).toBe(200);
      expect(claims((await tokens(basic(pair.refresh_token))).access_token)).toMatchObject({ username: 'alice' });
    });

    it('When a token is tampered with or forged, then it is refused', async () => {
      const { access_token, refresh_token } = await tokens(basic('alice', 'correct horse'));
      const [header, payload, signature] = access_token.split('.') as [string, string, string];
      const flipped = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
      const asBob = Buffer.from(JSON.stringify({ ...claims(access_token), username: 'bob' })).toString('base64url');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
      const refreshAsAccess = `${header}.${Buffer.from(JSON.stringify({ username: 'alice', type: 'access', iat: 1 })).toString('base64url')}.${refresh_token.split('.')[2]}`;
      for (const forged of [flipped, `${header}.${asBob}.${signature}`, unsigned, refreshAsAccess, `${access_token}x`, 'a.b.c']) {
        expect(await plynxStatus(basic(forged)), forged).toBe(401);
        expect(await plynxStatus(`Bearer ${forged}`), forged).toBe(401);
      }
    });

    it('When a user is deactivated, then their session and API tokens are refused at once, and work again once activated', async () => {
      await identity.addUser('bob', { password: 'pw-bob' });
      const apiToken = await identity.issueToken('bob');
      const pair = await tokens(basic('bob', 'pw-bob'));
      const fromApiToken = await tokens(`Bearer ${apiToken}`);
      expect(claims(fromApiToken.access_token)).toMatchObject({ username: 'bob' });

      await identity.deactivate('bob');
      for (const authorization of [basic(pair.access_token), basic(pair.refresh_token), `Bearer ${pair.access_token}`, basic(fromApiToken.access_token), `Bearer ${apiToken}`, basic(apiToken)]) {
        expect(await plynxStatus(authorization), authorization).toBe(401);
        expect(await torcStatus(authorization), authorization).toBe(401);
      }
      expect((await call(`${API}/token`, basic(pair.refresh_token))).status).toBe(401);

      await identity.activate('bob');
      expect(await plynxStatus(basic(pair.access_token))).toBe(200);
      expect(await plynxStatus(`Bearer ${apiToken}`)).toBe(200);
    });

    it('When a user name contains dots, then it still signs in with its password', async () => {
      await identity.addUser('john.q.public', { password: 'pw' });
      expect(claims((await tokens(basic('john.q.public', 'pw'))).access_token)).toMatchObject({ username: 'john.q.public' });
    });

    it('When /resource/{id} is called without credentials, then it is not refused; wrong credentials still are', async () => {
      const id = '65f2c0de9a1b4c0012ab1001';
      const anonymous = await call(`${API}/resource/${id}`);
      expect(anonymous.status).not.toBe(401);
      const wrong = await call(`${API}/resource/${id}`, basic('alice', 'wrong'));
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe(CHALLENGE);
      // Only that path: the documented /resources/{id}, and anything below /resource/{id}, need credentials.
      expect((await call(`${API}/resources/${id}`)).status).toBe(401);
      expect((await call(`${API}/resource/${id}/more`)).status).toBe(401);
    });

    it('When the master state is read, then it has a stable id, no workers yet and dates in PLynx\'s format', async () => {
      const { access_token } = await tokens(basic('alice', 'correct horse'));
      const read = async () => {
        const r = await call(`${API}/master_state`, basic(access_token));
        expect(r.status).toBe(200);
        return (await r.json()) as { status: string; master_state: { _id: string; workers: unknown[]; insertion_date: string; update_date: string } };
      };
      const first = await read();
      clock.advance(5_000);
      const second = await read();
      expect(first.status).toBe('success');
      expect(first.master_state._id).toMatch(/^[0-9a-f]{24}$/);
      expect(second.master_state._id).toBe(first.master_state._id);
      expect(first.master_state.workers).toEqual([]);
      expect(first.master_state.update_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
      expect(second.master_state.insertion_date).toBe(first.master_state.insertion_date);
      expect(Date.parse(`${second.master_state.update_date.slice(0, 23)}Z`) - Date.parse(`${first.master_state.update_date.slice(0, 23)}Z`)).toBe(5_000);
    });
  });
});

describe('PLynx sessions for PIPELOOM_TOKENS users', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite', { tokens: ['ops:boot-token'] }); });
  afterAll(async () => { await t?.close(); });

  it('When a bootstrap token calls /token, then the pair stands for its user on PLynx and Torc', async () => {
    const r = await fetch(`${t.url}${API}/token`, { headers: { authorization: 'Bearer boot-token' } });
    expect(r.status).toBe(200);
    const pair = (await r.json()) as TokenPair;
    expect(claims(pair.access_token)).toMatchObject({ username: 'ops', type: 'access' });
    for (const authorization of [basic(pair.access_token), `Bearer ${pair.refresh_token}`]) {
      expect((await fetch(`${t.url}${API}/master_state`, { headers: { authorization } })).status).toBe(200);
      expect((await fetch(`${t.url}/torc-service/workflows`, { headers: { authorization } })).status).toBe(200);
    }
  });
});
