// Assigning pipelines to jobs: the job's pipelines become exactly the list sent (camelCase entries in
// `updated_pipelines`), a job id must name a Torc workflow, a PLynx graph that has run or a Dioptra job, and the caller
// must own the job and needs write, manage_pipelines or the manager role on every pipeline added or removed. The permission
// matrix covers the three users of the fixture; deleting a pipeline takes it off every job.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../helpers/server.ts';
import { graph, instance, operation } from '../plynx/plynx-fixture.ts';
import { startFlow, USERS, type FlowFixture, type User } from './flow-fixture.ts';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe.each(PROVIDERS)('Flow job pipelines on %s', (provider) => {
  let f: FlowFixture;
  /** Pipelines by name: `writable` (reader: read; writer: read, write), `managed` (writer: manager), `foreign` (admin only). */
  const ids: Record<string, string> = {};

  const assign = (user: User, job_id: string, pipeline_ids: string[] | string) => f.as[user].POST('/api/v1/jobs/pipelines', { body: { job_id, pipeline_ids } });
  const entry = (name: string) => ({ flowPipelineName: name, flowPipelineId: ids[name] });
  const assigned = async (jobId: string) =>
    (await f.db.db.flowJobPipeline.findMany({ where: { jobId }, include: { pipeline: true } })).map((r) => r.pipeline.name).sort();
  async function torcWorkflow(owner: User = 'writer'): Promise<string> {
    const r = await f.as[owner].POST('/torc-service/workflows', { body: { user: owner } });
    expect(r.response.status).toBe(200);
    return r.data!._key!;
  }
  function expectError(r: { response: Response; error?: unknown }, status: number, code: string) {
    expect(r.response.status).toBe(status);
    expect(r.error).toMatchObject({ status: 'ERROR', msg: expect.any(String), code });
  }

  beforeAll(async () => {
    f = await startFlow(provider);
    for (const name of ['writable', 'managed', 'foreign']) ids[name] = (await f.as.admin.POST('/api/v1/flow/pipeline', { body: { name } })).data!.pipeline.id;
    const grant = (name: string, username: string, body: { permissions?: string[]; is_manager?: boolean }) =>
      f.as.admin.POST('/api/v1/flow/pipeline/{pipeline_id}/permissions', { params: { path: { pipeline_id: ids[name]! } }, body: { username, ...body } as never });
    await grant('writable', 'reader', { permissions: ['flow_pipeline:read'] });
    await grant('writable', 'writer', { permissions: ['flow_pipeline:read', 'flow_pipeline:write'] });
    await grant('managed', 'writer', { is_manager: true });
  });
  afterAll(async () => {
    await f?.close();
  });

  it('When a writer assigns pipelines to a Torc workflow, then the answer lists them by name with camelCase keys', async () => {
    const job = await torcWorkflow();
    const r = await assign('writer', job, [ids.writable!, ids.managed!]);
    expect(r.response.status).toBe(200);
    expect(r.data).toEqual({ status: 'OK', updated_pipelines: [entry('managed'), entry('writable')] });
    expect(await assigned(job)).toEqual(['managed', 'writable']);
  });

  it('When the list is replaced or emptied, then the job has exactly the new list; a single id string counts as a list of one', async () => {
    const job = await torcWorkflow();
    await assign('writer', job, [ids.writable!, ids.managed!]);
    expect((await assign('writer', job, ids.managed!)).data).toEqual({ status: 'OK', updated_pipelines: [entry('managed')] });
    expect((await assign('writer', job, [])).data).toEqual({ status: 'OK', updated_pipelines: [] });
    expect(await assigned(job)).toEqual([]);
  });

  it('When the job is a PLynx graph that has run, then it is accepted; a graph that never ran is not a job', async () => {
    const op = operation('step');
    expect((await f.as.admin.POST('/plynx/api/v0/nodes', { body: { node: op, action: 'APPROVE' } })).data).toMatchObject({ status: 'SUCCESS' });
    const library = (await f.as.admin.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: op._id! } } })).data!.data;
    const g = graph('flow job', [instance(library)]);
    const approved = await f.as.writer.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['APPROVE'] } });
    expect(approved.data, JSON.stringify(approved.error)).toMatchObject({ status: 'SUCCESS' });
    const r = await assign('writer', g._id!, [ids.writable!]);
    expect(r.data, JSON.stringify(r.error)).toEqual({ status: 'OK', updated_pipelines: [entry('writable')] });
    const draft = graph('never run', [instance(library)]);
    await f.as.admin.POST('/plynx/api/v0/graphs', { body: { graph: draft, actions: ['SAVE'] } });
    expectError(await assign('writer', draft._id!, [ids.writable!]), 404, 'DOCUMENT_NOT_FOUND');
  });

  it('When the job is a submitted Dioptra job, then it is accepted by its id', async () => {
    const post = (path: string, body: FormData, as: User = 'admin') => fetch(`${f.t.url}${path}`, { method: 'POST', body, headers: { authorization: `Bearer ${f.tokens[as]}` } });
    const form = (fields: Record<string, string>, file?: string) => {
      const data = new FormData();
      for (const [k, v] of Object.entries(fields)) data.append(k, v);
      if (file) data.append('workflow', new Blob(['archive bytes']), file);
      return data;
    };
    expect((await post('/api/experiment/', form({ name: 'flow-experiment' }))).status).toBe(200);
    expect((await post('/api/queue/', form({ name: 'flow-queue' }))).status).toBe(200);
    const submitted = await post('/api/job/', form({ experiment_name: 'flow-experiment', queue: 'flow-queue', entry_point: 'main' }, 'workflows.tar.gz'), 'writer');
    expect(submitted.status).toBe(200);
    const { jobId } = (await submitted.json()) as { jobId: string };
    expect((await assign('writer', jobId, [ids.writable!])).data).toEqual({ status: 'OK', updated_pipelines: [entry('writable')] });
    expect(await assigned(jobId)).toEqual(['writable']);
  });

  it('When the job or a pipeline is unknown, then it fails with 404 and nothing changes', async () => {
    const job = await torcWorkflow();
    await assign('writer', job, [ids.writable!]);
    expectError(await assign('writer', '999999', [ids.writable!]), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await assign('writer', '2b7e51c9-0c4f-4d43-9a55-6f1c3e2d8a10', [ids.writable!]), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await assign('writer', job, [ids.managed!, UNKNOWN]), 404, 'DOCUMENT_NOT_FOUND');
    expect(await assigned(job)).toEqual(['writable']);
  });

  it('When the body is malformed, then it fails with 400 in Flow error shape', async () => {
    const job = await torcWorkflow();
    expectError(await assign('writer', job, ['not-a-uuid']), 400, 'VALIDATION_FAILED');
    expectError(await f.as.writer.POST('/api/v1/jobs/pipelines', { body: { job_id: job } as never }), 400, 'VALIDATION_FAILED');
    expectError(await assign('writer', '', []), 400, 'VALIDATION_FAILED');
  });

  it.each([
    // [user, pipeline] → may the user add it to a job and take it off again?
    ['admin', 'writable', true], ['admin', 'managed', true], ['admin', 'foreign', true],
    ['reader', 'writable', false], ['reader', 'managed', false], ['reader', 'foreign', false],
    ['writer', 'writable', true], ['writer', 'managed', true], ['writer', 'foreign', false],
  ] as const)('Permission matrix: %s assigning %s is allowed: %s', async (user, name, allowed) => {
    const job = await torcWorkflow(user);
    const added = await assign(user, job, [ids[name]!]);
    if (allowed) {
      expect(added.data).toEqual({ status: 'OK', updated_pipelines: [entry(name)] });
      expect((await assign(user, job, [])).response.status).toBe(200);
    } else {
      expectError(added, 403, 'FORBIDDEN');
      // Nor may the user take it off a job someone else assigned it to.
      await assign('admin', job, [ids[name]!]);
      expectError(await assign(user, job, []), 403, 'FORBIDDEN');
      expect(await assigned(job)).toEqual([name]);
    }
  });

  it('Permission matrix: each user lists exactly the pipelines they may read', async () => {
    const names = Object.fromEntries(
      await Promise.all(USERS.map(async (u) => [u, (await f.as[u].GET('/api/v1/flow/pipeline')).data!.pipelines.map((p) => p.name)] as const)),
    );
    expect(names).toEqual({ admin: ['foreign', 'managed', 'writable'], reader: ['writable'], writer: ['managed', 'writable'] });
  });

  it('When the job is another user\'s, then only an administrator may change its pipelines', async () => {
    const job = await torcWorkflow('reader');
    expectError(await assign('writer', job, [ids.writable!]), 403, 'FORBIDDEN');
    expect(await assigned(job)).toEqual([]);
    expect((await assign('admin', job, [ids.writable!])).response.status).toBe(200);
    expect(await assigned(job)).toEqual(['writable']);
  });

  it('When a job keeps a pipeline the caller may not touch, then the caller can still change the others', async () => {
    const job = await torcWorkflow();
    await assign('admin', job, [ids.foreign!]);
    expect((await assign('writer', job, [ids.foreign!, ids.writable!])).data).toEqual({ status: 'OK', updated_pipelines: [entry('foreign'), entry('writable')] });
    // Re-sending the job's current list changes nothing, so even a reader may.
    expect((await assign('reader', job, [ids.writable!, ids.foreign!])).response.status).toBe(200);
  });

  it('When a pipeline is deleted, then it is taken off every job and the jobs keep their other pipelines', async () => {
    const [a, b] = [await torcWorkflow(), await torcWorkflow()];
    const { pipeline } = (await f.as.admin.POST('/api/v1/flow/pipeline', { body: { name: 'doomed' } })).data!;
    await assign('admin', a, [pipeline.id, ids.writable!]);
    await assign('admin', b, [pipeline.id]);
    expect((await f.as.admin.DELETE('/api/v1/flow/pipeline/{pipeline_id}', { params: { path: { pipeline_id: pipeline.id } } })).response.status).toBe(200);
    expect(await assigned(a)).toEqual(['writable']);
    expect(await assigned(b)).toEqual([]);
    expect(await f.db.db.flowJobPipeline.count({ where: { pipelineId: pipeline.id } })).toBe(0);
    expect((await assign('writer', a, [ids.writable!])).data).toEqual({ status: 'OK', updated_pipelines: [entry('writable')] });
  });
});
