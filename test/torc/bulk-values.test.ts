// Bulk inserts send a whole batch of rows as one bound JSON parameter (see packages/server/src/db/sql.ts);
// whatever a client sends must come back byte for byte, and nothing it sends can change the statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unwrap } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const AWKWARD = [
  `quote ' in the middle`,
  `'); DROP TABLE torc_job; --`,
  'back\\slash and \\\' both',
  'line\nbreak\ttab',
  'ünïcödé ✓ 漢字',
  '',
  ' spaces ',
  '$1 ?',
  'x'.repeat(300),
];

describe.each(PROVIDERS)('bulk inserts on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  it('When names, paths and commands hold quotes, backslashes, control characters or SQL, then they are stored exactly', async () => {
    const w = await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'bulk' } }));
    const jobs = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', {
      params: { path: { workflow: w._key! } },
      body: { jobs: AWKWARD.map((text, i) => ({ name: text || `empty-${i}`, command: text || 'true', invocation_script: text })) },
    }));
    const stored = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs', { params: { path: { workflow: w._key! } } }));
    expect(stored.items!.map((j) => j.invocation_script ?? '')).toEqual(AWKWARD);
    expect(stored.items!.map((j) => j.command)).toEqual(jobs.items!.map((j) => j.command));
    expect(jobs.items!.map((j) => j.command)).toEqual(AWKWARD.map((a) => a || 'true'));
  });
});
