// Dioptra queues and locks: registered under their slug from forms, ids counting up and never reused, a
// locked queue left out of the list but still found, renamed and deleted; lock and unlock by id and by name
// answer with what they changed; deletes of unknown queues answer an empty list, locks of unknown queues 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../packages/server/src/clock.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { dioptraHttp, MESSAGES } from './http.ts';

const API = '/api/queue';
const notFound = { status: 404, body: { message: MESSAGES.queueNotFound, code: 'DOCUMENT_NOT_FOUND' } };
const names = (body: unknown) => (body as Array<{ name: string }>).map((q) => q.name);

describe.each(PROVIDERS)('Dioptra queues on %s', (provider) => {
  let t: TestServer;
  const clock = new ManualClock(Date.parse('2026-11-22T13:00:00.000Z'));
  const http = dioptraHttp(() => t.url);

  beforeAll(async () => {
    t = await startTestServer(provider, { clock });
  });
  afterAll(async () => t?.close());

  it('registers from urlencoded and multipart forms under the slug of the name, ids counting from 1', async () => {
    expect(await http.postForm(`${API}/`, { name: 'tensorflow_cpu' })).toEqual({
      status: 200,
      body: { queueId: 1, name: 'tensorflow_cpu', createdOn: '2026-11-22T13:00:00.000Z', lastModified: '2026-11-22T13:00:00.000Z' },
    });
    const r = await http.postMultipart(`${API}/`, { name: 'PyTorch GPU' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ queueId: 2, name: 'pytorch-gpu' });
  });

  it('refuses a taken slug and a missing or blank name with the registration error', async () => {
    for (const form of [{ name: 'TensorFlow_CPU' }, {}, { name: '' }, { name: '  ' }] as Record<string, string>[]) {
      expect(await http.postForm(`${API}/`, form)).toMatchObject({ status: 400, body: { message: MESSAGES.queueRegistration } });
    }
  });

  it('fetches by id and by exact name, and answers 404 for unknown ones', async () => {
    expect((await http.get(`${API}/2`)).body).toMatchObject({ queueId: 2, name: 'pytorch-gpu' });
    expect((await http.get(`${API}/name/pytorch-gpu`)).body).toMatchObject({ queueId: 2 });
    expect(await http.get(`${API}/99`)).toEqual(notFound);
    expect(await http.get(`${API}/name/PyTorch%20GPU`)).toEqual(notFound);
  });

  it('locks by id once: the first call names the id, the second answers []', async () => {
    expect(await http.put(`${API}/2/lock`)).toEqual({ status: 200, body: { status: 'Success', id: [2] } });
    expect(await http.put(`${API}/2/lock`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
  });

  it('leaves a locked queue out of the list, yet finds it by id and by name', async () => {
    expect(names((await http.get(`${API}/`)).body)).toEqual(['tensorflow_cpu']);
    expect((await http.get(`${API}/2`)).status).toBe(200);
    expect((await http.get(`${API}/name/pytorch-gpu`)).status).toBe(200);
  });

  it('unlocks by id once, and the queue is listed again', async () => {
    expect(await http.del(`${API}/2/lock`)).toEqual({ status: 200, body: { status: 'Success', id: [2] } });
    expect(await http.del(`${API}/2/lock`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
    expect(names((await http.get(`${API}/`)).body)).toEqual(['tensorflow_cpu', 'pytorch-gpu']);
  });

  it('locks and unlocks by name, answering with the name', async () => {
    expect(await http.put(`${API}/name/tensorflow_cpu/lock`)).toEqual({ status: 200, body: { status: 'Success', name: ['tensorflow_cpu'] } });
    expect(await http.put(`${API}/name/tensorflow_cpu/lock`)).toEqual({ status: 200, body: { status: 'Success', name: [] } });
    expect(names((await http.get(`${API}/`)).body)).toEqual(['pytorch-gpu']);
    expect(await http.del(`${API}/name/tensorflow_cpu/lock`)).toEqual({ status: 200, body: { status: 'Success', name: ['tensorflow_cpu'] } });
    expect(await http.del(`${API}/name/tensorflow_cpu/lock`)).toEqual({ status: 200, body: { status: 'Success', name: [] } });
  });

  it('answers 404 when locking or unlocking an unknown queue, by id or by name', async () => {
    expect(await http.put(`${API}/99/lock`)).toEqual(notFound);
    expect(await http.del(`${API}/99/lock`)).toEqual(notFound);
    expect(await http.put(`${API}/name/nope/lock`)).toEqual(notFound);
    expect(await http.del(`${API}/name/nope/lock`)).toEqual(notFound);
  });

  it('renames a locked queue by id and by name, keeping the name as sent; it stays locked', async () => {
    await http.put(`${API}/2/lock`);
    clock.advance(5_000);
    expect(await http.put(`${API}/2`, { name: 'PyTorch GPU' })).toEqual({
      status: 200,
      body: { queueId: 2, name: 'PyTorch GPU', createdOn: '2026-11-22T13:00:00.000Z', lastModified: '2026-11-22T13:00:05.000Z' },
    });
    expect((await http.put(`${API}/name/PyTorch%20GPU`, { name: 'pytorch_gpu' })).body).toMatchObject({ queueId: 2, name: 'pytorch_gpu' });
    expect(names((await http.get(`${API}/`)).body)).toEqual(['tensorflow_cpu']);
    expect(await http.put(`${API}/name/pytorch_gpu/lock`)).toEqual({ status: 200, body: { status: 'Success', name: [] } });
  });

  it('refuses a rename onto another current queue\'s name with 409, and unknown queues with 404', async () => {
    expect(await http.put(`${API}/2`, { name: 'tensorflow_cpu' })).toMatchObject({ status: 409, body: { code: 'CONFLICT' } });
    expect(await http.put(`${API}/99`, { name: 'x' })).toEqual(notFound);
    expect(await http.put(`${API}/name/nope`, { name: 'x' })).toEqual(notFound);
  });

  it('deletes a locked queue by id; later calls find nothing and deletes answer []', async () => {
    expect(await http.del(`${API}/2`)).toEqual({ status: 200, body: { status: 'Success', id: [2] } });
    expect(await http.get(`${API}/2`)).toEqual(notFound);
    expect(await http.put(`${API}/2/lock`)).toEqual(notFound);
    expect(await http.del(`${API}/2`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
    expect(await http.del(`${API}/name/pytorch_gpu`)).toEqual({ status: 200, body: { status: 'Success', id: [] } });
  });

  it('deletes by name, and never reuses an id', async () => {
    expect(await http.del(`${API}/name/tensorflow_cpu`)).toEqual({ status: 200, body: { status: 'Success', id: [1] } });
    expect(await http.get(`${API}/`)).toEqual({ status: 200, body: [] });
    expect((await http.postForm(`${API}/`, { name: 'tensorflow_cpu' })).body).toMatchObject({ queueId: 3, name: 'tensorflow_cpu' });
  });

  it('answers 400, not 500, for ids that are not integers', async () => {
    expect((await http.get(`${API}/x`)).status).toBe(400);
    expect((await http.put(`${API}/x/lock`)).status).toBe(400);
    expect((await http.del(`${API}/x`)).status).toBe(400);
  });
});
