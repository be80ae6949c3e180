// Dioptra experiments: registered from urlencoded or multipart forms under their slug, found by id and by
// exact name, renamed from JSON, soft-deleted (an empty id list when nothing was deleted), with upstream's
// error sentences and statuses, and no MLflow anywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { dioptraHttp, ISO, MESSAGES } from './http.ts';

const API = '/api/experiment';

describe.each(PROVIDERS)('Dioptra experiments on %s', (provider) => {
  let t: TestServer;
  const clock = new ManualClock(Date.parse('2026-11-22T14:00:00.000Z'));
  const http = dioptraHttp(() => t.url);

  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
  });
  afterAll(async () => t?.close());

  it('lists nothing before anything is registered', async () => {
    expect(await http.get(`${API}/`)).toEqual({ status: 200, body: [] });
  });

  it('registers from a urlencoded form under the slug of the name, with the next integer id', async () => {
    const r = await http.postForm(`${API}/`, { name: '  Mnist Baseline ' });
    expect(r).toEqual({ status: 200, body: { experimentId: 1, name: 'mnist-baseline', createdOn: '2026-11-22T14:00:00.000Z', lastModified: '2026-11-22T14:00:00.000Z' } });
  });

  it('registers from a multipart form too', async () => {
    const r = await http.postMultipart(`${API}/`, { name: 'Second One' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ experimentId: 2, name: 'second-one' });
  });

  it('refuses a name whose slug is taken with the registration error, as upstream form validation does', async () => {
    expect(await http.postForm(`${API}/`, { name: 'MNIST baseline' })).toEqual({ status: 400, body: { message: MESSAGES.experimentRegistration, code: 'INVALID_ARGUMENT' } });
  });

  it('refuses a form without a name, with an empty name or with only spaces, with the same sentence', async () => {
    for (const form of [{}, { name: '' }, { name: '   ' }] as Record<string, string>[]) {
      const r = await http.postForm(`${API}/`, form);
      expect(r.status).toBe(400);
      expect((r.body as { message: string }).message).toBe(MESSAGES.experimentRegistration);
    }
    const multipart = await http.postMultipart(`${API}/`, { other: 'x' });
    expect(multipart.status).toBe(400);
    expect((multipart.body as { message: string }).message).toBe(MESSAGES.experimentRegistration);
  });

  it('fetches by id and by exact name; the name is not slugified on lookup', async () => {
    const byId = await http.get(`${API}/1`);
    expect(byId.status).toBe(200);
    expect(byId.body).toMatchObject({ experimentId: 1, name: 'mnist-baseline' });
    expect((await http.get(`${API}/name/mnist-baseline`)).body).toEqual(byId.body);
    expect(await http.get(`${API}/name/Mnist%20Baseline`)).toEqual({ status: 404, body: { message: MESSAGES.experimentNotFound, code: 'DOCUMENT_NOT_FOUND' } });
    expect(await http.get(`${API}/99`)).toEqual({ status: 404, body: { message: MESSAGES.experimentNotFound, code: 'DOCUMENT_NOT_FOUND' } });
  });

  it('answers 400, not 500, for an id that is not an integer', async () => {
    expect((await http.get(`${API}/abc`)).status).toBe(400);
  });

  it('renames by id from JSON, keeping the name as sent and moving lastModified', async () => {
    clock.advance(60_000);
    const r = await http.put(`${API}/2`, { name: 'Second Renamed' });
    expect(r).toEqual({ status: 200, body: { experimentId: 2, name: 'Second Renamed', createdOn: '2026-11-22T14:00:00.000Z', lastModified: '2026-11-22T14:01:00.000Z' } });
    expect((await http.get(`${API}/name/Second%20Renamed`)).status).toBe(200);
  });

  it('renames by name', async () => {
    const r = await http.put(`${API}/name/Second%20Renamed`, { name: 'second-final' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ experimentId: 2, name: 'second-final' });
  });

  it('refuses renaming onto the name of another current experiment with 409 (upstream fails with a 500)', async () => {
    const r = await http.put(`${API}/2`, { name: 'mnist-baseline' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: 'CONFLICT' });
    expect((await http.get(`${API}/2`)).body).toMatchObject({ name: 'second-final' });
  });

  it('answers 404 when renaming an unknown experiment, and 400 for a body without a name', async () => {
    expect(await http.put(`${API}/99`, { name: 'x' })).toEqual({ status: 404, body: { message: MESSAGES.experimentNotFound, code: 'DOCUMENT_NOT_FOUND' } });
    expect(await http.put(`${API}/name/nope`, { name: 'x' })).toEqual({ status: 404, body: { message: MESSAGES.experimentNotFound, code: 'DOCUMENT_NOT_FOUND' } });
    expect((await http.put(`${API}/2`, {})).status).toBe(400);
  });

  it('soft-deletes by id: the answer names the id, the experiment is gone, and a second delete answers []', async () => {
    expect(await http.del(`${API}/2`)).toEqual({ status: 200, body: { status: 'Success', id: [2] } });
    expect((await http.get(`${API}/2`)).status).toBe(404);
    expect((await http.get(`${API}/name/second-final`)).status).toBe(404);
    expect(await http.del(`${API}/2`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
    expect(await http.del(`${API}/99`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
  });

  it('refuses renaming a deleted experiment', async () => {
    expect((await http.put(`${API}/2`, { name: 'back' })).status).toBe(404);
  });

  it('soft-deletes by name, and an unknown name answers []', async () => {
    await http.postForm(`${API}/`, { name: 'to delete' });
    const created = (await http.get(`${API}/name/to-delete`)).body as { experimentId: number };
    expect(await http.del(`${API}/name/to-delete`)).toEqual({ status: 200, body: { status: 'Success', id: [created.experimentId] } });
    expect(await http.del(`${API}/name/to-delete`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
  });

  it('lets a deleted name be registered again, under a new id', async () => {
    const r = await http.postForm(`${API}/`, { name: 'second-final' });
    expect(r.status).toBe(200);
    expect((r.body as { experimentId: number }).experimentId).toBe(4);
  });

  it('lists the current experiments in id order with every field', async () => {
    const r = await http.get(`${API}/`);
    expect(r.status).toBe(200);
    const list = r.body as Array<Record<string, unknown>>;
    expect(list.map((e) => [e.experimentId, e.name])).toEqual([[1, 'mnist-baseline'], [4, 'second-final']]);
    for (const e of list) {
      expect(Object.keys(e).sort()).toEqual(['createdOn', 'experimentId', 'lastModified', 'name']);
      expect(e.createdOn).toMatch(ISO);
    }
  });
});
