// The golden outputs of PLynx's own generator and layout, through the API: GENERATE_CODE answers upstream's
// code byte for byte and REARRANGE upstream's positions, on every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../helpers/server.ts';
import { startPlynx, type PlynxFixture } from './plynx-fixture.ts';
import { fixtureGraph, fixtureText } from './plynx-graph-builders.ts';

describe.each(PROVIDERS)('PLynx golden actions on %s', (provider) => {
  let p: PlynxFixture;
  beforeAll(async () => {
    p = await startPlynx(provider);
  });
  afterAll(async () => p?.close());

  it.each(['graph_docs_hello_world', 'graph_grep_sum'])('When GENERATE_CODE runs on %s, then the code is upstream\'s, byte for byte', async (name) => {
    const r = await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: fixtureGraph(name), actions: ['GENERATE_CODE'] } });
    expect(r.data!.status).toBe('SUCCESS');
    expect(r.data!.code).toBe(fixtureText(`${name}.code.txt`));
  });

  it('When a stored graph is rearranged, then every node gets upstream\'s position, and SAVE after it keeps them', async () => {
    const graph = fixtureGraph('graph_grep_sum');
    await p.alice.POST('/plynx/api/v0/graphs', { body: { graph, actions: ['SAVE'] } });
    const r = await p.alice.POST('/plynx/api/v0/graphs/{graph_id}/rearrange', { params: { path: { graph_id: graph._id! } } });
    const expected = fixtureText('graph_grep_sum.rearranged_xy.txt').trim().split('\n').map((line) => {
      const [, id, x, y] = line.match(/(\w{24}) (\d+) (\d+)$/)!;
      return { _id: id, x: Number(x), y: Number(y) };
    });
    expect(r.data!.graph!.nodes!.map(({ _id, x, y }) => ({ _id, x, y }))).toEqual(expect.arrayContaining(expected));
    await p.alice.POST('/plynx/api/v0/graphs', { body: { graph: r.data!.graph!, actions: ['SAVE'] } });
    const stored = await p.alice.GET('/plynx/api/v0/graphs/{graph_id}', { params: { path: { graph_id: graph._id! } } });
    expect(stored.data!.data.nodes!.map(({ _id, x, y }) => ({ _id, x, y }))).toEqual(expect.arrayContaining(expected));
  });
});
