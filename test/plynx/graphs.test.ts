// PLynx graphs end to end: reading, saving, the action pipeline (SAVE, APPROVE, VALIDATE, CANCEL, CLONE,
// UPGRADE_NODES), the per-action routes, partial updates and the ownership rules, on every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../helpers/server.ts';
import { graph, instance, operation, startPlynx, type Graph, type Node, type PlynxFixture } from './plynx-fixture.ts';

const PLYNX_DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/;

describe.each(PROVIDERS)('PLynx graphs on %s', (provider) => {
  let p: PlynxFixture;
  let producer: Node;
  let consumer: Node;

  /** Approves an operation into the library as `client`'s user and answers it. */
  async function libraryOperation(node: Node, client = p.alice): Promise<Node> {
    const r = await client.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } });
    expect(r.data).toMatchObject({ status: 'SUCCESS' });
    return (await client.GET('/plynx/api/v0/nodes/{node_id}', { params: { path: { node_id: node._id! } } })).data!.data;
  }

  /** A valid two-node graph: producer.out → consumer.in. */
  function pipeline(title = 'Pipeline'): Graph {
    const a = instance(producer);
    const b = instance(consumer, { in: [[a, 'out']] });
    return graph(title, [a, b]);
  }

  const post = (g: Graph, actions: Array<'SAVE' | 'APPROVE' | 'VALIDATE' | 'REARRANGE' | 'UPGRADE_NODES' | 'CANCEL' | 'GENERATE_CODE' | 'CLONE'>, client = p.alice) =>
    client.POST('/plynx/api/v0/graphs', { body: { graph: g, actions } });
  const read = (id: string, client = p.alice) => client.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: id } } });

  beforeAll(async () => {
    p = await startPlynx(provider);
    producer = await libraryOperation(operation('Produce', { outputs: ['out'] }));
    consumer = await libraryOperation(operation('Consume', { inputs: ['in'], outputs: ['result'] }));
  });
  afterAll(async () => p?.close());

  it('When `new` is read, then a default graph with a fresh id is answered and nothing is stored', async () => {
    const { data } = await read('new');
    expect(Object.keys(data!.data)).toEqual(['_id', 'title', 'description', 'graph_running_status', 'author', 'nodes']);
    expect(data!.data).toMatchObject({ title: 'Title', description: 'Description', graph_running_status: 'CREATED', author: null, nodes: [] });
    expect(data!.status).toBe('success');
    expect(data!.resources_dict.file).toBeDefined();
    expect((await read(data!.data._id!)).response.status).toBe(404);
  });

  it('When a graph is saved, then it is stored as the caller\'s with PLynx dates, and it is read-only to others', async () => {
    const g = pipeline('Saved');
    const saved = await post({ ...g, author: p.ids.bob }, ['SAVE']);
    expect(saved.data).toMatchObject({ status: 'SUCCESS', message: `Actions completed with Graph(_id=\`${g._id}\`)`, url: expect.stringMatching(new RegExp(`/graphs/${g._id}$`)) });
    const mine = (await read(g._id!)).data!.data;
    expect(mine).toMatchObject({ _id: g._id, title: 'Saved', author: p.ids.alice, _readonly: false });
    expect(mine.insertion_date).toMatch(PLYNX_DATE);
    expect(mine.update_date).toMatch(PLYNX_DATE);
    expect((await read(g._id!, p.bob)).data!.data._readonly).toBe(true);
  });

  it('When a graph is read, then each node shows the current status of the operation it was made from', async () => {
    const op = await libraryOperation(operation('Soon deprecated', { outputs: ['out'] }));
    const g = graph('Statuses', [instance(op)]);
    await post(g, ['SAVE']);
    await p.alice.POST('/plynx/api/v0/nodes', { body: { node: { ...op, node_status: 'READY' }, action: 'DEPRECATE' } });
    expect((await read(g._id!)).data!.data.nodes![0]!.node_status).toBe('DEPRECATED');
  });

  it('When a missing or malformed graph id is read, then the answer is 404 in PLynx\'s shape', async () => {
    for (const id of ['65f2c0de9a1b4c0012ab1001', 'not-an-id']) {
      const r = await read(id);
      expect(r.response.status).toBe(404);
      expect(r.error).toMatchObject({ status: 'failed', message: 'Graph was not found' });
    }
  });

  it('When a valid graph is approved, then it becomes RUNNING at once (there is no master to pick it up), and saving or approving it again is a 409', async () => {
    const g = pipeline('Approved');
    const r = await post(g, ['REARRANGE', 'APPROVE']);
    expect(r.data).toMatchObject({ status: 'SUCCESS', graph: { graph_running_status: 'RUNNING' } });
    expect((await read(g._id!)).data!.data.graph_running_status).toBe('RUNNING');
    const again = await post(r.data!.graph!, ['SAVE']);
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ status: 'failed', message: 'Cannot save graph with status `RUNNING`' });
    const approve = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/approve', { params: { path: { graph_id: g._id! } } });
    expect(approve.response.status).toBe(409);
    expect(approve.error).toMatchObject({ message: 'Graph status `CREATED` expected. Found `RUNNING`' });
  });

  it('When an invalid graph is approved, then the answer is a 200 VALIDATION_FAILED with the error tree and nothing is saved', async () => {
    const unlinked = instance(consumer);
    const g = { ...graph('Invalid', [unlinked]), title: '' };
    const r = await post(g, ['REARRANGE', 'APPROVE']);
    expect(r.response.status).toBe(200);
    expect(r.data).toEqual({
      status: 'VALIDATION_FAILED',
      message: 'Graph validation failed',
      validation_error: {
        target: 'GRAPH', object_id: g._id, validation_code: 'IN_DEPENDENTS', children: [
          { target: 'PROPERTY', object_id: 'title', validation_code: 'MISSING_PARAMETER', children: [] },
          { target: 'NODE', object_id: unlinked._id, validation_code: 'IN_DEPENDENTS', children: [
            { target: 'INPUT', object_id: 'in', validation_code: 'MISSING_INPUT', children: [] },
          ] },
        ],
      },
    });
    expect((await read(g._id!)).response.status).toBe(404);
  });

  it('When a failing action follows a SAVE, then the SAVE is rolled back too', async () => {
    const g = pipeline('Half written');
    const r = await post(g, ['SAVE', 'CANCEL']);
    expect(r.response.status).toBe(409);
    expect(r.error).toMatchObject({ message: 'Graph status `RUNNING` expected. Found `CREATED`' });
    expect((await read(g._id!)).response.status).toBe(404);
  });

  it('When someone else posts a stored graph, then read-only actions work and changing ones are forbidden', async () => {
    const g = pipeline('Alice owns');
    await post(g, ['SAVE']);
    for (const actions of [['SAVE'], ['APPROVE'], ['REARRANGE', 'SAVE']] as const) {
      const r = await post(g, [...actions], p.bob);
      expect(r.response.status).toBe(403);
      expect(r.error).toMatchObject({ status: 'failed', message: 'Permission denied' });
    }
    const validated = await post(g, ['VALIDATE', 'REARRANGE', 'GENERATE_CODE', 'UPGRADE_NODES'], p.bob);
    expect(validated.data).toMatchObject({ status: 'SUCCESS', upgraded_nodes_count: 0, code: expect.stringContaining('graph.approve().wait()') });
    const approve = await p.bob.POST('/plynx/api/v0/graphs/{graph_id}/approve', { params: { path: { graph_id: g._id! } } });
    expect(approve.response.status).toBe(403);
  });

  it('When a graph is cloned, then the copy is the caller\'s, CREATED, stored, and has no produced resources', async () => {
    const g = pipeline('Original');
    g.nodes![0]!.outputs![0]!.resource_id = 'produced-resource';
    g.nodes![1]!.inputs![0]!.values![0]!.resource_id = 'produced-resource';
    await post(g, ['APPROVE']);
    const r = await p.bob.POST('/plynx/api/v0/graphs/{graph_id}/clone', { params: { path: { graph_id: g._id! } } });
    const clone = r.data!.graph!;
    expect(r.data!.new_graph_id).toBe(clone._id);
    expect(clone._id).not.toBe(g._id);
    expect(clone).toMatchObject({ author: p.ids.bob, graph_running_status: 'CREATED' });
    expect(clone.nodes!.map((n) => n._id)).toEqual(g.nodes!.map((n) => n._id));
    expect(clone.nodes![0]!.outputs![0]!.resource_id).toBeNull();
    expect(clone.nodes![1]!.inputs![0]!.values![0]!.resource_id).toBeNull();
    expect((await read(clone._id!, p.bob)).data!.data).toMatchObject({ _readonly: false, title: 'Original' });
  });

  it('When CANCEL is asked of a graph that is not running, then the answer is a 409', async () => {
    const g = pipeline('Idle');
    await post(g, ['SAVE']);
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/cancel', { params: { path: { graph_id: g._id! } } });
    expect(r.response.status).toBe(409);
    expect(r.error).toMatchObject({ message: 'Graph status `RUNNING` expected. Found `CREATED`' });
  });

  it('When an operation is deprecated with a successor, then UPGRADE_NODES swaps it and counts the swaps', async () => {
    const old = await libraryOperation(operation('Old step', { outputs: ['out'] }));
    const successor = await libraryOperation(operation('New step', { outputs: ['out'] }));
    await p.alice.POST('/plynx/api/v0/nodes', { body: { node: { ...old, successor_node: successor._id }, action: 'DEPRECATE' } });
    const placed = instance(old);
    const g = graph('Upgradable', [placed, instance(consumer, { in: [[placed, 'out']] })]);
    await post(g, ['SAVE']);
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/upgrade_nodes', { params: { path: { graph_id: g._id! } } });
    expect(r.data!.upgraded_nodes_count).toBe(1);
    expect(r.data!.graph!.nodes![0]).toMatchObject({ _id: placed._id, parent_node: successor._id, title: 'New step' });
    expect(r.data!.graph!.nodes![1]!.inputs![0]!.values).toEqual([{ node_id: placed._id, output_id: 'out', resource_id: '' }]);
    // On its own the upgrade is not saved.
    expect((await read(g._id!)).data!.data.nodes![0]!.parent_node).toBe(old._id);
  });

  it('When a graph without nodes is laid out or turned into code, then the answer is a 400, not a crash', async () => {
    const empty = graph('Empty', []);
    for (const action of ['REARRANGE', 'GENERATE_CODE'] as const) {
      const r = await post(empty, [action]);
      expect(r.response.status).toBe(400);
      expect(r.error).toMatchObject({ status: 'failed' });
    }
  });

  it('When the body names no action, an unknown action or a malformed graph, then the answer is a 400', async () => {
    const g = pipeline('Bad bodies');
    const bodies: unknown[] = [
      { graph: g },
      { graph: g, actions: ['LAUNCH'] },
      { graph: { ...g, _id: 'xyz' }, actions: ['SAVE'] },
      { graph: { ...g, nodes: [{ ...g.nodes![0], x: 'left' }] }, actions: ['SAVE'] },
    ];
    for (const body of bodies) {
      const r = await p.alice.POST('/plynx/api/v0/graphs', { body: body as never });
      expect(r.response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.error).toMatchObject({ status: 'failed' });
    }
  });

  it('When PLynx\'s documented `action` list is sent instead of `actions`, then it is run the same way', async () => {
    const g = pipeline('Docs form');
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, action: ['SAVE'] } });
    expect(r.data).toMatchObject({ status: 'SUCCESS' });
  });

  it('When a graph is updated, then objects merge, lists are replaced, and only its author may do it while CREATED', async () => {
    const g = pipeline('To update');
    await post(g, ['SAVE']);
    const update = (body: Record<string, unknown>, client = p.alice, id = g._id!) =>
      client.PATCH('/plynx/api/v0/graphs/{graph_id}/update', { params: { path: { graph_id: id } }, body: body as never });
    const r = await update({ description: 'New words', nodes: [g.nodes![0]] });
    expect(r.data).toMatchObject({ status: 'success', message: 'Successfully updated', graph: { title: 'To update', description: 'New words' } });
    expect((await read(g._id!)).data!.data.nodes).toHaveLength(1);
    expect((await update({ title: 'Mine now' }, p.bob)).response.status).toBe(403);
    expect((await update({ title: 'x' }, p.alice, '65f2c0de9a1b4c0012ab9999')).response.status).toBe(404);
    await post({ ...g, nodes: [g.nodes![0]!], description: 'New words' }, ['APPROVE']);
    const late = await update({ title: 'Too late' });
    expect(late.response.status).toBe(409);
  });

  it('When a graph id is unknown on an action route, then the answer is a 404', async () => {
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/validate', { params: { path: { graph_id: '65f2c0de9a1b4c0012ab8888' } } });
    expect(r.response.status).toBe(404);
  });

  it('When nobody signs in, then the graph routes answer 401 with PLynx\'s challenge', async () => {
    const r = await p.anonymous.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: 'new' } } });
    expect(r.response.status).toBe(401);
    expect(r.error).toMatchObject({ status: 'failed' });
  });
});
