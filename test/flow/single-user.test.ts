// With no users configured every caller is the local user, who holds the site-level admin right: Flow's
// administration works without credentials, and the local user manages what it creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(PROVIDERS)('Flow in single-user mode on %s', (provider) => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer(provider);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('When nobody is configured, then the local caller creates a pipeline, sees it and assigns it to a workflow', async () => {
    const created = await t.client.POST('/api/v1/flow/pipeline', { body: { name: 'local-review' } });
    expect(created.response.status).toBe(200);
    const { pipeline } = created.data!;
    expect(pipeline).toMatchObject({ name: 'local-review', is_manager: true });
    expect((await t.client.GET('/api/v1/flow/pipeline')).data!.pipelines).toEqual([pipeline]);
    const key = (await t.client.POST('/torc-service/workflows', { body: { user: 'local' } })).data!._key!;
    const r = await t.client.POST('/api/v1/jobs/pipelines', { body: { job_id: key, pipeline_ids: [pipeline.id] } });
    expect(r.data).toEqual({ status: 'OK', updated_pipelines: [{ flowPipelineName: 'local-review', flowPipelineId: pipeline.id }] });
  });
});
