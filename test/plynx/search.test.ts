// Searching graphs and nodes: paging, statuses, the `author:`, `order:`, `desc:` and `sort:starred` filters
// of the search string, free text over title and description, and the `_user` join.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS } from '../helpers/server.ts';
import { graph, instance, operation, startPlynx, type PlynxFixture } from './plynx-fixture.ts';

describe.each(PROVIDERS)('PLynx search on %s', (provider) => {
  let p: PlynxFixture;
  const searchGraphs = (body: Record<string, unknown>, client = p.alice) => client.POST('/plynx/api/v0/search_graphs', { body: body as never });
  const searchNodes = (body: Record<string, unknown>, client = p.alice) => client.POST('/plynx/api/v0/search_nodes', { body: body as never });

  beforeAll(async () => {
    p = await startPlynx(provider);
    const op = operation('Word counter', { outputs: ['out'] });
    await p.alice.POST('/plynx/api/v0/nodes', { body: { node: op, action: 'APPROVE' } });
    const titles: Array<[string, string, typeof p.alice]> = [
      ['Access log report', 'Counts requests per host', p.alice],
      ['Nightly backup', 'Copies the ACCESS database', p.alice],
      ['Weather import', 'Fetches forecasts', p.bob],
    ];
    for (const [title, description, client] of titles) {
      p.clock.advance(1_000);
      await client.POST('/plynx/api/v0/graphs', { body: { graph: { ...graph(title, [instance(op)]), description }, actions: ['SAVE'] } });
    }
    await p.bob.POST('/plynx/api/v0/nodes', { body: { node: operation('Bob parser', { outputs: ['out'] }), action: 'SAVE' } });
  });
  afterAll(async () => p?.close());

  it('When graphs are searched with no body, then every graph comes newest first with its author joined', async () => {
    const r = await p.alice.POST('/plynx/api/v0/search_graphs', {});
    expect(r.data!.status).toBe('success');
    expect(r.data!.total_count).toBe(3);
    expect(r.data!.items.map((g) => g.title)).toEqual(['Weather import', 'Nightly backup', 'Access log report']);
    expect(r.data!.items[0]!._user).toEqual([{ _id: p.ids.bob, username: 'bob', active: true }]);
  });

  it('When the search string has filters and words, then author, order, direction and free text all apply', async () => {
    const byAlice = await searchGraphs({ search: 'author:alice ' });
    expect(byAlice.data!.items.map((g) => g.title)).toEqual(['Nightly backup', 'Access log report']);
    const oldestFirst = await searchGraphs({ search: 'order:insertion_date desc:false' });
    expect(oldestFirst.data!.items.map((g) => g.title)).toEqual(['Access log report', 'Nightly backup', 'Weather import']);
    const byTitle = await searchGraphs({ search: 'order:title desc:0' });
    expect(byTitle.data!.items[0]!.title).toBe('Access log report');
    // Words match title or description, case-insensitively, and any word is enough.
    const access = await searchGraphs({ search: 'access' });
    expect(access.data!.items.map((g) => g.title).sort()).toEqual(['Access log report', 'Nightly backup']);
    const either = await searchGraphs({ search: 'forecasts   backup' });
    expect(either.data!.total_count).toBe(2);
    const combined = await searchGraphs({ search: 'author:bob access' });
    expect(combined.data!.total_count).toBe(0);
  });

  it('When graphs are paged and filtered by status, then total_count counts every match', async () => {
    const page = await searchGraphs({ per_page: 1, offset: 1 });
    expect(page.data!.items).toHaveLength(1);
    expect(page.data!.items[0]!.title).toBe('Nightly backup');
    expect(page.data!.total_count).toBe(3);
    expect((await searchGraphs({ status: 'READY' })).data!.total_count).toBe(0);
    expect((await searchGraphs({ status: ['CREATED', 'READY'] })).data!.total_count).toBe(3);
  });

  it('When a search has unknown keys or a malformed filter, then the answer is a 400', async () => {
    for (const body of [{ page: 2 }, { search: 'a:b:c' }, { search: 'order:colour' }]) {
      const r = await searchGraphs(body);
      expect(r.response.status, JSON.stringify(body)).toBe(400);
      expect(r.error).toMatchObject({ status: 'failed' });
    }
    expect((await searchNodes({ sort: 'starred' })).response.status).toBe(400);
  });

  it('When nodes are searched, then status, base node names, author and words filter them, with file types answered', async () => {
    const all = await searchNodes({});
    expect(all.data!.total_count).toBe(2);
    expect(all.data!.resources_dict.csv).toMatchObject({ name: 'csv' });
    expect((await searchNodes({ status: 'READY' })).data!.items.map((n) => n.title)).toEqual(['Word counter']);
    expect((await searchNodes({ search: 'author:bob' })).data!.items.map((n) => n.title)).toEqual(['Bob parser']);
    expect((await searchNodes({ base_node_names: ['file'] })).data!.total_count).toBe(0);
    const mine = (await searchNodes({ search: 'counter' })).data!.items[0]!;
    expect(mine).toMatchObject({ title: 'Word counter', _readonly: false, _user: [{ username: 'alice' }] });
    expect((await searchNodes({ search: 'parser sort:starred' })).data!.items[0]!._readonly).toBe(true);
  });
});
