// The PLynx node library end to end: templates, the actions of POST /nodes, previews and ownership.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../helpers/server.ts';
import { oid, operation, startPlynx, type Node, type PlynxFixture } from './plynx-fixture.ts';

type NodeAction = 'SAVE' | 'APPROVE' | 'VALIDATE' | 'DEPRECATE' | 'MANDATORY_DEPRECATE' | 'PREVIEW_CMD';

describe.each(PROVIDERS)('the PLynx node library on %s', (provider) => {
  let p: PlynxFixture;
  const post = (node: Node, action: NodeAction, client = p.alice) => client.POST('/plynx/api/v0/nodes', { body: { node, action } });
  const read = (id: string, client = p.alice) => client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: id } } });

  beforeAll(async () => {
    p = await startPlynx(provider);
  });
  afterAll(async () => p?.close());

  it('When a base node name is read, then a fresh template of that kind is answered', async () => {
    for (const name of ['bash_jinja2', 'python', 'file', 'get_resource']) {
      const r = await read(name);
      expect(r.response.status, name).toBe(200);
      expect(r.data!.data.base_node_name).toBe(name);
      expect(r.data!.status).toBe('success');
    }
    const bash = (await read('bash_jinja2')).data!.data;
    expect(bash.parameters!.map((x) => x.name)).toEqual(['cmd', 'cacheable', '_timeout']);
    expect(bash.logs!.map((l) => l.name)).toEqual(['stderr', 'stdout', 'worker']);
    expect((await read('file')).data!.data).toMatchObject({ title: 'File', node_status: 'READY', node_running_status: 'STATIC' });
    expect((await read('bash_jinja2')).data!.data._id).not.toBe(bash._id);
  });

  it('When an id is malformed or unknown, then the answer is a 404 naming it', async () => {
    expect((await read('nope')).error).toMatchObject({ status: 'failed', message: 'Invalid ID' });
    const missing = oid();
    const r = await read(missing);
    expect(r.response.status).toBe(404);
    expect(r.error).toMatchObject({ message: `Node \`${missing}\` was not found` });
  });

  it('When an operation is saved and approved, then it is stored as the caller\'s and becomes READY', async () => {
    const op = operation('Lifecycle', { outputs: ['out'] });
    const saved = await post({ ...op, author: p.ids.bob, starred: true }, 'SAVE');
    expect(saved.data).toEqual({ status: 'SUCCESS', message: `Node(_id=\`${op._id}\`) successfully updated` });
    const stored = (await read(op._id!)).data!.data;
    expect(stored).toMatchObject({ author: p.ids.alice, starred: false, node_status: 'CREATED', _readonly: false });
    expect((await read(op._id!, p.bob)).data!.data._readonly).toBe(true);
    expect((await post(op, 'APPROVE')).data).toMatchObject({ status: 'SUCCESS' });
    expect((await read(op._id!)).data!.data.node_status).toBe('READY');
    const resave = await post({ ...op, node_status: 'READY' }, 'SAVE');
    expect(resave.response.status).toBe(409);
    const reapprove = await post({ ...op, node_status: 'READY' }, 'APPROVE');
    expect(reapprove.error).toMatchObject({ message: 'Node status `CREATED` expected. Found `READY`' });
  });

  it('When an invalid operation is approved, then the answer is a 200 VALIDATION_FAILED and nothing is stored', async () => {
    const op = { ...operation('x'), title: '', inputs: [{ name: 'in', file_types: ['file'], values: [], min_count: -1, max_count: 1 }] };
    const r = await post(op, 'APPROVE');
    expect(r.response.status).toBe(200);
    expect(r.data).toEqual({
      status: 'VALIDATION_FAILED',
      message: 'Node validation failed',
      validation_error: { target: 'NODE', object_id: op._id, validation_code: 'IN_DEPENDENTS', children: [
        { target: 'PROPERTY', object_id: 'title', validation_code: 'MISSING_PARAMETER', children: [] },
        { target: 'INPUT', object_id: 'in', validation_code: 'MINIMUM_COUNT_MUST_NOT_BE_NEGATIVE', children: [] },
      ] },
    });
    expect((await read(op._id!)).response.status).toBe(404);
  });

  it('When a draft is deprecated, then that is a 409; an approved one can be deprecated and mandatorily deprecated', async () => {
    const op = operation('Old', { outputs: ['out'] });
    await post(op, 'SAVE');
    const draft = await post(op, 'DEPRECATE');
    expect(draft.response.status).toBe(409);
    expect(draft.error).toMatchObject({ message: 'Node status `CREATED` not expected.' });
    await post(op, 'APPROVE');
    await post({ ...op, node_status: 'READY' }, 'DEPRECATE');
    expect((await read(op._id!)).data!.data.node_status).toBe('DEPRECATED');
    await post({ ...op, node_status: 'DEPRECATED' }, 'MANDATORY_DEPRECATE');
    expect((await read(op._id!)).data!.data.node_status).toBe('MANDATORY_DEPRECATED');
  });

  it('When someone else posts a stored node, then VALIDATE and PREVIEW_CMD work and the rest is forbidden', async () => {
    const op = operation('Alice op', { outputs: ['out'] });
    await post(op, 'SAVE');
    for (const action of ['SAVE', 'APPROVE', 'DEPRECATE'] as const) {
      const r = await post(op, action, p.bob);
      expect(r.response.status, action).toBe(403);
      expect(r.error).toMatchObject({ status: 'failed', message: 'Permission denied' });
    }
    expect((await post(op, 'VALIDATE', p.bob)).data).toMatchObject({ status: 'SUCCESS' });
    expect((await post(op, 'PREVIEW_CMD', p.bob)).data).toMatchObject({ status: 'SUCCESS', message: 'Successfully created preview' });
  });

  it('When a bash_jinja2 command is previewed, then the Jinja2 template is rendered with the node\'s inputs, outputs and parameters', async () => {
    const template = (await read('bash_jinja2')).data!.data;
    const node: Node = {
      ...template,
      title: 'Gzip',
      inputs: [{ name: 'raw', file_types: ['file'], values: [], min_count: 1, max_count: 1 }],
      outputs: [{ name: 'packed', file_type: 'file', resource_id: null }],
      parameters: [
        ...template.parameters!.map((x) => (x.name === 'cmd' ? { ...x, value: { mode: 'sh', value: "gzip -{{ param['level'] }} -c {{ input['raw'] }} > {{ output['packed'] }}\n" } } : x)),
        { name: 'level', parameter_type: 'int', value: 9, mutable_type: true, removable: true, publicable: true, widget: null },
      ],
    } as Node;
    const r = await post(node, 'PREVIEW_CMD');
    expect(r.data!.preview_text).toContain('gzip -9 -c ');
    expect(r.data!.preview_text).not.toContain("{{ input['raw'] }}");
    expect(r.data!.preview_text).toMatch(/^# Use templates: \['input', 'output', 'param'\]/);
  });

  it('When a template cannot be rendered, then PREVIEW_CMD answers a 400, not a crash', async () => {
    const template = (await read('bash_jinja2')).data!.data;
    const node = { ...template, parameters: template.parameters!.map((x) => (x.name === 'cmd' ? { ...x, value: { mode: 'sh', value: '{% if %}' } } : x)) } as Node;
    const r = await post(node, 'PREVIEW_CMD');
    expect(r.response.status).toBe(400);
    expect(r.error).toMatchObject({ status: 'failed' });
  });

  it('When a parameter value does not fit its type, then the answer is a 400 naming the problem', async () => {
    const op = operation('Typed', { params: [{ name: 'n', parameter_type: 'int', value: 'many', mutable_type: true, removable: true, publicable: true, widget: null }] });
    const r = await post(op, 'SAVE');
    expect(r.response.status).toBe(400);
    expect(r.error).toMatchObject({ status: 'failed' });
  });
});
