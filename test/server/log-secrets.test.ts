// The request log never holds a credential: requests with Bearer API tokens, bootstrap tokens, HTTP Basic
// passwords, PLynx session tokens (as Basic user name and as Bearer), wrong secrets, and tokens a client put
// in the query string are all logged, and none of those secrets (nor their Basic encoding) is in the output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../packages/server/src/db/client.ts';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { captureLog, type CapturedLog } from '../helpers/log-capture.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const basic = (user: string, password = '') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const BOOTSTRAP = 'bootstrap-secret-0f3a9c';
const PASSWORD = 'hunter2-but-longer-9d1e';

describe.each(PROVIDERS)('credentials and the request log on %s', (provider) => {
  let t: TestServer;
  let admin: Database;
  let log: CapturedLog;

  beforeAll(async () => {
    // trace: whatever any level would write is captured.
    log = captureLog('trace');
    t = await startTestServer(provider, { tokens: [`admin:${BOOTSTRAP}`], server: { logger: log.logger } });
    admin = await openDatabase(t.databaseUrl, { migrate: false });
  });
  afterAll(async () => {
    await admin?.close();
    await t?.close();
  });

  it('When requests carry Bearer, Basic, PLynx and query-string credentials, then the log has a line for each and none of the secrets', async () => {
    // Arrange
    const identity = createIdentity(admin.db);
    await identity.addUser('frank', { password: PASSWORD });
    const apiToken = await identity.issueToken('frank', 'ci');
    const call = (path: string, authorization?: string) =>
      fetch(`${t.url}${path}`, { headers: authorization ? { authorization } : {} }).then(async (r) => { await r.arrayBuffer(); return r.status; });
    const pair = await (await fetch(`${t.url}/plynx/api/v0/token`, { headers: { authorization: basic('frank', PASSWORD) } })).json() as { access_token: string; refresh_token: string };
    const wrong = `${PASSWORD}-wrong`;

    // Act
    const statuses = [
      await call('/torc-service/workflows', `Bearer ${apiToken}`),
      await call('/torc-service/workflows', `Bearer ${BOOTSTRAP}`),
      await call('/torc-service/workflows', basic('frank', PASSWORD)),
      await call('/torc-service/workflows', basic(apiToken)),
      await call('/plynx/api/v0/master_state', basic(pair.access_token)),
      await call('/plynx/api/v0/master_state', `Bearer ${pair.access_token}`),
      await call('/plynx/api/v0/token', basic(pair.refresh_token)),
      await call('/torc-service/workflows', basic('frank', wrong)),
      await call('/torc-service/workflows', `Bearer ${apiToken}x`),
      await call(`/torc-service/workflows?token=${apiToken}&access_token=${pair.access_token}&password=${PASSWORD}`, `Bearer ${apiToken}`),
      await call(`/plynx/api/v0/master_state?Authorization=${encodeURIComponent(`Bearer ${BOOTSTRAP}`)}&api_key=${BOOTSTRAP}`),
    ];

    // Assert
    expect(statuses.slice(0, 7)).toEqual([200, 200, 200, 200, 200, 200, 200]);
    expect(statuses.slice(7, 9)).toEqual([401, 401]);
    const text = log.text();
    expect(log.lines().filter((l) => typeof l.status === 'number').length).toBeGreaterThanOrEqual(statuses.length + 1);
    const secrets = [apiToken, BOOTSTRAP, PASSWORD, wrong, pair.access_token, pair.refresh_token, ...pair.access_token.split('.'), ...pair.refresh_token.split('.')];
    const encodings = [basic('frank', PASSWORD), basic(apiToken), basic(pair.access_token), basic(pair.refresh_token), basic('frank', wrong)].map((b) => b.slice('Basic '.length));
    for (const secret of [...secrets, ...encodings]) expect(text, `the log holds ${secret.slice(0, 12)}…`).not.toContain(secret);
    expect(text).toContain('token=***');
    expect(text).toContain('api_key=***');
  });
});
