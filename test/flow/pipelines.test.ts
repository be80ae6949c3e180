// Flow pipelines: the list shows exactly what each caller may read, with the caller's own permissions; the
// administration extensions (create, rename, delete, grant, revoke) are open to site administrators and to
// members as their permissions allow; every failure answers Flow's `{status: "ERROR", msg}` with a 4xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../helpers/server.ts';
import { startFlow, type FlowFixture, type User } from './flow-fixture.ts';

const ALL = ['flow_pipeline:read', 'flow_pipeline:execute', 'flow_pipeline:delete', 'flow_pipeline:manage_pipelines', 'flow_pipeline:write'];
const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe.each(PROVIDERS)('Flow pipelines on %s', (provider) => {
  let f: FlowFixture;
  let identityChecks: string;
  let mortgage: string;

  const list = async (user: User) => {
    const r = await f.as[user].GET('/api/v1/flow/pipeline');
    expect(r.response.status).toBe(200);
    return r.data!;
  };
  const create = (user: User, name: string) => f.as[user].POST('/api/v1/flow/pipeline', { body: { name } });
  const grant = (user: User, pipeline_id: string, body: { username: string; permissions?: string[]; is_manager?: boolean }) =>
    f.as[user].POST('/api/v1/flow/pipeline/{pipeline_id}/permissions', { params: { path: { pipeline_id } }, body: body as never });
  const revoke = (user: User, pipeline_id: string, username: string, permission?: string[]) =>
    f.as[user].DELETE('/api/v1/flow/pipeline/{pipeline_id}/permissions/{username}', {
      params: { path: { pipeline_id, username }, query: permission ? { permission: permission as never } : {} },
    });
  const rename = (user: User, pipeline_id: string, name: string) =>
    f.as[user].PATCH('/api/v1/flow/pipeline/{pipeline_id}', { params: { path: { pipeline_id } }, body: { name } });
  const remove = (user: User, pipeline_id: string) => f.as[user].DELETE('/api/v1/flow/pipeline/{pipeline_id}', { params: { path: { pipeline_id } } });

  /** A Flow error: the status, Flow's body and Pipeloom's code. */
  function expectError(r: { response: Response; error?: unknown }, status: number, code: string) {
    expect(r.response.status).toBe(status);
    expect(r.error).toMatchObject({ status: 'ERROR', msg: expect.any(String), code });
  }

  beforeAll(async () => {
    f = await startFlow(provider);
  });
  afterAll(async () => {
    await f?.close();
  });

  it('When an administrator creates pipelines, then each gets a UUID and the creator manages it with every permission', async () => {
    const a = await create('admin', 'identity-checks');
    expect(a.response.status).toBe(200);
    expect(a.data).toEqual({ status: 'OK', pipeline: { name: 'identity-checks', id: expect.stringMatching(/^[0-9a-f-]{36}$/), permissions: ALL, is_manager: true } });
    identityChecks = a.data!.pipeline.id;
    mortgage = (await create('admin', 'mortgage-underwriting')).data!.pipeline.id;
    expect(await list('admin')).toEqual({
      status: 'OK',
      pipelines: [
        { name: 'identity-checks', id: identityChecks, permissions: ALL, is_manager: true },
        { name: 'mortgage-underwriting', id: mortgage, permissions: ALL, is_manager: true },
      ],
    });
  });

  it('When a user without the admin right creates a pipeline, then it is refused with 403 and nothing is made', async () => {
    expectError(await create('writer', 'mine'), 403, 'FORBIDDEN');
    expect((await list('admin')).pipelines.map((p) => p.name)).toEqual(['identity-checks', 'mortgage-underwriting']);
  });

  it('When a pipeline name is taken, empty, or the body has unknown keys, then creation fails with 409 or 400', async () => {
    expectError(await create('admin', 'identity-checks'), 409, 'CONFLICT');
    expectError(await create('admin', ''), 400, 'VALIDATION_FAILED');
    expectError(await f.as.admin.POST('/api/v1/flow/pipeline', { body: { name: 'x', extra: 1 } as never }), 400, 'VALIDATION_FAILED');
  });

  it('When a caller sends no credentials or a wrong token, then Flow answers 401 in its error shape', async () => {
    expectError(await f.anonymous.GET('/api/v1/flow/pipeline'), 401, 'UNAUTHENTICATED');
    const r = await fetch(`${f.t.url}/api/v1/flow/pipeline`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ status: 'ERROR', code: 'UNAUTHENTICATED' });
  });

  it('When permissions are granted, then the answer shows what the user holds, and granting again changes nothing', async () => {
    const r = await grant('admin', identityChecks, { username: 'reader', permissions: ['flow_pipeline:read'] });
    expect(r.response.status).toBe(200);
    expect(r.data).toEqual({ status: 'OK', pipeline_id: identityChecks, username: 'reader', permissions: ['flow_pipeline:read'], is_manager: false });
    expect((await grant('admin', identityChecks, { username: 'reader', permissions: ['flow_pipeline:read'] })).data).toEqual(r.data);
    const w = await grant('admin', identityChecks, { username: 'writer', permissions: ['flow_pipeline:write', 'flow_pipeline:read', 'flow_pipeline:manage_pipelines'] });
    expect(w.data!.permissions).toEqual(['flow_pipeline:read', 'flow_pipeline:manage_pipelines', 'flow_pipeline:write']);
  });

  it('When a holder of manage_pipelines grants, then it works; a reader granting is refused with 403', async () => {
    const r = await grant('writer', identityChecks, { username: 'reader', permissions: ['flow_pipeline:execute'], is_manager: false });
    expect(r.data).toMatchObject({ permissions: ['flow_pipeline:read', 'flow_pipeline:execute'], is_manager: false });
    expectError(await grant('reader', identityChecks, { username: 'reader', permissions: ['flow_pipeline:write'] }), 403, 'FORBIDDEN');
    expectError(await grant('writer', mortgage, { username: 'writer', permissions: ['flow_pipeline:read'] }), 403, 'FORBIDDEN');
  });

  it('When a grant names an unknown user, an unknown pipeline or an unknown permission, then it fails with 404 or 400', async () => {
    expectError(await grant('admin', identityChecks, { username: 'nobody', permissions: ['flow_pipeline:read'] }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await grant('admin', UNKNOWN, { username: 'reader', permissions: ['flow_pipeline:read'] }), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await grant('admin', identityChecks, { username: 'reader', permissions: ['flow_pipeline:own'] }), 400, 'VALIDATION_FAILED');
    expectError(await grant('admin', 'not-a-uuid', { username: 'reader' }), 400, 'VALIDATION_FAILED');
  });

  it('When each user lists pipelines, then they see exactly the ones they may read, with their own permissions', async () => {
    await grant('admin', mortgage, { username: 'writer', permissions: ['flow_pipeline:execute'] });
    expect((await list('reader')).pipelines).toEqual([
      { name: 'identity-checks', id: identityChecks, permissions: ['flow_pipeline:read', 'flow_pipeline:execute'], is_manager: false },
    ]);
    // Execute without read does not make a pipeline visible.
    expect((await list('writer')).pipelines).toEqual([
      { name: 'identity-checks', id: identityChecks, permissions: ['flow_pipeline:read', 'flow_pipeline:manage_pipelines', 'flow_pipeline:write'], is_manager: false },
    ]);
    // The manager role alone does.
    await grant('admin', mortgage, { username: 'writer', is_manager: true });
    expect((await list('writer')).pipelines.map((p) => [p.name, p.is_manager])).toEqual([['identity-checks', false], ['mortgage-underwriting', true]]);
  });

  it('When permissions are revoked one by one or all at once, then the user holds less and finally loses sight of the pipeline', async () => {
    const one = await revoke('admin', identityChecks, 'reader', ['flow_pipeline:execute']);
    expect(one.data).toEqual({ status: 'OK', pipeline_id: identityChecks, username: 'reader', permissions: ['flow_pipeline:read'], is_manager: false });
    expectError(await revoke('reader', identityChecks, 'writer'), 403, 'FORBIDDEN');
    const all = await revoke('writer', mortgage, 'writer');
    expect(all.data).toEqual({ status: 'OK', pipeline_id: mortgage, username: 'writer', permissions: [], is_manager: false });
    expect((await list('writer')).pipelines.map((p) => p.name)).toEqual(['identity-checks']);
    expectError(await revoke('admin', UNKNOWN, 'writer'), 404, 'DOCUMENT_NOT_FOUND');
    expectError(await revoke('admin', mortgage, 'nobody'), 404, 'DOCUMENT_NOT_FOUND');
  });

  it('When a pipeline is renamed, then its id and permissions stay; readers may not, and taken names or unknown ids fail', async () => {
    const r = await rename('writer', identityChecks, 'identity-checks-emea');
    expect(r.data).toEqual({
      status: 'OK',
      pipeline: { name: 'identity-checks-emea', id: identityChecks, permissions: ['flow_pipeline:read', 'flow_pipeline:manage_pipelines', 'flow_pipeline:write'], is_manager: false },
    });
    expect((await list('reader')).pipelines).toEqual([{ name: 'identity-checks-emea', id: identityChecks, permissions: ['flow_pipeline:read'], is_manager: false }]);
    expectError(await rename('reader', identityChecks, 'mine'), 403, 'FORBIDDEN');
    expectError(await rename('admin', identityChecks, 'mortgage-underwriting'), 409, 'CONFLICT');
    expectError(await rename('admin', UNKNOWN, 'x'), 404, 'DOCUMENT_NOT_FOUND');
    expect((await rename('admin', identityChecks, 'identity-checks-emea')).response.status).toBe(200);
  });

  it('When a pipeline is deleted, then only administrators or holders of delete may, and it is gone for everyone', async () => {
    expectError(await remove('writer', mortgage), 403, 'FORBIDDEN');
    expectError(await remove('reader', identityChecks), 403, 'FORBIDDEN');
    await grant('admin', mortgage, { username: 'writer', permissions: ['flow_pipeline:delete'] });
    const r = await remove('writer', mortgage);
    expect(r.response.status).toBe(200);
    expect(r.data).toEqual({ status: 'OK', deleted_pipeline_id: mortgage });
    expectError(await remove('admin', mortgage), 404, 'DOCUMENT_NOT_FOUND');
    expect((await list('admin')).pipelines.map((p) => p.name)).toEqual(['identity-checks-emea']);
    expect(await f.db.db.flowPipelinePermission.count({ where: { pipelineId: mortgage } })).toBe(0);
  });
});
