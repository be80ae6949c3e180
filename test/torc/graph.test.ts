// Torc's graph views end to end through the SDK (semantics.md §6): the newest event time, events after a
// time, DOT graphs (checked by parsing them with a real DOT parser) and collections joined through an edge,
// plus the QUIRKs Pipeloom fixes on purpose (quoted DOT labels, a real total_count for joins).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, type GraphASTNode } from '@ts-graphviz/ast';
import { unwrap, type components } from '@pipeloom/sdk';
import { PROVIDERS, startTestServer, type TestServer } from '../helpers/server.ts';

const MISSING = '987654321';

/** A job as POST /jobs and bulk_jobs take it. */
type JobBody = components['schemas']['job_model'];
type Collection = 'jobs' | 'files' | 'user_data' | 'resource_requirements' | 'results' | 'compute_nodes' | 'compute_node_stats' | 'job_process_stats' | 'aws_schedulers' | 'local_schedulers' | 'slurm_schedulers';
type EdgeName = 'blocks' | 'needs' | 'produces' | 'consumes' | 'stores' | 'requires' | 'scheduled_bys' | 'returned' | 'executed' | 'node_used' | 'process_used';
type Doc = Record<string, unknown>;

/** Graphviz's reading of a quoted string once the parser has undone `\"`: `\\` is a backslash, `\n` a line break. */
const dotText = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Parses DOT text (throwing on invalid DOT) into what a test compares: graph header, nodes and edges. */
function readDot(text: string) {
  const root = parse(text);
  const graphs = root.children.filter((c): c is GraphASTNode => c.type === 'Graph');
  expect(graphs).toHaveLength(1);
  const graph = graphs[0]!;
  const nodes = new Map<string, string | undefined>();
  const edges: [string, string, string | undefined][] = [];
  const attributes: Record<string, string> = {};
  for (const stmt of graph.children) {
    const label = 'children' in stmt ? stmt.children.find((a) => a.type === 'Attribute' && a.key.value === 'label') : undefined;
    const labelText = label?.type === 'Attribute' ? dotText(label.value.value) : undefined;
    if (stmt.type === 'Node') nodes.set(stmt.id.value, labelText);
    else if (stmt.type === 'Edge') {
      const [from, to] = stmt.targets;
      if (from.type !== 'NodeRef' || to.type !== 'NodeRef') throw new Error('edge between node groups');
      edges.push([from.id.value, to.id.value, labelText]);
    } else if (stmt.type === 'Attribute') attributes[stmt.key.value] = dotText(stmt.value.value);
  }
  return { strict: graph.strict, directed: graph.directed, id: graph.id?.value, quotedLabels: !/label=[^"]/.test(text), nodes, edges, attributes };
}

describe.each(PROVIDERS)('Torc graph views on %s', (provider) => {
  let t: TestServer;
  beforeAll(async () => { t = await startTestServer(provider); });
  afterAll(async () => { await t?.close(); });

  // ---- building data through the API ----
  const workflow = async () => (await unwrap(t.client.POST('/torc-service/workflows', { body: { user: 'alice', name: `g-${crypto.randomUUID()}` } })))._key!;
  const file = (w: string, name?: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/files', { params: { path: { workflow: w } }, body: { ...(name === undefined ? {} : { name }), path: `out/${name ?? 'unnamed'}` } }));
  const userData = (w: string, name: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/user_data', { params: { path: { workflow: w } }, body: { name, data: { v: name } } }));
  const rr = (w: string, name: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/resource_requirements', { params: { path: { workflow: w } }, body: { name, num_cpus: 2, memory: '2g', runtime: 'P0DT1H' } }));
  const bulk = async (w: string, jobs: JobBody[]) =>
    (await unwrap(t.client.POST('/torc-service/workflows/{workflow}/bulk_jobs', { params: { path: { workflow: w } }, body: { jobs } }))).items!;
  const edge = (w: string, name: EdgeName, from: string, to: string, data?: Record<string, unknown>) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name } }, body: { _from: from, _to: to, ...(data ? { data } : {}) } }));
  const event = (w: string, body: Doc) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/events', { params: { path: { workflow: w } }, body }));
  const result = (w: string, job_key: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/results', {
      params: { path: { workflow: w } },
      body: { job_key, run_id: 1, return_code: 0, exec_time_minutes: 1.5, completion_time: '2026-11-22T14:12:31.000Z', status: 'done' },
    }));
  const computeNode = (w: string, hostname: string) =>
    unwrap(t.client.POST('/torc-service/workflows/{workflow}/compute_nodes', {
      params: { path: { workflow: w } }, body: { hostname, pid: 1, start_time: '2026-11-22T14:12:31.000Z', resources: { num_cpus: 8, memory_gb: 16 } },
    }));
  const latest = (w: string) => t.client.GET('/torc-service/workflows/{key}/latest_event_timestamp', { params: { path: { key: w } } });
  const after = (w: string, timestamp: number, query: { category?: string; limit?: number; skip?: number } = {}) =>
    t.client.GET('/torc-service/workflows/{key}/events_after_timestamp/{timestamp}', { params: { path: { key: w, timestamp }, query } });
  const dot = (w: string, name: 'job_job_dependencies' | 'job_file_dependencies' | 'job_user_data_dependencies') =>
    t.client.GET('/torc-service/workflows/{key}/dot_graph/{name}', { params: { path: { key: w, name } } });
  const join = (direction: 'outbound' | 'inbound', w: string, collection: Collection, edgeName: EdgeName, body: Record<string, string | number | boolean | null> = {}, query: { collection_key?: string; collection_name?: string; skip?: number; limit?: number } = {}) =>
    direction === 'outbound'
      ? t.client.POST('/torc-service/workflows/{key}/join_by_outbound_edge/{collection}/{edge}', { params: { path: { key: w, collection, edge: edgeName }, query }, body })
      : t.client.POST('/torc-service/workflows/{key}/join_by_inbound_edge/{collection}/{edge}', { params: { path: { key: w, collection, edge: edgeName }, query }, body });
  const expectError = (r: { response: Response; error?: unknown }, status: number, code?: string) => {
    expect(r.response.status).toBe(status);
    expect(r.error).toMatchObject({ error: true, code: status, ...(code ? { pipeloomCode: code } : {}) });
  };
  const tick = async (since: number) => { while (Date.now() <= since + 1) await new Promise((r) => setTimeout(r, 2)); };

  // ---- latest_event_timestamp / events_after_timestamp ----

  describe('events by time', () => {
    it('When a workflow has no events, then latest_event_timestamp is null and no event comes after 0', async () => {
      const w = await workflow();
      expect(await unwrap(latest(w))).toEqual({ timestamp: null });
      expect(await unwrap(after(w, 0))).toEqual({ items: [], skip: 0, max_limit: 100000, count: 0, total_count: 0, has_more: false });
    });

    it('When events are posted, then latest_event_timestamp is the newest server timestamp and ignores other workflows', async () => {
      const w = await workflow();
      const other = await workflow();
      const first = await event(w, { category: 'job', type: 'start', message: 'one' });
      await tick(first.timestamp as number);
      const second = await event(w, { category: 'job', type: 'complete', message: 'two' });
      await tick(second.timestamp as number);
      await event(other, { category: 'job', message: 'elsewhere' });
      expect(await unwrap(latest(w))).toEqual({ timestamp: second.timestamp });
      expect(second.timestamp as number).toBeGreaterThan(first.timestamp as number);
    });

    it('When events are asked for after a time, then only strictly later ones come back, oldest first then by key, with their free-form fields', async () => {
      const w = await workflow();
      const early = await event(w, { category: 'worker', type: 'start', message: 'early' });
      await tick(early.timestamp as number);
      const a = await event(w, { category: 'job', type: 'start', message: 'a', job_name: 'work 1', node: { host: 'n1' } });
      const b = await event(w, { category: 'worker', type: 'stop', message: 'b' });
      const c = await event(w, { category: 'job', type: 'complete', message: 'c' });

      const page = await unwrap(after(w, early.timestamp as number));
      expect(page.items.map((e) => e._key)).toEqual([a._key, b._key, c._key]);
      expect(page).toMatchObject({ skip: 0, count: 3, total_count: 3, has_more: false });
      expect(page.items[0]).toEqual(a);
      expect(page.items[0]).toMatchObject({ job_name: 'work 1', node: { host: 'n1' } });
      // Ordered by timestamp first, key second.
      const keys = page.items.map((e) => [e.timestamp as number, Number(e._key)] as const);
      expect([...keys].sort((x, y) => x[0] - y[0] || x[1] - y[1])).toEqual(keys);

      expect((await unwrap(after(w, early.timestamp as number, { category: 'job' }))).items.map((e) => e.message)).toEqual(['a', 'c']);
      expect((await unwrap(after(w, early.timestamp as number, { category: 'nothing' }))).items).toEqual([]);
      expect((await unwrap(after(w, (c.timestamp as number))))).toMatchObject({ items: [], total_count: 0 });
      // Everything, when asked from the beginning of time.
      expect((await unwrap(after(w, 0))).items.map((e) => e._key)).toEqual([early._key, a._key, b._key, c._key]);
    });

    it('When a limit cuts the later events short, then total_count counts them all and has_more says to ask again; skip is ignored', async () => {
      const w = await workflow();
      for (let i = 0; i < 5; i++) await event(w, { category: 'job', message: `m${i}` });
      const first = await unwrap(after(w, 0, { limit: 2 }));
      expect(first.items.map((e) => e.message)).toEqual(['m0', 'm1']);
      expect(first).toMatchObject({ skip: 0, count: 2, total_count: 5, has_more: true });
      const skipped = await unwrap(after(w, 0, { limit: 2, skip: 3 }));
      expect(skipped.items.map((e) => e.message)).toEqual(['m0', 'm1']);
      expect(skipped.skip).toBe(0);
    });

    it('When the workflow is unknown, then both event views answer 404; a negative or non-numeric timestamp is 400', async () => {
      expectError(await latest(MISSING), 404, 'DOCUMENT_NOT_FOUND');
      expectError(await after(MISSING, 0), 404, 'DOCUMENT_NOT_FOUND');
      const w = await workflow();
      expectError(await after(w, -1), 400);
      expectError(await after(w, 'yesterday' as unknown as number), 400);
      expectError(await after(w, 0, { limit: 0 }), 400);
    });
  });

  // ---- dot_graph ----

  describe('DOT graphs', () => {
    const AWKWARD = ['pre process', 'say "hi"', 'back\\slash', 'two\nlines', 'ends with \\', 'ünïcode → ✓', '{braces}; [brackets] -> arrow'];

    it('When jobs have awkward names, then job_job_dependencies is valid strict DOT with every job labelled by its exact name and every blocks edge drawn', async () => {
      const w = await workflow();
      const [a, b, c] = await bulk(w, AWKWARD.slice(0, 3).map((name) => ({ name, command: 'true' })));
      const rest = await bulk(w, [
        ...AWKWARD.slice(3).map((name) => ({ name, command: 'true', blocked_by: [a!._id!] })),
        { command: 'nameless', blocked_by: [b!._id!, c!._id!] },
      ]);
      const lonely = (await bulk(w, [{ name: 'lonely', command: 'true' }]))[0]!;
      const { graph } = await unwrap(dot(w, 'job_job_dependencies'));
      expect(graph.startsWith('strict digraph "job_job_dependencies" {')).toBe(true);

      const g = readDot(graph);
      expect(g).toMatchObject({ strict: true, directed: true, id: 'job_job_dependencies', quotedLabels: true });
      const all = [a!, b!, c!, ...rest, lonely];
      expect(Object.fromEntries(g.nodes)).toEqual(Object.fromEntries(all.map((j) => [j._id, j.name ?? j._key])));
      expect(g.nodes.get(rest.at(-1)!._id!)).toBe(rest.at(-1)!._key);
      const expected = [
        ...rest.slice(0, -1).map((j) => [a!._id, j._id, 'blocks']),
        [b!._id, rest.at(-1)!._id, 'blocks'],
        [c!._id, rest.at(-1)!._id, 'blocks'],
      ];
      expect(g.edges).toEqual(expect.arrayContaining(expected));
      expect(g.edges).toHaveLength(expected.length);
    });

    it('When jobs need and produce files, then job_file_dependencies draws all jobs, only the files used, and each produces and needs edge in its stored direction', async () => {
      const w = await workflow();
      const input = await file(w, 'input "raw".csv');
      const output = await file(w, 'out\\put');
      const nameless = await file(w);
      const unused = await file(w, 'unused');
      const [producer, consumer] = await bulk(w, [
        { name: 'make it', command: 'make', input_files: [input._id!], output_files: [output._id!, nameless._id!] },
        { name: 'use it', command: 'use', input_files: [output._id!] },
      ]);
      const idle = (await bulk(w, [{ name: 'idle', command: 'true' }]))[0]!;
      const g = readDot((await unwrap(dot(w, 'job_file_dependencies'))).graph);
      expect(g).toMatchObject({ strict: true, directed: true, id: 'job_file_dependencies', quotedLabels: true });
      expect(Object.fromEntries(g.nodes)).toEqual({
        [producer!._id!]: 'make it', [consumer!._id!]: 'use it', [idle._id!]: 'idle',
        [input._id!]: 'input "raw".csv', [output._id!]: 'out\\put', [nameless._id!]: nameless._key,
      });
      expect(g.nodes.has(unused._id!)).toBe(false);
      expect(g.edges).toEqual(expect.arrayContaining([
        [producer!._id, input._id, 'needs'],
        [producer!._id, output._id, 'produces'],
        [producer!._id, nameless._id, 'produces'],
        [consumer!._id, output._id, 'needs'],
      ]));
      expect(g.edges).toHaveLength(4);
    });

    it('When jobs store and consume user data, then job_user_data_dependencies draws the stores and consumes edges and the user data used', async () => {
      const w = await workflow();
      const ud = await userData(w, 'result "set"');
      await userData(w, 'never used');
      const [writer, reader] = await bulk(w, [
        { name: 'writer', command: 'w', output_user_data: [ud._id!] },
        { name: 'reader', command: 'r', input_user_data: [ud._id!] },
      ]);
      const g = readDot((await unwrap(dot(w, 'job_user_data_dependencies'))).graph);
      expect(g).toMatchObject({ strict: true, directed: true, id: 'job_user_data_dependencies', quotedLabels: true });
      expect(Object.fromEntries(g.nodes)).toEqual({ [writer!._id!]: 'writer', [reader!._id!]: 'reader', [ud._id!]: 'result "set"' });
      expect(g.edges).toEqual([[writer!._id, ud._id, 'stores'], [reader!._id, ud._id, 'consumes']]);
    });

    it('When the workflow is empty, then every graph is valid DOT with no nodes or edges', async () => {
      const w = await workflow();
      for (const name of ['job_job_dependencies', 'job_file_dependencies', 'job_user_data_dependencies'] as const) {
        const g = readDot((await unwrap(dot(w, name))).graph);
        expect(g).toMatchObject({ strict: true, directed: true, id: name });
        expect(g.nodes.size).toBe(0);
        expect(g.edges).toEqual([]);
      }
    });

    it('When the graph name is unknown, then it answers 400; an unknown workflow is 404', async () => {
      const w = await workflow();
      expectError(await dot(w, 'job_everything' as 'job_job_dependencies'), 400);
      expectError(await dot(MISSING, 'job_job_dependencies'), 404, 'DOCUMENT_NOT_FOUND');
    });
  });

  // ---- join_by_outbound_edge / join_by_inbound_edge ----

  describe('joins', () => {
    /** Three parents that each block two children, plus a job with no edge at all. */
    async function family(w: string) {
      const parents = await bulk(w, [0, 1, 2].map((i) => ({ name: `parent${i}`, command: 'true', status: i === 1 ? 'done' as const : 'ready' as const })));
      const children = await bulk(w, parents.flatMap((p, i) => [0, 1].map((k) => ({ name: `child${i}${k}`, command: 'true', blocked_by: [p._id!] }))));
      return { parents, children };
    }

    it('When jobs are joined outbound by blocks, then each row is {from: base job, to: blocked job, edge} in wire form, by base key then edge key, and jobs without edges give no row', async () => {
      const w = await workflow();
      const { parents, children } = await family(w);
      const page = await unwrap(join('outbound', w, 'jobs', 'blocks'));
      expect(page).toMatchObject({ skip: 0, max_limit: 100000, count: 6, total_count: 6, has_more: false });
      expect(page.items.map((r) => [r.from.name, r.to.name])).toEqual([
        ['parent0', 'child00'], ['parent0', 'child01'], ['parent1', 'child10'], ['parent1', 'child11'], ['parent2', 'child20'], ['parent2', 'child21'],
      ]);
      const row = page.items[0]!;
      const job = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/jobs/{key}', { params: { path: { workflow: w, key: parents[0]!._key! } } }));
      expect(row.from).toEqual(job);
      expect(row.from).toHaveProperty('internal');
      expect(row.from).not.toHaveProperty('blocked_by');
      expect(row.to._id).toBe(children[0]!._id);
      expect(row.edge).toMatchObject({ _from: parents[0]!._id, _to: children[0]!._id, _id: expect.stringMatching(new RegExp(`^blocks__${w}/\\d+$`)), _rev: '1' });
      const edges = await unwrap(t.client.GET('/torc-service/workflows/{workflow}/edges/{name}', { params: { path: { workflow: w, name: 'blocks' } } }));
      expect(page.items.map((r) => r.edge)).toEqual(edges.items);
    });

    it('When the body filters the base collection, then only matching base documents are joined; collection_key and collection_name narrow it further', async () => {
      const w = await workflow();
      const { parents } = await family(w);
      const done = await unwrap(join('outbound', w, 'jobs', 'blocks', { status: 'done' }));
      expect(done.items.map((r) => r.to.name)).toEqual(['child10', 'child11']);
      expect(done.total_count).toBe(2);
      expect((await unwrap(join('outbound', w, 'jobs', 'blocks', { status: 'ready', cancel_on_blocking_job_failure: true }))).items.map((r) => r.from.name))
        .toEqual(['parent0', 'parent0', 'parent2', 'parent2']);
      expect((await unwrap(join('outbound', w, 'jobs', 'blocks', {}, { collection_key: parents[2]!._key! }))).items.map((r) => r.to.name)).toEqual(['child20', 'child21']);
      expect((await unwrap(join('outbound', w, 'jobs', 'blocks', { _key: parents[0]!._key! }))).items.map((r) => r.to.name)).toEqual(['child00', 'child01']);
      expect((await unwrap(join('outbound', w, 'jobs', 'blocks', {}, { collection_name: 'parent1' }))).items.map((r) => r.to.name)).toEqual(['child10', 'child11']);
      expect(await unwrap(join('outbound', w, 'jobs', 'blocks', { name: 'parent1' }, { collection_name: 'parent2' }))).toMatchObject({ items: [], total_count: 0, has_more: false });
      expect(await unwrap(join('outbound', w, 'jobs', 'blocks', { _key: 'not-a-key' }))).toMatchObject({ items: [], total_count: 0 });
      expect(await unwrap(join('outbound', w, 'jobs', 'blocks', { invocation_script: null }))).toMatchObject({ count: 6 });
    });

    it('When a join has more rows than the limit, then total_count is the number of rows in all and paging with skip += count returns every row once (upstream said has_more false)', async () => {
      const w = await workflow();
      await family(w);
      const everything = (await unwrap(join('outbound', w, 'jobs', 'blocks'))).items;
      const first = await unwrap(join('outbound', w, 'jobs', 'blocks', {}, { limit: 4 }));
      expect(first).toMatchObject({ skip: 0, count: 4, total_count: 6, has_more: true });
      const pages = [first];
      while (pages.at(-1)!.has_more) {
        const last = pages.at(-1)!;
        pages.push(await unwrap(join('outbound', w, 'jobs', 'blocks', {}, { skip: last.skip + last.count, limit: 4 })));
      }
      expect(pages.map((p) => [p.skip, p.count, p.total_count, p.has_more])).toEqual([[0, 4, 6, true], [4, 2, 6, false]]);
      expect(pages.flatMap((p) => p.items)).toEqual(everything);
      // The filter applies to the total as well.
      expect(await unwrap(join('outbound', w, 'jobs', 'blocks', { status: 'ready' }, { limit: 1 }))).toMatchObject({ count: 1, total_count: 4, has_more: true });
      expect(await unwrap(join('outbound', w, 'jobs', 'blocks', {}, { skip: 6 }))).toMatchObject({ items: [], skip: 6, count: 0, total_count: 6, has_more: false });
    });

    it('When jobs are joined outbound by needs and produces, then the files come back in their wire form', async () => {
      const w = await workflow();
      const input = await file(w, 'in');
      const output = await file(w, 'out');
      const [j] = await bulk(w, [{ name: 'convert', command: 'c', input_files: [input._id!], output_files: [output._id!] }]);
      const needs = await unwrap(join('outbound', w, 'jobs', 'needs'));
      expect(needs.items).toHaveLength(1);
      expect(needs.items[0]).toMatchObject({ from: { _id: j!._id, name: 'convert' }, to: input, edge: { _from: j!._id, _to: input._id } });
      expect((await unwrap(join('outbound', w, 'jobs', 'produces'))).items.map((r) => r.to)).toEqual([output]);
    });

    it('When results and resource requirements are joined inbound, then the job is `from` and the base document is `to`', async () => {
      const w = await workflow();
      const small = await rr(w, 'small');
      const big = await rr(w, 'big');
      const [j1, j2, j3] = await bulk(w, [
        { name: 'one', command: '1', resource_requirements: small._id },
        { name: 'two', command: '2', resource_requirements: small._id },
        { name: 'three', command: '3', resource_requirements: big._id },
      ]);
      const requires = await unwrap(join('inbound', w, 'resource_requirements', 'requires'));
      expect(requires.items.map((r) => [r.to.name, r.from.name])).toEqual([['small', 'one'], ['small', 'two'], ['big', 'three']]);
      expect(requires.items[0]!.to).toEqual(small);
      expect(requires.items[0]!.edge).toMatchObject({ _from: j1!._id, _to: small._id });
      expect((await unwrap(join('inbound', w, 'resource_requirements', 'requires', { name: 'big' }))).items.map((r) => r.from._id)).toEqual([j3!._id]);

      const r1 = await result(w, j1!._key!);
      const r2 = await result(w, j2!._key!);
      await edge(w, 'returned', j1!._id!, r1._id!);
      await edge(w, 'returned', j2!._id!, r2._id!);
      const returned = await unwrap(join('inbound', w, 'results', 'returned', { return_code: 0 }));
      expect(returned.items.map((r) => [r.from._id, r.to])).toEqual([[j1!._id, r1], [j2!._id, r2]]);
      expect(returned.total_count).toBe(2);
    });

    it('When compute nodes are joined outbound by executed, then the edge carries its data and the job is `to`', async () => {
      const w = await workflow();
      const node = await computeNode(w, 'node01');
      const idleNode = await computeNode(w, 'node02');
      const [j] = await bulk(w, [{ name: 'ran', command: 'true' }]);
      await edge(w, 'executed', node._id!, j!._id!, { run_id: 1 });
      const page = await unwrap(join('outbound', w, 'compute_nodes', 'executed', { hostname: 'node01', pid: 1 }));
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({ from: node, to: { _id: j!._id, name: 'ran' }, edge: { _from: node._id, _to: j!._id, data: { run_id: 1 } } });
      expect((await unwrap(join('outbound', w, 'compute_nodes', 'executed', {}, { collection_key: idleNode._key! }))).items).toEqual([]);
    });

    it('When a job is scheduled by different kinds of scheduler, then each neighbour comes back from its own collection', async () => {
      const w = await workflow();
      const local = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/local_schedulers', { params: { path: { workflow: w } }, body: { name: 'here', num_cpus: 4 } }));
      const slurm = await unwrap(t.client.POST('/torc-service/workflows/{workflow}/slurm_schedulers', { params: { path: { workflow: w } }, body: { name: 'hpc', account: 'acct', nodes: 1 } }));
      await bulk(w, [{ name: 'a', command: 'a', scheduler: local._id }, { name: 'b', command: 'b', scheduler: slurm._id }]);
      const page = await unwrap(join('outbound', w, 'jobs', 'scheduled_bys'));
      expect(page.items.map((r) => r.to)).toEqual([local, slurm]);
      expect((await unwrap(join('inbound', w, 'slurm_schedulers', 'scheduled_bys'))).items.map((r) => r.from.name)).toEqual(['b']);
    });

    it('When the join names an unknown workflow, then it answers 404', async () => {
      expectError(await join('outbound', MISSING, 'jobs', 'blocks'), 404, 'DOCUMENT_NOT_FOUND');
      expectError(await join('inbound', MISSING, 'results', 'returned'), 404, 'DOCUMENT_NOT_FOUND');
    });

    it('When the collection or edge is unknown, or the edge does not leave (enter) the collection, then it answers 400', async () => {
      const w = await workflow();
      expectError(await join('outbound', w, 'events' as Collection, 'blocks'), 400);
      expectError(await join('outbound', w, 'jobs', 'friends' as EdgeName), 400);
      expectError(await join('outbound', w, 'files', 'needs'), 400, 'INVALID_ARGUMENT');
      expectError(await join('inbound', w, 'jobs', 'needs'), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'results', 'returned'), 400, 'INVALID_ARGUMENT');
    });

    it('When the filter names an unknown or non-scalar field, or a value of the wrong type, then it answers 400', async () => {
      const w = await workflow();
      await family(w);
      expectError(await join('outbound', w, 'jobs', 'blocks', { colour: 'blue' }), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'jobs', 'blocks', { internal: 'x' }), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'jobs', 'blocks', { status: 3 }), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'jobs', 'blocks', { supports_termination: 'no' }), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'jobs', 'blocks', { _key: 7 }), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'compute_nodes', 'executed', { pid: 1.5 }), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'compute_nodes', 'executed', { resources: null }), 400, 'INVALID_ARGUMENT');
      expectError(await join('inbound', w, 'results', 'returned', {}, { collection_name: 'x' }), 400, 'INVALID_ARGUMENT');
      expectError(await join('outbound', w, 'jobs', 'blocks', { nested: { a: 1 } } as unknown as Record<string, string>), 400);
      expectError(await join('outbound', w, 'jobs', 'blocks', {}, { skip: -1 }), 400);
      // An integer out of the column's range cannot match: an empty page, not an error.
      expect(await unwrap(join('outbound', w, 'compute_nodes', 'executed', { pid: 2 ** 40 }))).toMatchObject({ items: [], total_count: 0 });
    });
  });
});
