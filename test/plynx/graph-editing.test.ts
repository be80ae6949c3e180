// The graph editing sub-API: listing, inserting and removing nodes, changing parameters, and linking, with
// PLynx's check order (404 graph, 403 not the author, then the edit's own 400s and 404s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../helpers/server.ts';
import { graph, instance, oid, operation, startPlynx, type Graph, type Node, type PlynxFixture } from './plynx-fixture.ts';

describe.each(PROVIDERS)('PLynx graph editing on %s', (provider) => {
  let p: PlynxFixture;
  let producer: Node;
  let consumer: Node;

  const path = (graph_id: string) => ({ params: { path: { graph_id } } });
  const nodesOf = async (id: string) => (await p.alice.GET('/plynx/api/v0/graphs/{graph_id}/nodes/list_nodes', path(id))).data!.nodes;

  async function savedGraph(nodes: Node[] = []): Promise<Graph> {
    const g = graph('Editable', nodes);
    await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: g, actions: ['SAVE'] } });
    return g;
  }

  beforeAll(async () => {
    p = await startPlynx(provider);
    producer = operation('Produce', { outputs: ['out'] });
    consumer = operation('Consume', {
      inputs: ['in'],
      params: [{ name: 'threshold', parameter_type: 'int', value: 1, mutable_type: true, removable: true, publicable: true, widget: { alias: 'Threshold' } }],
    });
    for (const node of [producer, consumer]) await p.alice.POST('/plynx/api/v0/nodes', { body: { node, action: 'APPROVE' } });
  });
  afterAll(async () => p?.close());

  it('When a library node is inserted, then a copy with a new id and its parent recorded is stored in the graph', async () => {
    const g = await savedGraph();
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/insert_node', { ...path(g._id!), body: { node_id: producer._id!, x: 30, y: 80 } });
    expect(r.data).toMatchObject({ status: 'success', message: 'Completed', node: { parent_node: producer._id, x: 30, y: 80, title: 'Produce' } });
    expect(r.data!.node._id).not.toBe(producer._id);
    expect((await nodesOf(g._id!)).map((n) => n._id)).toEqual([r.data!.node._id]);
    const missing = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/insert_node', { ...path(g._id!), body: { node_id: oid() } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ message: 'Node was not found' });
  });

  it('When links are created and removed, then types, limits and duplicates are checked', async () => {
    const a = instance(producer);
    const b = instance(consumer);
    const g = await savedGraph([a, b]);
    const link = (from: string, fromRes: string, to: string, toRes: string) => ({ from: { node_id: from, resource: fromRes }, to: { node_id: to, resource: toRes } });
    const create = (body: unknown) => p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/create_link', { ...path(g._id!), body: body as never });
    const remove = (body: unknown) => p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_link', { ...path(g._id!), body: body as never });

    expect((await create(link(a._id!, 'out', b._id!, 'in'))).data).toEqual({ status: 'success', message: 'Completed' });
    expect((await nodesOf(g._id!))[1]!.inputs![0]!.values).toEqual([{ node_id: a._id, output_id: 'out', resource_id: '' }]);
    const again = await create(link(a._id!, 'out', b._id!, 'in'));
    expect(again.response.status).toBe(400);
    expect(again.error).toMatchObject({ status: 'failed' });
    expect((await create(link(a._id!, 'nope', b._id!, 'in'))).response.status).toBe(404);
    expect((await create(link(a._id!, 'out', a._id!, 'in'))).response.status).toBeGreaterThanOrEqual(400);
    expect((await remove(link(a._id!, 'out', b._id!, 'in'))).data).toMatchObject({ status: 'success' });
    expect((await nodesOf(g._id!))[1]!.inputs![0]!.values).toEqual([]);
    expect((await remove(link(a._id!, 'out', b._id!, 'in'))).response.status).toBe(404);
  });

  it('When a node is removed, then the links that read from it go too', async () => {
    const a = instance(producer);
    const b = instance(consumer, { in: [[a, 'out']] });
    const g = await savedGraph([a, b]);
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_node', { ...path(g._id!), body: { node_id: a._id! } });
    expect(r.data).toEqual({ status: 'success', message: 'Node removed' });
    const left = await nodesOf(g._id!);
    expect(left.map((n) => n._id)).toEqual([b._id]);
    expect(left[0]!.inputs![0]!.values).toEqual([]);
    const again = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_node', { ...path(g._id!), body: { node_id: a._id! } });
    expect(again.response.status).toBe(404);
  });

  it('When a parameter is changed, then the value is converted to its type, and a bad value is a 400', async () => {
    const b = instance(consumer);
    const g = await savedGraph([b]);
    const change = (parameter_name: string, parameter_value: unknown) =>
      p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/change_parameter', { ...path(g._id!), body: { node_id: b._id!, parameter_name, parameter_value } as never });
    expect((await change('threshold', '7')).data).toEqual({ status: 'success', message: 'Parameter updated' });
    expect((await nodesOf(g._id!))[0]!.parameters!.find((x) => x.name === 'threshold')!.value).toBe(7);
    expect((await change('threshold', 'seven')).response.status).toBe(400);
    expect((await change('no_such_parameter', 1)).response.status).toBe(200);
  });

  it('When someone else edits a graph, or the graph does not exist, then 403 and 404 come before any check of the body', async () => {
    const g = await savedGraph([instance(producer)]);
    const bob = await p.bob.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_node', { ...path(g._id!), body: { node_id: oid() } });
    expect(bob.response.status).toBe(403);
    expect(bob.error).toMatchObject({ message: 'Permission denied' });
    expect((await p.bob.GET('/plynx/api/v0/graphs/{graph_id}/nodes/list_nodes', path(g._id!))).response.status).toBe(403);
    const missing = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/remove_node', { ...path(oid()), body: {} });
    expect(missing.response.status).toBe(404);
    const bobEmpty = await p.bob.POST('/plynx/api/v0/graphs/{graph_id}/nodes/create_link', { ...path(g._id!), body: {} });
    expect(bobEmpty.response.status).toBe(403);
    const aliceEmpty = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/nodes/create_link', { ...path(g._id!), body: {} });
    expect(aliceEmpty.response.status).toBe(400);
    expect(aliceEmpty.error).toMatchObject({ status: 'failed', message: 'Empty body' });
  });
});
