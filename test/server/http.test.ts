// Cross-cutting HTTP behaviour: the API description and docs UI are served locally, unknown routes and
// malformed bodies get the calling family's error shape, and credentials are enforced once configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { createPipeloomClient, unwrap } from '@pipeloom/sdk';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('the HTTP surface', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite'); });
  afterAll(async () => { await t?.close(); });

  it('serves /openapi.yaml and /openapi.json with every path of the contract', async () => {
    const yaml = await fetch(`${t.url}/openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(yaml.headers.get('content-type')).toContain('yaml');
    const doc = YAML.parse(await yaml.text());
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/torc-service/workflows/{key}');
    const json = await (await fetch(`${t.url}/openapi.json`)).json();
    expect(Object.keys(json.paths)).toEqual(Object.keys(doc.paths));
  });

  it('serves the docs UI with every script and stylesheet from this server, none from a CDN', async () => {
    const page = await fetch(`${t.url}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      expect(asset).not.toMatch(/^(https?:)?\/\//);
      const r = await fetch(new URL(asset, `${t.url}/docs/`));
      expect(r.status, asset).toBe(200);
      expect((await r.arrayBuffer()).byteLength, asset).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${t.url}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('/openapi.json');
  });

  it('answers an unknown route with 404 in the shape of the family it falls under', async () => {
    const torc = await fetch(`${t.url}/torc-service/no/such/thing`);
    expect(torc.status).toBe(404);
    expect(await torc.json()).toMatchObject({ error: true, code: 404, errorNum: 404, pipeloomCode: 'ROUTE_NOT_FOUND' });
    const plynx = await fetch(`${t.url}/plynx/api/v0/no_such_thing`);
    expect(plynx.status).toBe(404);
    expect(await plynx.json()).toMatchObject({ status: 'failed', code: 'ROUTE_NOT_FOUND' });
    const flow = await fetch(`${t.url}/api/v1/flow/no_such_thing`);
    expect(await flow.json()).toMatchObject({ status: 'ERROR', code: 'ROUTE_NOT_FOUND' });
    const dioptra = await fetch(`${t.url}/api/queue/nope/nope/nope`);
    expect(await dioptra.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON, not 500', async () => {
    const r = await fetch(`${t.url}/torc-service/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user": ' });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: true, code: 400, pipeloomCode: 'MALFORMED_JSON' });
  });

  it('answers a method the path does not have with 405', async () => {
    const r = await fetch(`${t.url}/torc-service/ping`, { method: 'DELETE' });
    expect(r.status).toBe(405);
    expect(await r.json()).toMatchObject({ error: true, code: 405, pipeloomCode: 'METHOD_NOT_ALLOWED' });
  });

  it('echoes or assigns an x-request-id for tracing through a proxy', async () => {
    const r = await fetch(`${t.url}/torc-service/ping`, { headers: { 'x-request-id': 'trace-me' } });
    expect(r.headers.get('x-request-id')).toBe('trace-me');
    expect((await fetch(`${t.url}/torc-service/ping`)).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('authentication', () => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer('sqlite', { tokens: ['alice:s3cret', 'admintoken'] }); });
  afterAll(async () => { await t?.close(); });

  it('When tokens are configured and none is sent, then API calls answer 401 in the family shape but ping stays open', async () => {
    const r = await t.client.GET('/torc-service/workflows');
    expect(r.response.status).toBe(401);
    expect(r.error).toMatchObject({ error: true, code: 401, pipeloomCode: 'UNAUTHENTICATED' });
    expect((await t.client.GET('/torc-service/ping')).response.status).toBe(200);
    expect((await fetch(`${t.url}/docs/`)).status).toBe(200);
  });

  it('When a valid bearer token is sent, then the call goes through; a wrong one is 401', async () => {
    const alice = createPipeloomClient({ baseUrl: t.url, token: 's3cret' });
    const w = await unwrap(alice.POST('/torc-service/workflows', { body: { user: 'alice' } }));
    expect(w.user).toBe('alice');
    const wrong = createPipeloomClient({ baseUrl: t.url, token: 'nope' });
    expect((await wrong.GET('/torc-service/workflows')).response.status).toBe(401);
  });

  it('When HTTP Basic carries the token as the username (PLynx style), then the call goes through', async () => {
    const r = await fetch(`${t.url}/torc-service/workflows`, { headers: { authorization: `Basic ${Buffer.from('admintoken:').toString('base64')}` } });
    expect(r.status).toBe(200);
  });
});
