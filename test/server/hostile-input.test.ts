// Regression tests for answers a hostile client once turned into 500s (found by the spec-driven fuzz test,
// test/fuzz): integers beyond what a number holds, bodies nested thousands of levels deep, truncated
// multipart bodies, NUL bytes and `Infinity` in path parameters, credentials with trailing garbage, 401s
// without a challenge, and error messages that echoed a huge bad value whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { createIdentity } from '../../packages/server/src/identity/composition.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const HUGE_INTEGERS = ['9223372036854775808', '18446744073709551616', '9007199254740993', '99999999999999999999999999', 'Infinity', '-Infinity', '1e400', 'NaN', '0x10'];

describe.each(PROVIDERS)('Hostile input on %s', (provider) => {
  let t: TestServer;
  let token = '';
  let workflow = '';

  beforeAll(async () => {
    t = await startTestServer(provider);
    const identity = createIdentity(t.server.database.db);
    await identity.addUser('hostile', { isAdmin: true });
    token = await identity.issueToken('hostile');
    const client = createPipeloomClient({ baseUrl: t.url, token });
    workflow = (await unwrap(client.POST('/torc-service/workflows', { body: { user: 'hostile', name: 'w' } })))._key!;
  });
  afterAll(async () => { await t?.close(); });

  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) } });
  const postJson = (path: string, text: string) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });

  it('When skip or limit is beyond 2^63, MAX_SAFE_INTEGER or not a finite integer on a Torc list, then it answers 400 in Torc\'s shape', async () => {
    for (const path of ['/torc-service/workflows', `/torc-service/workflows/${workflow}/jobs`, `/torc-service/workflows/${workflow}/results`, `/torc-service/workflows/${workflow}/edges/blocks`]) {
      for (const [name, value] of HUGE_INTEGERS.flatMap((v) => [['skip', v], ['limit', v]])) {
        const r = await call(`${path}?${name}=${value}`);
        expect(r.status, `${path}?${name}=${value}`).toBe(400);
        expect(await r.json()).toMatchObject({ error: true, code: 400, pipeloomCode: 'VALIDATION_FAILED' });
      }
    }
  });

  it('When the claim endpoints get integers beyond 2^63 or a limit of Infinity, then they answer 400', async () => {
    for (const value of HUGE_INTEGERS) {
      const r = await call(`/torc-service/workflows/${workflow}/prepare_next_jobs_for_submission?limit=${value}`, { method: 'POST' });
      expect(r.status, value).toBe(400);
    }
    for (const raw of ['9223372036854775808', '1e400', '18446744073709551616']) {
      const claim = await postJson(`/torc-service/workflows/${workflow}/claim_jobs`, `{"compute_node_key":"1","run_id":${raw},"limit":${raw},"resources":{"num_cpus":${raw},"memory_gb":1}}`);
      expect(claim.status, raw).toBe(400);
      const queue = await postJson('/torc-service/queues/q1/claim_jobs', `{"limit":${raw},"resources":{"num_cpus":${raw},"memory_gb":1},"worker":{"hostname":"h"}}`);
      expect(queue.status, raw).toBe(400);
    }
  });

  it('When a count beyond 32 bits reaches a column that holds 32, then it answers 400 (PostgreSQL refused it as a 500), never a 5xx', async () => {
    const prepare = await postJson(`/torc-service/workflows/${workflow}/prepare_jobs_for_submission`, '{"num_cpus":2147483648,"memory_gb":1,"num_gpus":0,"num_nodes":1}');
    expect(prepare.status).toBe(400);
    expect(await prepare.json()).toMatchObject({ error: true, code: 400 });
    // SQLite holds 64-bit integers and stores it; PostgreSQL's 32-bit column refuses it with a 400.
    const spec = await postJson('/torc-service/workflow_specifications', '{"name":"s","user":"hostile","config":{"compute_node_wait_for_new_jobs_seconds":2147483648}}');
    expect(spec.status).toBe(provider === 'postgresql' ? 400 : 200);
  });

  it('When a free-form field such as user_data.data is nested 3,000 levels deep, then it answers 400 MALFORMED_JSON; 100 levels are still stored', async () => {
    const nest = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const deep = await postJson(`/torc-service/workflows/${workflow}/user_data`, `{"name":"deep","data":${nest(3000)}}`);
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({ error: true, pipeloomCode: 'MALFORMED_JSON' });
    const arrays = await postJson(`/torc-service/workflows/${workflow}/user_data`, `{"name":"deep","data":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(arrays.status).toBe(400);
    const fine = await postJson(`/torc-service/workflows/${workflow}/user_data`, `{"name":"ok","data":${nest(97)}}`);
    expect(fine.status).toBe(200);
  });

  it('When a multipart body is cut off before its closing boundary, then it answers 400 in the family\'s shape', async () => {
    const boundary = 'hostile';
    const full = `--${boundary}\r\nContent-Disposition: form-data; name="data"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nhost,hits\nalpha,12\n\r\n--${boundary}--\r\n`;
    for (const cut of [full.length - 10, Math.floor(full.length / 2), 20]) {
      const plynx = await call('/plynx/api/v0/upload_file', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: full.slice(0, cut) });
      expect(plynx.status, `plynx cut at ${cut}`).toBe(400);
      expect(await plynx.json()).toMatchObject({ status: 'failed', code: expect.any(String) });
      const dioptra = await call('/api/queue/', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: `--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nq`.slice(0, cut) });
      expect(dioptra.status, `dioptra cut at ${cut}`).toBe(400);
      expect(await dioptra.json()).toMatchObject({ message: expect.any(String), code: expect.any(String) });
    }
  });

  it('When a path parameter holds a NUL byte, then it answers 400 in the family\'s shape, on Dioptra names and Torc keys alike', async () => {
    const dioptra = await call('/api/queue/name/%00/lock', { method: 'DELETE' });
    expect(dioptra.status).toBe(400);
    expect(await dioptra.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    for (const path of ['/api/experiment/name/a%00b', `/torc-service/workflows/${workflow}/jobs/%00`, '/plynx/api/v0/graphs/%00', '/api/v1/flow/pipeline/%00']) {
      const r = await call(path);
      expect(r.status, path).toBe(400);
    }
    const query = await call('/torc-service/workflows?name=%00');
    expect(query.status).toBe(400);
  });

  it('When an integer path parameter is Infinity or beyond 2^63, then it answers 400, not a database error', async () => {
    for (const value of HUGE_INTEGERS) {
      const r = await call(`/api/queue/${value}`);
      expect(r.status, value).toBe(400);
      expect(await r.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect((await call('/api/experiment/Infinity', { method: 'DELETE' })).status).toBe(400);
    // Dioptra's ids are 32-bit: PostgreSQL refused a larger one as out of range.
    for (const path of ['/api/queue/2147483648', '/api/experiment/2147483648', '/api/queue/-2147483649']) expect((await call(path)).status, path).toBe(400);
  });

  it('When a JSON body carries a NUL character in a value or a key, then it answers 400 on every database', async () => {
    const value = await postJson(`/torc-service/workflows/${workflow}/user_data`, JSON.stringify({ name: 'a\u0000b', data: { x: 1 } }));
    expect(value.status).toBe(400);
    const nested = await postJson(`/torc-service/workflows/${workflow}/user_data`, JSON.stringify({ name: 'n', data: { list: ['fine', 'bad\u0000'] } }));
    expect(nested.status).toBe(400);
    const key = await postJson(`/torc-service/workflows/${workflow}/user_data`, JSON.stringify({ name: 'k', data: { 'a\u0000': 1 } }));
    expect(key.status).toBe(400);
    const queue = await call('/api/queue/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'q\u0000' }) });
    expect(queue.status).toBe(400);
  });

  it('When a JSON body carries a lone surrogate in a free-form field, then it answers 400 (PostgreSQL\'s JSON refused it as a 500)', async () => {
    for (const text of ['"\\udfff\\ud800"', '"a\\ud800"', '"\\udc00"']) {
      const r = await postJson(`/torc-service/workflows/${workflow}/user_data`, `{"name":"s","data":{"columns":[${text}]}}`);
      expect(r.status, text).toBe(400);
    }
    const paired = await postJson(`/torc-service/workflows/${workflow}/user_data`, '{"name":"s","data":{"emoji":"\\ud83c\\udf0d"}}');
    expect(paired.status).toBe(200);
  });

  it('When a 401 is answered, then it carries WWW-Authenticate: Bearer and Basic for Torc, Dioptra, Flow and unknown paths, PLynx\'s own challenge for PLynx', async () => {
    const expected: Record<string, string> = {
      '/torc-service/workflows': 'Bearer realm="pipeloom", Basic realm="pipeloom"',
      '/api/queue/': 'Bearer realm="pipeloom", Basic realm="pipeloom"',
      '/api/v1/flow/pipeline': 'Bearer realm="pipeloom", Basic realm="pipeloom"',
      '/api/v9/nothing': 'Bearer realm="pipeloom", Basic realm="pipeloom"',
      '/plynx/api/v0/token': 'PlynxBasic realm="Login Required"',
    };
    for (const [path, challenge] of Object.entries(expected)) {
      const r = await fetch(`${t.url}${path}`);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('www-authenticate'), path).toBe(challenge);
    }
  });

  it('When Authorization carries a valid token followed by anything more, then it answers 401', async () => {
    for (const authorization of [`Bearer ${token} garbage`, `Bearer ${token} ${token}`, `Bearer ${token}\tx`, `Basic ${Buffer.from(`${token}:`).toString('base64')} extra`]) {
      const r = await fetch(`${t.url}/torc-service/workflows`, { headers: { authorization } });
      expect(r.status, authorization).toBe(401);
      expect(r.headers.get('www-authenticate')).toContain('Bearer');
    }
    expect((await fetch(`${t.url}/torc-service/workflows`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('When a huge bad value is echoed in an error, then the value is cut at about 200 characters and the message at about 2,000', async () => {
    const key = 'k'.repeat(5000);
    const r = await call(`/torc-service/workflows/${key}`);
    expect(r.status).toBe(404);
    const body = await r.json();
    expect(body.errorMessage.length).toBeLessThan(400);
    expect(body.errorMessage).not.toContain('k'.repeat(201));
    const words = await call('/torc-service/workflows', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'x', name: 'y', [`${'word '.repeat(2000)}`]: 1 }) });
    expect(words.status).toBe(400);
    expect((await words.json()).errorMessage.length).toBeLessThanOrEqual(2_001);
  });
});
