// PLynx, Dioptra and Flow in the mock: what one call stores the next one reads, and bad requests get 400
// in the family's own error shape.
import { describe, expect, it } from 'vitest';
import { mockedApi } from './mocked-api.ts';

const baseUrl = 'http://families.mock.test';
// Every answer of this file, stored data included, is checked against the contract.
const { api, client } = mockedApi(baseUrl);

const post = (path: string, body: unknown) =>
  fetch(baseUrl + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('PLynx', () => {
  it('When a graph is saved, then it can be read back and found by search', async () => {
    const saved = await client.POST('/plynx/api/v0/graphs', { body: { actions: ['SAVE'], graph: { title: 'Count log lines', nodes: [] } } });
    const id = saved.data!.graph!._id!;
    expect(id).toMatch(/^[0-9a-f]{24}$/);

    const read = await client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } });
    expect(read.data).toMatchObject({ status: 'success', data: { _id: id, title: 'Count log lines' } });

    const found = await client.POST('/plynx/api/v0/search_graphs', { body: { search: 'log' } });
    expect(found.data).toMatchObject({ status: 'success', total_count: 1, items: [{ _id: id }] });
    const none = await client.POST('/plynx/api/v0/search_graphs', { body: { search: 'nothing-like-it' } });
    expect(none.data).toMatchObject({ total_count: 0, items: [] });

    await client.PATCH('/plynx/api/v0/graphs/{graph_id}/update', { params: { path: { graph_id: id } }, body: { title: 'Count lines (March)' } });
    expect((await client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } })).data!.data.title).toBe('Count lines (March)');
    expect((await client.GET('/plynx/api/v0/graphs/{graph_id}/nodes/list_nodes', { params: { path: { graph_id: id } } })).data!.nodes).toEqual([]);
  });

  it('When a node is saved, then it can be read back and searched; unknown ids get 404', async () => {
    const node = { _id: '65f2c0de9a1b4c0012ab9999', title: 'Gzip', description: 'Compresses a file.' };
    const saved = await client.POST('/plynx/api/v0/nodes', { body: { action: 'SAVE', node } });
    expect(saved.data).toMatchObject({ status: 'SUCCESS' });

    expect((await client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: node._id } } })).data).toMatchObject({ data: node });
    expect((await client.POST('/plynx/api/v0/search_nodes', { body: { search: 'gzip' } })).data).toMatchObject({ total_count: 1 });
    const missing = await client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: '65f2c0de9a1b4c0012ab0000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ status: 'failed', code: 'DOCUMENT_NOT_FOUND' });
  });

  it('When a search sends an unknown key, then it gets 400 in PLynx\'s shape', async () => {
    const response = await post('/plynx/api/v0/search_graphs', { colour: 'red' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 'failed', code: 'VALIDATION_FAILED', message: expect.stringContaining('colour') });
  });
});

describe('Dioptra', () => {
  it('When experiments are registered (form or JSON), renamed and deleted, then lists and lookups agree', async () => {
    const form = await fetch(`${baseUrl}/api/experiment/`, { method: 'POST', body: new URLSearchParams({ name: 'Mnist Baseline' }) });
    const first = await form.json();
    expect(first).toMatchObject({ name: 'mnist-baseline', experimentId: expect.any(Number) });
    await client.POST('/api/experiment/', { body: { name: 'other' } });

    const byName = await client.GET('/api/experiment/name/{experimentName}', { params: { path: { experimentName: 'mnist-baseline' } } });
    expect(byName.data).toEqual(first);
    const renamed = await client.PUT('/api/experiment/{experimentId}', { params: { path: { experimentId: first.experimentId } }, body: { name: 'mnist-v2' } });
    expect(renamed.data).toMatchObject({ experimentId: first.experimentId, name: 'mnist-v2' });
    const clash = await client.PUT('/api/experiment/{experimentId}', { params: { path: { experimentId: first.experimentId } }, body: { name: 'other' } });
    expect(clash.response.status).toBe(409);

    const deleted = await client.DELETE('/api/experiment/{experimentId}', { params: { path: { experimentId: first.experimentId } } });
    expect(deleted.data).toEqual({ status: 'Success', id: [first.experimentId] });
    expect((await client.GET('/api/experiment/')).data!.map((e) => e.name)).toEqual(['other']);
  });

  it('When a queue is addressed by name, then the literal /name/ route wins over /{queueId}', async () => {
    const queue = (await client.POST('/api/queue/', { body: { name: 'tensorflow_cpu' } })).data!;
    const locked = await client.PUT('/api/queue/name/{queueName}/lock', { params: { path: { queueName: 'tensorflow_cpu' } } });
    expect(locked.data).toEqual({ status: 'Success', name: ['tensorflow_cpu'] });
    expect(api.store.dioptra.lockedQueues).toEqual([queue.queueId]);
    const read = await client.GET('/api/queue/name/{queueName}', { params: { path: { queueName: 'tensorflow_cpu' } } });
    expect(read.data).toEqual(queue);
  });

  it('When a job is submitted to a queue, then it is queued under its experiment and can be read back', async () => {
    await client.POST('/api/experiment/', { body: { name: 'mnist' } });
    await client.POST('/api/queue/', { body: { name: 'cpu' } });
    const form = new FormData();
    for (const [k, v] of Object.entries({ experiment_name: 'mnist', queue: 'cpu', entry_point: 'train', timeout: '12h' })) form.append(k, v);
    form.append('workflow', new Blob(['archive']), 'workflows.tar.gz');

    const submitted = await (await fetch(`${baseUrl}/api/job/`, { method: 'POST', body: form })).json();

    expect(submitted).toMatchObject({ status: 'queued', entryPoint: 'train', timeout: '12h', mlflowRunId: null });
    const read = await client.GET('/api/job/{jobId}', { params: { path: { jobId: submitted.jobId } } });
    expect(read.data).toEqual(submitted);
    expect((await client.GET('/api/job/')).data).toHaveLength(1);
  });

  it('When a body breaks the contract or a record is missing, then errors come in Dioptra\'s shape', async () => {
    const bad = await client.PUT('/api/queue/{queueId}', { params: { path: { queueId: 1 } }, body: { name: 42 as unknown as string } });
    expect(bad.response.status).toBe(400);
    expect(bad.error).toEqual({ message: 'request/body/name must be string', code: 'VALIDATION_FAILED' });
    const missing = await client.GET('/api/queue/{queueId}', { params: { path: { queueId: 7 } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ message: 'queue 7 was not found' });
  });
});

describe('Flow', () => {
  it('When a pipeline is created, renamed, listed and deleted, then every answer agrees', async () => {
    const created = (await client.POST('/api/v1/flow/pipeline', { body: { name: 'identity-checks' } })).data!.pipeline;
    expect(created).toMatchObject({ name: 'identity-checks', is_manager: true });

    await client.PATCH('/api/v1/flow/pipeline/{pipeline_id}', { params: { path: { pipeline_id: created.id } }, body: { name: 'kyc' } });
    expect((await client.GET('/api/v1/flow/pipeline')).data).toEqual({ status: 'OK', pipelines: [{ ...created, name: 'kyc' }] });

    const deleted = await client.DELETE('/api/v1/flow/pipeline/{pipeline_id}', { params: { path: { pipeline_id: created.id } } });
    expect(deleted.data).toEqual({ status: 'OK', deleted_pipeline_id: created.id });
    const again = await client.DELETE('/api/v1/flow/pipeline/{pipeline_id}', { params: { path: { pipeline_id: created.id } } });
    expect(again.response.status).toBe(404);
    expect(again.error).toMatchObject({ status: 'ERROR', code: 'DOCUMENT_NOT_FOUND' });
  });

  it('When a pipeline name is empty, then it gets 400 in Flow\'s shape', async () => {
    const response = await post('/api/v1/flow/pipeline', { name: '' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 'ERROR', code: 'VALIDATION_FAILED', msg: expect.stringContaining('request/body/name') });
  });
});

describe('request bodies of the wrong kind', () => {
  it('When a multipart-only operation gets JSON, then it gets 400 in the family\'s shape', async () => {
    const response = await post('/api/job/', { experiment_name: 'mnist', queue: 'cpu', entry_point: 'train', workflow: 'x' });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ message: 'request/body: unsupported content type application/json', code: 'VALIDATION_FAILED' });
  });
});
