// The read paths use indexes: every statement that GET /graphs/{id}, the PLynx searches and the Dioptra job
// list run is planned by the database, and none scans the graph, node, run or job table. The tables here are
// small, where PostgreSQL's planner rightly prefers a scan, so on PostgreSQL the plans are taken with
// `enable_seqscan = off`: a Seq Scan then means no index can serve the statement. Plans, not timings.
// Free-text search keeps its meaning on the trigram indexes: substrings, any word, case-insensitive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPathPlans } from '../../bench/read-paths.ts';
import { unindexedScans } from '../../bench/query-plans.ts';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';
import { graph, startPlynx, type PlynxFixture } from './plynx-fixture.ts';

const READ_PATH_TABLES = ['plynx_graph', 'plynx_node', 'plynx_run', 'plynx_run_node', 'dioptra_job'];

describe.each(PROVIDERS)('read path plans on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => t?.close());

  it('When every read path runs, then none of its statements scans a table without an index', async () => {
    const report = await readPathPlans(t.url, t.server.database, t.databaseUrl, 200, { minRows: 0, tables: READ_PATH_TABLES, forceIndexes: true });
    expect(report.checked).toBeGreaterThan(10);
    expect(report.findings.map((f) => `${f.table}: ${f.sql}\n${f.plan.join('\n')}`)).toEqual([]);
  });

  it('When a statement can only scan, then the plan check reports it', async () => {
    const report = await unindexedScans(t.databaseUrl, [{ sql: `SELECT "id" FROM "plynx_graph" WHERE "document" = 'nothing'`, params: [] }], { minRows: 0, forceIndexes: true });
    expect(report.findings.map((f) => f.table)).toEqual(['plynx_graph']);
  });
});

describe.each(PROVIDERS)('PLynx free text on the trigram indexes on %s', (provider) => {
  let p: PlynxFixture;
  const titles = async (search: string) => {
    const r = await p.alice.POST('/plynx/api/v0/search_graphs', { body: { search } as never });
    return r.data!.items.map((g) => g.title).sort();
  };
  const save = (body: ReturnType<typeof graph>) => p.alice.POST('/plynx/api/v0/graphs', { body: { graph: body, actions: ['SAVE'] } });

  beforeAll(async () => {
    p = await startPlynx(provider);
    for (const title of ['Growth 50% done', 'Growth 500 done', 'QA checks', 'Snake_case report']) await save(graph(title, []));
    const renamed = graph('Alpha report', []);
    await save(renamed);
    await save({ ...renamed, title: 'Beta summary', description: 'Renamed' });
  });
  afterAll(async () => p?.close());

  it('When a word is found inside a title in another case, then the graph matches', async () => {
    expect(await titles('ROWTH')).toEqual(['Growth 50% done', 'Growth 500 done']);
    expect(await titles('summar nothing-like-it')).toEqual(['Beta summary']);
  });

  it('When a graph is saved with a new title, then only the new title finds it', async () => {
    expect(await titles('alpha')).toEqual([]);
    expect(await titles('beta')).toEqual(['Beta summary']);
  });

  it('When a word holds LIKE wildcards, then they match only themselves', async () => {
    expect(await titles('50%')).toEqual(['Growth 50% done']);
    expect(await titles('e_c')).toEqual(['Snake_case report']);
  });

  it('When a word is shorter than 3 characters, then it still matches as a substring', async () => {
    expect(await titles('qa')).toEqual(['QA checks']);
    expect(await titles('0%')).toEqual(['Growth 50% done']);
  });
});
